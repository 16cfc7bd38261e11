/* The fake IOVA space: FAKE_PAGES pages from FAKE_BASE. */
#define FAKE_BASE	0x100000ULL
#define FAKE_PAGES	512
#define FAKE_IOVA(pg)	(FAKE_BASE + (u64)(pg) * PAGE_SIZE)

struct fake_iova {
	struct mutex lock;		/* mapped, pins, against rw */
	struct page *page[FAKE_PAGES];
	bool mapped[FAKE_PAGES];
	int pins[FAKE_PAGES];
	unsigned int faults;
};
