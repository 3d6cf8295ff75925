/*
 * What a benchmark is, independent of the OS that runs it: the payload's driver walks a table of
 * these, emits the metadata, and hands each run function a sample buffer to fill.
 */
#ifndef HB_BENCH_H
#define HB_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define HB_MAX_PARTICIPANTS 2

struct hb_run;

struct hb_bench {
	const char *metric;        /* stable name, e.g. "ipc.roundtrip.pipe.thread.cross" */
	const char *mechanism;     /* what produced the figure, e.g. "pipe" */
	uint32_t ops_per_sample;   /* operations one sample covers, e.g. 2 context switches */
	uint32_t vcpus;            /* vCPUs needed: 1 or 2 */
	uint32_t participants;     /* threads or processes taking part */
	/* vCPU each participant is pinned to; participant 0 is the one that measures. */
	uint32_t cpu[HB_MAX_PARTICIPANTS];
	/* Returns 0, or -1 after hb_run_fail(). */
	int (*run)(const struct hb_bench *b, struct hb_run *r);
	const void *arg;           /* variant parameters for run, e.g. which IPC mechanism */
};

struct hb_run {
	/*
	 * iterations entries, written only by the measuring participant and only after its end
	 * timestamp; nothing in a timed loop does I/O.
	 */
	uint64_t *samples;
	uint32_t iterations;
	uint32_t warmup;           /* untimed rounds first, to fault in pages and warm caches */
	/*
	 * Called once, by the measuring participant, when every participant is pinned and before
	 * warm-up, with their CPU sets as read back ("0;1"), so the driver can emit the benchmark's
	 * metadata before any sample exists.
	 */
	void (*ready)(struct hb_run *r, const char *affinity);
	void *ctx;                 /* the driver's, for ready */
	/* Set by hb_run_fail(): the failed operation and its error number (0 if none applies). */
	const char *failed_op;
	int error;
};

static inline int hb_run_fail(struct hb_run *r, const char *op, int error)
{
	r->failed_op = op;
	r->error = error;
	return -1;
}

/* The distinct vCPUs of b->cpu in order, comma-separated ("0" or "0,1"). */
void hb_bench_vcpu_list(const struct hb_bench *b, char *buf, size_t size);

/* Whether name matches pattern (pattern_len bytes), where '*' matches any run of characters. */
int hb_glob_match(const char *pattern, size_t pattern_len, const char *name);

/* Whether name matches any glob of a comma-separated list such as "syscall.*,ipc.*.same". */
int hb_glob_list_match(const char *list, const char *name);

#endif
