/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vaccel-vfio migrate (migrate.c runs it, mig-work.c holds the workload it
 * migrates, mig-fuzz.c the loads of broken streams): what they share.
 */
#ifndef _VFIO_MIGRATE_H
#define _VFIO_MIGRATE_H

#include <stdbool.h>

#include <linux/types.h>

#include "vaccel_queue.h"

#include "job.h"
#include "mig.h"
#include "queue.h"
#include "vdev.h"

#define MW_JOBS		64	/* commands a queue gets at most */
#define MW_RING		64	/* its ring: everything fits at once */

/* One queue of the workload and the commands it was given. */
struct mw_queue {
	struct queue *qu;
	struct dma_buf src;	/* random, read only */
	struct dma_buf dst;	/* every result, SENTINEL around each */
	size_t dst_used;
	__u64 bar;		/* its slot of BAR2 */
	__u64 bar_len;
	struct vjob job[MW_JOBS];
	unsigned int n;
	__u64 fence;		/* value of the last FENCE pushed */
	unsigned int irqs;	/* commands pushed with the IRQ flag */
	__u32 head_stop;	/* HEAD and TAIL when the source stopped */
	__u32 tail_stop;
};

/* The workload: all 4 queues of the source, then of the destination. */
struct mwork {
	struct qenv *e;		/* where its memory was allocated */
	struct mw_queue q[VACCEL_FN_QUEUES];
	unsigned int rounds;
	__u32 len;		/* of each COPY and CRC32C */
	__u64 bar_seed;		/* BAR2 pattern, beyond the slots */
	__u64 bar_from;
	bool dirty;		/* the container tracks dirty pages */
};

/* mig-work.c */
bool mw_setup(struct mwork *w, struct qenv *e, unsigned int rounds,
	      __u32 len);
bool mw_initial(struct mwork *w);
void mw_warmup(struct mwork *w, double seconds);
bool mw_late(struct mwork *w);
bool mw_after(struct mwork *w, struct qenv *cur);
unsigned int mw_stopped(struct mwork *w);
void mw_move(struct mwork *w, struct qenv *to);
bool mw_wait(struct mwork *w);
bool mw_verify(struct mwork *w, struct qenv *cur, const char *where);
void mw_irqs(struct mwork *w, struct qenv *src, struct qenv *dst);
void mw_free(struct mwork *w);
void mw_dirty_start(struct mwork *w);
void mw_dirty_final(struct mwork *w);

/* Where --abort stops the migration. */
enum mig_abort { AB_NONE, AB_P2P, AB_STOP, AB_STOP_COPY, AB_RESUMING };

#define MIG_PHASES	16

/* A timed step of the migration. */
struct mig_phase {
	const char *name;
	__u64 ns;
	bool downtime;		/* between the source's stop and the run */
};

/* A migration: its options, the two instances, the workload, timings. */
struct mig_ctx {
	const char *src_uuid;	/* NULL: "-" */
	const char *dst_uuid;
	double warmup;
	const char *save;
	const char *load;
	bool corrupt_set;
	long long corrupt;
	bool truncate_set;
	__u64 truncate;
	enum mig_abort abort_at;
	unsigned int fuzz;
	__u64 seed;
	unsigned int rounds;
	__u32 len;

	bool expect_refusal;
	struct vdev src;
	struct vdev dst;
	bool src_open;
	bool dst_open;
	struct qenv se;
	struct qenv de;
	struct mwork w;
	int dst_fd;		/* the RESUMING data fd */
	struct mig_phase phase[MIG_PHASES];
	unsigned int phases;
	__u64 t_leave;		/* the source left RUNNING */
	__u64 checks_ns;	/* the client's checks inside the downtime */
	__u64 window_ns;	/* from t_leave to the destination running */
	__u64 read_ns;		/* the STOP_COPY read */
	__u64 write_ns;		/* the RESUMING write */
	bool either;		/* --load of an intact file: any outcome */
};

/* mig-fuzz.c */
bool mig_fuzz(struct mig_ctx *m, const struct mig_stream *base,
	      unsigned int n);
bool mig_dst_recover(struct mig_ctx *m, const char *why, bool job);

#endif
