#include <string.h>

#include "records.h"
#include "sort.h"

#define OVERHEAD_READS 10000

/* Every translation unit gets the harness's -DHB_CFLAGS, so this file can tell for the driver. */
#ifndef HB_CFLAGS
#define HB_CFLAGS "unknown"
#endif

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#else
#define COMPILER "gcc " __VERSION__
#endif

void hb_pick_tsc_hz(struct hb_stream_facts *f, uint64_t cpuid_hz, uint64_t kernel_hz)
{
	f->kernel_tsc_hz = kernel_hz;
	if (cpuid_hz) {
		f->tsc_hz = cpuid_hz;
		f->tsc_hz_source = "cpuid";
	} else if (kernel_hz) {
		f->tsc_hz = kernel_hz;
		f->tsc_hz_source = "kernel";
	} else {
		f->tsc_hz = 0;
		f->tsc_hz_source = "none";
	}
}

static void emit_timer_check(struct hb_wire *w, const struct hb_timer_check *c)
{
	hb_wire_kv_u64(w, HB_KEY_TIMER_CHECK_READS, c->reads);
	hb_wire_kv_u64(w, HB_KEY_TIMER_BACKWARDS, c->backwards);
	hb_wire_kv_u64(w, HB_KEY_TIMER_MAX_BACKWARDS, c->max_backwards);
	hb_wire_kv_u64(w, HB_KEY_TIMER_MIN_FORWARD, c->min_forward);
	hb_wire_kv_u64(w, HB_KEY_TIMER_MAX_FORWARD, c->max_forward);
}

void hb_emit_stream_begin(struct hb_wire *w, const struct hb_stream_facts *f)
{
	hb_wire_kv_begin(w, HB_REC_STREAM_BEGIN);
	hb_wire_kv_str(w, HB_KEY_PAYLOAD, f->payload);
	hb_wire_kv_str(w, HB_KEY_GUEST_OS, f->guest_os);
	hb_wire_kv_str(w, HB_KEY_KERNEL, f->kernel);
	hb_wire_kv_u64(w, HB_KEY_CPUS_ONLINE, f->cpus_online);
	hb_wire_kv_str(w, HB_KEY_TIMER, f->timer);
	hb_wire_kv_u64(w, HB_KEY_TSC_HZ, f->tsc_hz);
	hb_wire_kv_str(w, HB_KEY_TSC_HZ_SOURCE, f->tsc_hz_source);
	hb_wire_kv_u64(w, HB_KEY_KERNEL_TSC_HZ, f->kernel_tsc_hz);
	hb_wire_kv_u64(w, HB_KEY_INVARIANT_TSC, (uint64_t)hb_invariant_tsc());
	hb_wire_kv_str(w, HB_KEY_COMPILER, COMPILER);
	hb_wire_kv_str(w, HB_KEY_CFLAGS, HB_CFLAGS);
	emit_timer_check(w, &f->check);
	if (f->has_clock_check) {
		hb_wire_kv_u64(w, HB_KEY_CLOCK_CHECK_NS, f->clock_check_ns);
		hb_wire_kv_u64(w, HB_KEY_CLOCK_CHECK_TICKS, f->clock_check_ticks);
	}
	if (f->mitigations)
		hb_wire_kv_str(w, HB_KEY_MITIGATIONS, f->mitigations);
	if (f->kernel_cmdline)
		hb_wire_kv_str(w, HB_KEY_KERNEL_CMDLINE, f->kernel_cmdline);
	hb_wire_kv_end(w);
}

void hb_emit_bench_begin(struct hb_wire *w, const struct hb_bench *b, const struct hb_settings *s,
			 const char *affinity, uint64_t overhead)
{
	char vcpus[32];

	hb_bench_vcpu_list(b, vcpus, sizeof vcpus);
	hb_wire_kv_begin(w, HB_REC_BENCH_BEGIN);
	hb_wire_kv_str(w, HB_KEY_METRIC, b->metric);
	hb_wire_kv_str(w, HB_KEY_MECHANISM, b->mechanism);
	hb_wire_kv_str(w, HB_KEY_UNIT, "tsc-ticks");
	hb_wire_kv_u64(w, HB_KEY_ITERATIONS, s->iterations);
	hb_wire_kv_u64(w, HB_KEY_WARMUP, s->warmup);
	hb_wire_kv_u64(w, HB_KEY_OPS_PER_SAMPLE, b->ops_per_sample);
	hb_wire_kv_str(w, HB_KEY_VCPUS, vcpus);
	hb_wire_kv_str(w, HB_KEY_AFFINITY, affinity);
	hb_wire_kv_u64(w, HB_KEY_OVERHEAD, overhead);
	hb_wire_kv_end(w);
}

void hb_emit_bench_end(struct hb_wire *w, const char *metric, uint32_t samples, uint64_t overhead_after)
{
	hb_wire_kv_begin(w, HB_REC_BENCH_END);
	hb_wire_kv_str(w, HB_KEY_METRIC, metric);
	hb_wire_kv_u64(w, HB_KEY_SAMPLES, samples);
	hb_wire_kv_u64(w, HB_KEY_OVERHEAD_AFTER, overhead_after);
	hb_wire_kv_end(w);
}

void hb_emit_reason(struct hb_wire *w, uint16_t type, const char *metric, const char *reason)
{
	hb_wire_kv_begin(w, type);
	hb_wire_kv_str(w, HB_KEY_METRIC, metric);
	hb_wire_kv_str(w, HB_KEY_REASON, reason);
	hb_wire_kv_end(w);
}

void hb_emit_stream_end(struct hb_wire *w, uint64_t benchmarks)
{
	hb_wire_kv_begin(w, HB_REC_STREAM_END);
	hb_wire_kv_u64(w, HB_KEY_BENCHMARKS, benchmarks);
	hb_wire_kv_end(w);
}

/*
 * One copy of the measuring loop for BENCH_BEGIN and BENCH_END alike: inlined twice, gcc may lay
 * the two out differently, and the before and after figures would differ for no reason of the
 * guest's.
 */
static __attribute__((noinline)) uint64_t timer_overhead(const struct hb_driver *d)
{
	return d->timer_overhead ? d->timer_overhead(OVERHEAD_READS) : hb_timer_overhead(OVERHEAD_READS);
}

/* What ready() needs, as hb_run carries a single context pointer. */
struct bench_ctx {
	const struct hb_driver *d;
	const struct hb_bench *b;
	int began;
};

/*
 * hb_run.ready: runs on the measuring participant once it is where it will measure, so the
 * overhead is that of the CPU the samples come from.
 */
static void ready(struct hb_run *r, const char *affinity)
{
	struct bench_ctx *c = r->ctx;
	uint64_t overhead = timer_overhead(c->d);

	hb_emit_bench_begin(c->d->wire, c->b, c->d->settings, affinity, overhead);
	c->began = 1;
}

void hb_fail_bench(const struct hb_driver *d, const struct hb_bench *b, const char *reason)
{
	hb_emit_bench_begin(d->wire, b, d->settings, "", timer_overhead(d));
	hb_emit_reason(d->wire, HB_REC_ERROR, b->metric, reason);
}

/* Appends s to the text of len bytes in buf, cutting it short as snprintf would. */
static size_t append(char *buf, size_t size, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n > size - 1 - len)
		n = size - 1 - len;
	memcpy(buf + len, s, n);
	buf[len + n] = '\0';
	return len + n;
}

static void failure_reason(const struct hb_driver *d, const struct hb_run *r, char *buf, size_t size)
{
	size_t len = append(buf, size, 0, r->failed_op ? r->failed_op : "failed");

	if (r->error && d->error_text) {
		len = append(buf, size, len, ": ");
		append(buf, size, len, d->error_text(r->error));
	}
}

/* The samples are sent, so sorting them in place for the console's summary costs nothing. */
static void summarise(const struct hb_driver *d, struct hb_outcome *out)
{
	uint32_t n = d->settings->iterations;

	hb_sort_u64(d->samples, n);
	out->min = d->samples[0];
	out->median = d->samples[n / 2];
}

int hb_run_bench(const struct hb_driver *d, const struct hb_bench *b, struct hb_outcome *out)
{
	struct bench_ctx c = { .d = d, .b = b };
	struct hb_run r = {
		.samples = d->samples,
		.iterations = d->settings->iterations,
		.warmup = d->settings->warmup,
		.ready = ready,
		.ctx = &c,
	};
	uint64_t overhead_after;
	int rc;

	rc = b->run(b, &r);
	overhead_after = timer_overhead(d); /* before after_run: still where the samples came from */
	if (d->after_run)
		d->after_run();
	if (!c.began)
		ready(&r, "");
	if (rc) {
		failure_reason(d, &r, out->reason, sizeof out->reason);
		hb_emit_reason(d->wire, HB_REC_ERROR, b->metric, out->reason);
		return -1;
	}
	hb_wire_samples(d->wire, d->samples, r.iterations);
	hb_emit_bench_end(d->wire, b->metric, r.iterations, overhead_after);
	summarise(d, out);
	return 0;
}
