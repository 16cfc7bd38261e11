#define MAX_CAPS		48	/* (256 - 64) / 4 */

