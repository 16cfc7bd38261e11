#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define MIB			(1024ULL * 1024)
