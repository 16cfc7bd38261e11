struct options {
	__u64 mem_size;			/* --mem-size, 0 if not given */
	const char *other;		/* --other */
	unsigned int seconds;		/* --seconds */
};

