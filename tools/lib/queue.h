#define IOVA_BASE		0x100000000ULL	/* above 4 GiB: the _HI halves */
#define IOVA_ALIGN		(2ULL << 20)
#define IOVA_GAP		(2ULL << 20)	/* unmapped IOVA after each buffer */
#define Q_TIMEOUT_MS		120000	/* a batch must complete within this */
#define Q_ERROR_MS		2000	/* an error must show within this */
#define Q_POLL_MS		50	/* registers polled this often */
#define SENTINEL		0xa5	/* bytes no command may touch */
#define GAP			64	/* sentinel bytes around destinations */

/* Guest memory of the function: anonymous memory mapped at an IOVA. */
struct dma_buf {
	__u8 *va;
	__u64 iova;
	size_t size;		/* whole pages */
	bool mapped;		/* in the container's IOMMU */
};

/* A command in CPU byte order; queue_push() writes it as a descriptor. */
struct cmd {
	__u16 op;
	__u16 flags;
	__u32 len;
	__u64 src;
	__u64 src2;
	__u64 dst;
	__u64 value;
	__u32 m;
	__u32 n;
	__u32 k;
	__u32 rsvd;
	__u64 tag;
};

struct qenv;

/* A queue of the function and its ring and writeback memory. */
struct queue {
	struct qenv *e;
	unsigned int q;
	__u32 size;		/* RING_SIZE */
	__u32 tail;		/* descriptors written to the ring */
	struct dma_buf ring;
	struct dma_buf wbuf;	/* the writeback at its start */
};

/* Host statistics of the instance (sysfs vaccel/). */
struct stats {
	__u64 jobs;
	__u64 bytes;
	__u64 busy_ns;
	__u64 errors;
};

/* Everything the queue commands work with. */
struct qenv {
	struct vdev *v;
	__u8 *bar2;		/* BAR2, mmapped */
	__u64 bar2_size;
	__s32 fds[VACCEL_MSIX_VECTORS];	/* MSI-X eventfds */
	__u64 iova_next;
	__u64 pushed;		/* descriptors pushed on all queues */
	__u64 min_bytes;	/* the least the engines must move for them */
	__u64 min_busy_ns;	/* BUSY time they asked for */
	struct queue queue[VACCEL_FN_QUEUES];
};

/* Where a command's operand is: an IOVA or a BAR2 offset, and our view. */
struct opnd {
	__u8 *p;
	__u64 addr;
	bool dev;
};

