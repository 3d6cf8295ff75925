/*
 * The seL4 payload: a root task that runs the selected benchmarks in worker threads and streams
 * their samples over COM2 (wire.h), with progress lines on COM1. Settings come from QEMU's
 * fw_cfg file opt/hb/cmdline; the end is a write to isa-debug-exit.
 */
#include <sel4/sel4.h>

#include "bench.h"
#include "benchmarks.h"
#include "console.h"
#include "fmt.h"
#include "image.h"
#include "ioport.h"
#include "kobj.h"
#include "samples.h"
#include "settings_fw_cfg.h"
#include "serial.h"
#include "sort.h"
#include "settings.h"
#include "thread.h"
#include "timer.h"
#include "wire_emit.h"

/* Wrong kernels fail here, at build time, rather than with a fault at boot. */
#if !defined(CONFIG_ARCH_X86_64) || !defined(CONFIG_PLAT_PC99)
#error "hb-sel4 is an x86_64 pc99 root task: configure the kernel with -DKernelSel4Arch=x86_64 -DKernelPlatform=pc99"
#endif
#ifdef CONFIG_KERNEL_MCS
#error "hb-sel4 uses the non-MCS API: configure the kernel with -DKernelIsMCS=OFF"
#endif

#define PAYLOAD_NAME "hb-sel4 1"
#define OVERHEAD_READS 10000
/* Back-to-back reads for hb_timer_check(). */
#define TIMER_CHECK_READS 100000
/* isa-debug-exit: QEMU exits with status (value << 1) | 1, so 1 means done and 3 failed. */
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_DONE 0
#define EXIT_FAILED 1

/* The harness passes its flags as -DHB_CFLAGS="..." so the stream records how it was built. */
#ifndef HB_CFLAGS
#define HB_CFLAGS "unknown"
#endif

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#else
#define COMPILER "gcc " __VERSION__
#endif

/* The root task cannot see the kernel's version; the harness records it from the source tree. */
#ifdef CONFIG_DEBUG_BUILD
#define KERNEL_BUILD "debug"
#else
#define KERNEL_BUILD "release"
#endif
#ifdef CONFIG_FASTPATH
#define KERNEL_FASTPATH "fastpath"
#else
#define KERNEL_FASTPATH "no fastpath"
#endif
#define KERNEL_DESC "seL4 " KERNEL_BUILD " (x86_64 pc99, non-MCS, " KERNEL_FASTPATH ")"

/* Static: the record buffer is 64 KiB, more than the boot stack should carry. */
static struct hb_wire wire;
static struct hb_uart com1, com2;
static struct hb_ioport exit_port;
static struct hb_tls_area driver_tls;

/* What the ready callback needs to emit BENCH_BEGIN from inside a benchmark. */
struct driver {
	const struct hb_bench *bench;
	const struct hb_settings *settings;
	int began;
};

static __attribute__((noreturn)) void finish(int code)
{
	/* The data channel must be on the wire before QEMU goes: the harness reads the whole file. */
	hb_uart_drain(&com2);
	hb_uart_drain(&com1);
	hb_out8(&exit_port, DEBUG_EXIT_PORT, (uint8_t)code);
	hb_printf("hb-sel4: isa-debug-exit at 0x%x did not end QEMU; stopping here\n", DEBUG_EXIT_PORT);
	hb_uart_drain(&com1);
	for (;;)
		seL4_TCB_Suspend(seL4_CapInitThreadTCB);
}

/* libsel4's seL4_Assert (and debug kernels' generated headers) land here. */
void __assert_fail(const char *str, const char *file, int line, const char *function)
{
	hb_printf("hb-sel4: assertion '%s' failed at %s:%d in %s\n", str, file, line, function);
	finish(EXIT_FAILED);
}

static void data_write(void *ctx, const void *buf, size_t len)
{
	hb_uart_write(ctx, buf, len);
}

/*
 * One copy of the measuring loop for BENCH_BEGIN and BENCH_END alike: inlined twice, gcc may lay
 * the two out differently, and the before and after figures would differ for no reason of the
 * guest's.
 */
static __attribute__((noinline)) uint64_t timer_overhead(void)
{
	return hb_timer_overhead(OVERHEAD_READS);
}

/* What the root task learnt about its timer before the first benchmark; goes into STREAM_BEGIN. */
struct timer_facts {
	struct hb_timer_check check;
	uint64_t tsc_hz;        /* CPUID's, else the kernel's, else 0 */
	const char *tsc_hz_source;
	uint64_t kernel_tsc_hz;
};

/*
 * The kernel's TSC frequency (its tsc_init(): a build-time figure, the platform-info MSR or a
 * PIT calibration), from bootinfo's extra chunks, which the kernel maps in the page(s) right
 * after bootinfo. Whole MHz; 0 when there is no such chunk.
 */
static uint64_t kernel_tsc_hz(const seL4_BootInfo *bi)
{
	uintptr_t p = (uintptr_t)bi + seL4_BootInfoFrameSize, end = p + bi->extraLen;

	while (end - p >= sizeof(seL4_BootInfoHeader)) {
		const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)p;

		if (h->len < sizeof *h || h->len > end - p)
			break;
		if (h->id == SEL4_BOOTINFO_HEADER_X86_TSC_FREQ && h->len >= sizeof *h + sizeof(uint32_t))
			return (uint64_t)*(const uint32_t *)(h + 1) * 1000000;
		p += h->len;
	}
	return 0;
}

static void check_timer(const seL4_BootInfo *bi, struct timer_facts *f)
{
	uint64_t cpuid_hz = hb_tsc_hz_cpuid();

	hb_timer_check(TIMER_CHECK_READS, &f->check);
	f->kernel_tsc_hz = kernel_tsc_hz(bi);
	if (cpuid_hz) {
		f->tsc_hz = cpuid_hz;
		f->tsc_hz_source = "cpuid";
	} else if (f->kernel_tsc_hz) {
		f->tsc_hz = f->kernel_tsc_hz;
		f->tsc_hz_source = "kernel";
	} else {
		f->tsc_hz = 0;
		f->tsc_hz_source = "none";
	}
	hb_printf("hb-sel4: timer check: %lu reads, %lu backwards (max %lu), forward deltas %lu..%lu ticks; "
		  "tsc_hz %lu (%s), kernel's %lu\n",
		  f->check.reads, f->check.backwards, f->check.max_backwards, f->check.min_forward,
		  f->check.max_forward, f->tsc_hz, f->tsc_hz_source, f->kernel_tsc_hz);
}

static void emit_stream_begin(const char *timer, seL4_Word cpus, const struct timer_facts *f)
{
	hb_wire_kv_begin(&wire, HB_REC_STREAM_BEGIN);
	hb_wire_kv_str(&wire, HB_KEY_PAYLOAD, PAYLOAD_NAME);
	hb_wire_kv_str(&wire, HB_KEY_GUEST_OS, "sel4");
	hb_wire_kv_str(&wire, HB_KEY_KERNEL, KERNEL_DESC);
	hb_wire_kv_u64(&wire, HB_KEY_CPUS_ONLINE, cpus);
	hb_wire_kv_str(&wire, HB_KEY_TIMER, timer);
	hb_wire_kv_u64(&wire, HB_KEY_TSC_HZ, f->tsc_hz);
	hb_wire_kv_str(&wire, HB_KEY_TSC_HZ_SOURCE, f->tsc_hz_source);
	hb_wire_kv_u64(&wire, HB_KEY_KERNEL_TSC_HZ, f->kernel_tsc_hz);
	hb_wire_kv_u64(&wire, HB_KEY_INVARIANT_TSC, (uint64_t)hb_invariant_tsc());
	hb_wire_kv_str(&wire, HB_KEY_COMPILER, COMPILER);
	hb_wire_kv_str(&wire, HB_KEY_CFLAGS, HB_CFLAGS);
	hb_wire_kv_u64(&wire, HB_KEY_TIMER_CHECK_READS, f->check.reads);
	hb_wire_kv_u64(&wire, HB_KEY_TIMER_BACKWARDS, f->check.backwards);
	hb_wire_kv_u64(&wire, HB_KEY_TIMER_MAX_BACKWARDS, f->check.max_backwards);
	hb_wire_kv_u64(&wire, HB_KEY_TIMER_MIN_FORWARD, f->check.min_forward);
	hb_wire_kv_u64(&wire, HB_KEY_TIMER_MAX_FORWARD, f->check.max_forward);
	hb_wire_kv_end(&wire);
}

/*
 * hb_run.ready: called by the driver just before it starts the workers. There is one CPU, so the
 * overhead measured here is that of the CPU the samples come from.
 */
static void emit_bench_begin(struct hb_run *r, const char *affinity)
{
	struct driver *d = r->ctx;
	const struct hb_bench *b = d->bench;
	uint64_t overhead = timer_overhead();
	char vcpus[32];

	hb_bench_vcpu_list(b, vcpus, sizeof vcpus);
	hb_wire_kv_begin(&wire, HB_REC_BENCH_BEGIN);
	hb_wire_kv_str(&wire, HB_KEY_METRIC, b->metric);
	hb_wire_kv_str(&wire, HB_KEY_MECHANISM, b->mechanism);
	hb_wire_kv_str(&wire, HB_KEY_UNIT, "tsc-ticks");
	hb_wire_kv_u64(&wire, HB_KEY_ITERATIONS, d->settings->iterations);
	hb_wire_kv_u64(&wire, HB_KEY_WARMUP, d->settings->warmup);
	hb_wire_kv_u64(&wire, HB_KEY_OPS_PER_SAMPLE, b->ops_per_sample);
	hb_wire_kv_str(&wire, HB_KEY_VCPUS, vcpus);
	hb_wire_kv_str(&wire, HB_KEY_AFFINITY, affinity);
	hb_wire_kv_u64(&wire, HB_KEY_OVERHEAD, overhead);
	hb_wire_kv_end(&wire);
	d->began = 1;
}

static void emit_metric_reason(uint16_t type, const char *metric, const char *reason)
{
	hb_wire_kv_begin(&wire, type);
	hb_wire_kv_str(&wire, HB_KEY_METRIC, metric);
	hb_wire_kv_str(&wire, HB_KEY_REASON, reason);
	hb_wire_kv_end(&wire);
}

static void run_one(const struct hb_bench *b, const struct hb_settings *s, uint64_t *samples,
		    const char *setup_problem)
{
	struct driver d = { .bench = b, .settings = s };
	struct hb_run r = {
		.samples = samples,
		.iterations = s->iterations,
		.warmup = s->warmup,
		.ready = emit_bench_begin,
		.ctx = &d,
	};
	uint64_t overhead_after;
	int rc;

	if (setup_problem[0]) {
		emit_bench_begin(&r, "");
		emit_metric_reason(HB_REC_ERROR, b->metric, setup_problem);
		hb_printf("hb-sel4: %s: error: %s\n", b->metric, setup_problem);
		return;
	}
	rc = b->run(b, &r);
	overhead_after = timer_overhead();
	/* Failed before its workers started: BENCH_BEGIN anyway, so ERROR always follows one. */
	if (!d.began)
		emit_bench_begin(&r, "");
	if (rc) {
		const char *reason = r.failed_op ? r.failed_op : "failed";

		emit_metric_reason(HB_REC_ERROR, b->metric, reason);
		hb_printf("hb-sel4: %s: error: %s\n", b->metric, reason);
		return;
	}
	hb_wire_samples(&wire, samples, s->iterations);
	hb_wire_kv_begin(&wire, HB_REC_BENCH_END);
	hb_wire_kv_str(&wire, HB_KEY_METRIC, b->metric);
	hb_wire_kv_u64(&wire, HB_KEY_SAMPLES, s->iterations);
	hb_wire_kv_u64(&wire, HB_KEY_OVERHEAD_AFTER, overhead_after);
	hb_wire_kv_end(&wire);

	/* The samples are sent, so sorting them in place for the console summary costs nothing. */
	hb_sort_u64(samples, s->iterations);
	hb_printf("hb-sel4: %s: %u samples, min %lu, median %lu tsc-ticks\n", b->metric, s->iterations,
		  samples[0], samples[s->iterations / 2]);
}

/* Sets up what every benchmark needs; on failure the reason goes into problem. */
static uint64_t *setup(const struct hb_settings *s, char *problem, size_t size)
{
	uint64_t *samples = hb_samples_map(s->iterations, problem, size);

	if (!samples || hb_threads_init(problem, size) || hb_bench_objects_init(problem, size))
		return NULL;
	return samples;
}

void __attribute__((noreturn)) hb_sel4_main(seL4_BootInfo *bi);

void hb_sel4_main(seL4_BootInfo *bi)
{
	const char *image_problem = NULL;
	static char setup_problem[256], err[256];
	struct hb_settings s;
	const char *timer;
	static struct timer_facts facts;
	uint64_t *samples;
	uint64_t counted = 0;
	unsigned ram, device;
	seL4_Word ram_bytes;
	uintptr_t tp;

	/*
	 * libsel4 keeps the IPC buffer pointer in a __thread variable, so TLS comes before anything
	 * that could touch it. SetTLSBase itself passes everything in registers.
	 */
	hb_image_init(bi, &image_problem);
	tp = hb_tls_prepare(&driver_tls);
	if (!tp || seL4_TCB_SetTLSBase(seL4_CapInitThreadTCB, tp) != seL4_NoError) {
		for (;;)
			seL4_TCB_Suspend(seL4_CapInitThreadTCB); /* nowhere to say anything yet */
	}
	seL4_SetIPCBuffer(bi->ipcBuffer);
	hb_kobj_init(bi);

	hb_uart_init(&com1, HB_COM1);
	hb_console_init(&com1);
	hb_uart_init(&com2, HB_COM2);
	if (hb_ioport_issue(&exit_port, DEBUG_EXIT_PORT, DEBUG_EXIT_PORT) != seL4_NoError)
		hb_printf("hb-sel4: cannot get I/O port 0x%x for isa-debug-exit\n", DEBUG_EXIT_PORT);
	hb_kobj_untyped_counts(&ram, &device, &ram_bytes);
	hb_printf("hb-sel4: root task of %s on %lu CPU(s): %u RAM untypeds (%lu KiB), %u device untypeds, %lu free slots\n",
		  KERNEL_DESC, bi->numNodes, ram, ram_bytes >> 10, device, bi->empty.end - bi->empty.start);
	if (image_problem) {
		hb_printf("hb-sel4: %s\n", image_problem);
		finish(EXIT_FAILED);
	}
	if (com2.failed) {
		hb_printf("hb-sel4: cannot drive COM2 at 0x%x, so there is no data channel\n", HB_COM2);
		finish(EXIT_FAILED);
	}
	if (hb_read_settings(&s, err, sizeof err)) {
		hb_printf("hb-sel4: settings: %s\n", err);
		finish(EXIT_FAILED);
	}
	timer = hb_timer_init();
	hb_wire_init(&wire, data_write, &com2);
	hb_printf("hb-sel4: %s, timer %s, %u iterations after %u warm-up, benchmarks '%s'\n", PAYLOAD_NAME,
		  timer, s.iterations, s.warmup, s.bench);

	samples = setup(&s, setup_problem, sizeof setup_problem);
	if (!samples)
		hb_printf("hb-sel4: %s\n", setup_problem);

	check_timer(bi, &facts);
	emit_stream_begin(timer, bi->numNodes, &facts);
	for (size_t i = 0; i < hb_sel4_bench_count; i++) {
		const struct hb_bench *b = &hb_sel4_benches[i];

		if (!hb_glob_list_match(s.bench, b->metric))
			continue;
		run_one(b, &s, samples, setup_problem);
		counted++;
	}
	if (counted == 0)
		hb_printf("hb-sel4: no benchmark matches '%s'\n", s.bench);
	hb_wire_kv_begin(&wire, HB_REC_STREAM_END);
	hb_wire_kv_u64(&wire, HB_KEY_BENCHMARKS, counted);
	hb_wire_kv_end(&wire);

	if (com2.failed)
		hb_printf("hb-sel4: writing COM2 failed, the data stream is incomplete\n");
	hb_printf("hb-sel4: done, %lu benchmarks\n", (unsigned long)counted);
	finish(com2.failed || !samples ? EXIT_FAILED : EXIT_DONE);
}
