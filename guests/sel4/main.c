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
#include "records.h"
#include "samples.h"
#include "settings_fw_cfg.h"
#include "serial.h"
#include "settings.h"
#include "thread.h"
#include "timed.h"
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
/* Back-to-back reads for hb_timer_check(). */
#define TIMER_CHECK_READS 100000
/* isa-debug-exit: QEMU exits with status (value << 1) | 1, so 1 means done and 3 failed. */
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_DONE 0
#define EXIT_FAILED 1

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
#ifdef CONFIG_ENABLE_SMP_SUPPORT
#define KERNEL_SMP ", SMP"
#else
#define KERNEL_SMP ""
#endif
#define KERNEL_DESC "seL4 " KERNEL_BUILD " (x86_64 pc99, non-MCS, " KERNEL_FASTPATH KERNEL_SMP ")"

/* Static: the record buffer is 64 KiB, more than the boot stack should carry. */
static struct hb_wire wire;
static struct hb_uart com1, com2;
static struct hb_ioport exit_port;
static struct hb_tls_area driver_tls;

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

static void check_timer(const seL4_BootInfo *bi, struct hb_stream_facts *f)
{
	uint64_t cpuid_hz = hb_tsc_hz_cpuid();

	hb_timer_check(TIMER_CHECK_READS, &f->check);
	hb_pick_tsc_hz(f, cpuid_hz, kernel_tsc_hz(bi));
	hb_printf("hb-sel4: timer check: %lu reads, %lu backwards (max %lu), forward deltas %lu..%lu ticks; "
		  "tsc_hz %lu (%s), kernel's %lu\n",
		  f->check.reads, f->check.backwards, f->check.max_backwards, f->check.min_forward,
		  f->check.max_forward, f->tsc_hz, f->tsc_hz_source, f->kernel_tsc_hz);
}

/* A setup problem fails every benchmark alike, each with the ERROR the harness expects. */
static void run_one(const struct hb_driver *d, const struct hb_bench *b, const char *setup_problem)
{
	struct hb_outcome out;
	char reason[160];

	if (b->vcpus > hb_cores) {
		hb_fmt(reason, sizeof reason, "needs %u CPUs, the kernel runs on %u (an SMP kernel, "
		       "KernelMaxNumNodes=2, on 2 vCPUs has them)", b->vcpus, hb_cores);
		hb_emit_reason(d->wire, HB_REC_SKIP, b->metric, reason);
		hb_printf("hb-sel4: %s: skipped: %s\n", b->metric, reason);
	} else if (setup_problem[0]) {
		hb_fail_bench(d, b, setup_problem);
		hb_printf("hb-sel4: %s: error: %s\n", b->metric, setup_problem);
	} else if (hb_run_bench(d, b, &out)) {
		hb_printf("hb-sel4: %s: error: %s\n", b->metric, out.reason);
	} else {
		hb_printf("hb-sel4: %s: %u samples, min %lu, median %lu tsc-ticks\n", b->metric,
			  d->settings->iterations, out.min, out.median);
	}
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
	static struct hb_stream_facts facts;
	struct hb_driver driver = { .wire = &wire, .settings = &s, .timer_overhead = hb_sel4_window_overhead };
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
	/*
	 * Assigned, not a static initialiser: seL4's ELF loader zero-fills every program header's
	 * memsz, PT_TLS's too, and that header (.tbss alone) shares its address with the start of
	 * .data, whose first 8 bytes it would wipe.
	 */
	facts.payload = PAYLOAD_NAME;
	facts.guest_os = "sel4";
	facts.kernel = KERNEL_DESC;
	facts.timer = hb_timer_init();
	hb_wire_init(&wire, data_write, &com2);
	hb_printf("hb-sel4: %s, timer %s, %u iterations after %u warm-up, benchmarks '%s'\n", PAYLOAD_NAME,
		  facts.timer, s.iterations, s.warmup, s.bench);

	driver.samples = setup(&s, setup_problem, sizeof setup_problem);
	if (!driver.samples)
		hb_printf("hb-sel4: %s\n", setup_problem);

	check_timer(bi, &facts);
	facts.cpus_online = bi->numNodes;
	hb_cores = (unsigned)bi->numNodes;
	hb_emit_stream_begin(&wire, &facts);
	for (size_t i = 0; i < hb_sel4_bench_count; i++) {
		const struct hb_bench *b = &hb_sel4_benches[i];

		if (!hb_glob_list_match(s.bench, b->metric))
			continue;
		run_one(&driver, b, setup_problem);
		counted++;
	}
	if (counted == 0)
		hb_printf("hb-sel4: no benchmark matches '%s'\n", s.bench);
	hb_emit_stream_end(&wire, counted);

	if (com2.failed)
		hb_printf("hb-sel4: writing COM2 failed, the data stream is incomplete\n");
	hb_printf("hb-sel4: done, %lu benchmarks\n", (unsigned long)counted);
	finish(com2.failed || !driver.samples ? EXIT_FAILED : EXIT_DONE);
}
