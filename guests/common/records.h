/*
 * The records every payload sends, and the order it sends them in for one benchmark, written once
 * so that the guests' streams differ only in the facts they report. What stays with each driver is
 * its OS glue: where the facts come from, how threads are pinned, where the console is.
 */
#ifndef HB_RECORDS_H
#define HB_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "bench.h"
#include "settings.h"
#include "timer.h"
#include "wire_emit.h"

/*
 * STREAM_BEGIN's facts, each found its own way by each guest. compiler, cflags and
 * invariant_tsc are not here: they are the same question on every guest, answered in records.c.
 */
struct hb_stream_facts {
	const char *payload;       /* name and version, e.g. "hb-linux 2" */
	const char *guest_os;      /* linux | sel4 | minix */
	const char *kernel;
	uint64_t cpus_online;
	const char *timer;         /* hb_timer_init()'s name */
	uint64_t tsc_hz;           /* hb_pick_tsc_hz() sets these three */
	const char *tsc_hz_source;
	uint64_t kernel_tsc_hz;
	struct hb_timer_check check;
	/* Only a guest with a clock to hold the timer against has these (Linux: CLOCK_MONOTONIC). */
	int has_clock_check;
	uint64_t clock_check_ns;
	uint64_t clock_check_ticks;
	/* Where the OS states them (Linux); NULL: not sent. */
	const char *mitigations;
	const char *kernel_cmdline;
};

/* tsc_hz is CPUID's when it states one, else the kernel's calibration, else 0 ("none"). */
void hb_pick_tsc_hz(struct hb_stream_facts *f, uint64_t cpuid_hz, uint64_t kernel_hz);

void hb_emit_stream_begin(struct hb_wire *w, const struct hb_stream_facts *f);
void hb_emit_bench_begin(struct hb_wire *w, const struct hb_bench *b, const struct hb_settings *s,
			 const char *affinity, uint64_t overhead);
void hb_emit_bench_end(struct hb_wire *w, const char *metric, uint32_t samples, uint64_t overhead_after);
/* SKIP or ERROR. */
void hb_emit_reason(struct hb_wire *w, uint16_t type, const char *metric, const char *reason);
void hb_emit_stream_end(struct hb_wire *w, uint64_t benchmarks);

/* What a driver sets up once for all its benchmarks. */
struct hb_driver {
	struct hb_wire *wire;
	const struct hb_settings *settings;
	uint64_t *samples;         /* settings->iterations of them */
	/* Called after a run, once the overhead has been re-measured where it ran; may be NULL. */
	void (*after_run)(void);
	/* Text for hb_run.error (strerror); NULL where there is none, and then only the op is told. */
	const char *(*error_text)(int error);
	/*
	 * The smallest of n back-to-back deltas of the driver's own timed window with the measured
	 * operation taken out, where its windows are more than two hb_timer_now() (seL4: the system
	 * call's asm statement with a two-byte NOP for the syscall); NULL: hb_timer_overhead(n).
	 */
	uint64_t (*timer_overhead)(uint32_t n);
};

struct hb_outcome {
	char reason[256];          /* why it failed */
	uint64_t min, median;      /* of its samples, when it did not */
};

/*
 * Runs b and sends its records: BENCH_BEGIN (from the measuring participant once ready, or
 * afterwards if it failed before that, so that ERROR always follows one), then ERROR, or the
 * samples and BENCH_END. Returns 0 with the samples sorted (they are sent by then) and their min
 * and median in out, or -1 with the reason in out.
 */
int hb_run_bench(const struct hb_driver *d, const struct hb_bench *b, struct hb_outcome *out);

/* BENCH_BEGIN and ERROR for a benchmark that cannot even be started. */
void hb_fail_bench(const struct hb_driver *d, const struct hb_bench *b, const char *reason);

#endif
