/*
 * The GNU Mach payload: the boot script's only task (no Hurd servers), started by the kernel with
 * argv "payload host-priv-port device-master-port". It takes I/O ports from the device master
 * port (COM1 for console lines, COM2 for the wire-format data channel, fw_cfg for its settings,
 * isa-debug-exit to end the run), runs the selected benchmarks against partner threads and tasks
 * it creates, and streams their samples over COM2.
 */
#include <string.h>

#include "bench.h"
#include "benchmarks.h"
#include "console.h"
#include "fmt.h"
#include "fw_cfg.h"
#include "io.h"
#include "mach.h"
#include "records.h"
#include "rpc.h"
#include "serial.h"
#include "settings.h"
#include "settings_fw_cfg.h"
#include "timer.h"
#include "wire_emit.h"

#define PAYLOAD_NAME "hb-gnumach 1"
/* Back-to-back reads for hb_timer_check(), as on seL4 and MINIX. */
#define TIMER_CHECK_READS 100000
/* isa-debug-exit: QEMU exits with status (value << 1) | 1, so 1 means done and 3 failed. */
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_DONE 0
#define EXIT_FAILED 1

/* Static: the record buffer is 64 KiB. */
static struct hb_wire wire;
static struct hb_uart com1, com2;
static int exit_port_granted;

static __attribute__((noreturn)) void finish(int code)
{
	/* The data channel must be on the wire before QEMU goes: the harness reads the whole file. */
	hb_uart_drain(&com2);
	hb_uart_drain(&com1);
	if (exit_port_granted)
		hb_outb(DEBUG_EXIT_PORT, (uint8_t)code);
	hb_printf("hb-gnumach: cannot end QEMU through isa-debug-exit at 0x%x; stopping here\n", DEBUG_EXIT_PORT);
	hb_uart_drain(&com1);
	for (;;)
		hb_thread_switch(HB_PORT_NULL, HB_SWITCH_OPTION_NONE, 0);
}

static void data_write(void *ctx, const void *buf, size_t len)
{
	hb_uart_write(ctx, buf, len);
}

/* A port name from the boot script's ${host-port} or ${device-port}: decimal; 0 when it is not. */
static hb_port_t port_argument(int argc, char **argv, int i)
{
	hb_port_t v = 0;
	const char *p;

	if (i >= argc || !argv[i] || !argv[i][0])
		return HB_PORT_NULL;
	for (p = argv[i]; *p; p++) {
		if (*p < '0' || *p > '9')
			return HB_PORT_NULL;
		v = v * 10 + (hb_port_t)(*p - '0');
	}
	return v;
}

static int grant(hb_port_t device_master, uint16_t first, uint16_t last, const char *what)
{
	hb_kern_return_t kr = hb_io_grant(device_master, first, last);

	if (kr != HB_KERN_SUCCESS) {
		hb_printf("hb-gnumach: cannot get I/O ports 0x%x-0x%x (%s): kern_return %d\n", first, last, what, (int)kr);
		return 0;
	}
	return 1;
}

/* The kernel's own version line, e.g. "GNU Mach 1.8+git20221224-486/Hurd-0.9", printable. */
static void kernel_version(char *buf, size_t size)
{
	hb_kern_return_t kr = hb_host_kernel_version(hb_mach_host_self(), buf, size);
	size_t n;

	if (kr != HB_KERN_SUCCESS) {
		hb_fmt(buf, size, "GNU Mach (host_kernel_version: kern_return %d)", (int)kr);
		return;
	}
	for (n = 0; buf[n]; n++) {
		if (buf[n] == '\n' || buf[n] == '\t')
			buf[n] = ' ';
	}
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
}

static void check_timer(struct hb_stream_facts *f)
{
	hb_timer_check(TIMER_CHECK_READS, &f->check);
	/* GNU Mach does not calibrate the TSC (it keeps time with the PIT), so CPUID's is the only figure. */
	hb_pick_tsc_hz(f, hb_tsc_hz_cpuid(), 0);
	hb_printf("hb-gnumach: timer check: %llu reads, %llu backwards (max %llu), forward deltas %llu..%llu ticks; "
		  "tsc_hz %llu (%s)\n",
		  f->check.reads, f->check.backwards, f->check.max_backwards, f->check.min_forward,
		  f->check.max_forward, f->tsc_hz, f->tsc_hz_source);
}

/* Zero-filled memory for count samples, touched now so no timed loop takes its page faults. */
static uint64_t *samples_buffer(uint32_t count, char *why, size_t why_size)
{
	uint32_t address = 0, bytes;
	hb_kern_return_t kr;

	if (count > (UINT32_MAX - 4095) / sizeof(uint64_t)) {
		hb_fmt(why, why_size, "%u samples do not fit in a 32-bit address space", count);
		return NULL;
	}
	bytes = (count * (uint32_t)sizeof(uint64_t) + 4095) & ~4095u;
	kr = hb_vm_allocate(hb_mach_task_self(), &address, bytes, 1);
	if (kr != HB_KERN_SUCCESS) {
		hb_fmt(why, why_size, "vm_allocate of %u bytes for %u samples: kern_return %d", bytes, count, (int)kr);
		return NULL;
	}
	memset((void *)(uintptr_t)address, 0, bytes);
	return (uint64_t *)(uintptr_t)address;
}

static void run_one(const struct hb_driver *d, const struct hb_bench *b, const char *setup_problem)
{
	struct hb_outcome out;

	if (setup_problem[0]) {
		hb_fail_bench(d, b, setup_problem);
		hb_printf("hb-gnumach: %s: error: %s\n", b->metric, setup_problem);
	} else if (hb_run_bench(d, b, &out)) {
		hb_printf("hb-gnumach: %s: error: %s\n", b->metric, out.reason);
	} else {
		hb_printf("hb-gnumach: %s: %u samples, min %llu, median %llu tsc-ticks\n", b->metric,
			  d->settings->iterations, out.min, out.median);
	}
}

void __attribute__((noreturn)) hb_gnumach_main(int argc, char **argv);

void hb_gnumach_main(int argc, char **argv)
{
	static char version[HB_KERNEL_VERSION_BYTES], kernel[HB_KERNEL_VERSION_BYTES + 64];
	static char setup_problem[256], err[256];
	static struct hb_settings s;
	static struct hb_stream_facts facts;
	struct hb_driver driver = { .wire = &wire, .settings = &s };
	hb_port_t host_priv = port_argument(argc, argv, 1), device = port_argument(argc, argv, 2);
	uint64_t counted = 0;
	int fw_cfg_granted;

	if (!device) {
		hb_printf("hb-gnumach: expected the device master port's name as argument 2 "
			  "(boot script: payload ${host-port} ${device-port} $(task-create) $(task-resume))\n");
		for (;;)
			hb_thread_switch(HB_PORT_NULL, HB_SWITCH_OPTION_NONE, 0); /* no way to end QEMU */
	}
	if (grant(device, HB_COM1, HB_COM1 + 7, "COM1"))
		hb_uart_init(&com1, HB_COM1, 0); /* the kernel's console: already set up, left as it is */
	hb_console_init(&com1);
	exit_port_granted = grant(device, DEBUG_EXIT_PORT, DEBUG_EXIT_PORT, "isa-debug-exit");
	if (grant(device, HB_COM2, HB_COM2 + 7, "COM2"))
		hb_uart_init(&com2, HB_COM2, 1);
	fw_cfg_granted = grant(device, HB_FW_CFG_PORT_SELECTOR, HB_FW_CFG_PORT_DATA, "fw_cfg");
	kernel_version(version, sizeof version);
	hb_fmt(kernel, sizeof kernel, "%s (i386, uniprocessor)", version);
	hb_printf("hb-gnumach: bootstrap task on %s; host port %u, device master port %u\n", kernel, host_priv, device);
	if (!com2.ready) {
		hb_printf("hb-gnumach: cannot drive COM2 at 0x%x, so there is no data channel\n", HB_COM2);
		finish(EXIT_FAILED);
	}
	if (hb_read_settings(&s, fw_cfg_granted, err, sizeof err)) {
		hb_printf("hb-gnumach: settings: %s\n", err);
		finish(EXIT_FAILED);
	}
	facts.payload = PAYLOAD_NAME;
	facts.guest_os = "gnumach";
	facts.kernel = kernel;
	facts.timer = hb_timer_init();
	hb_wire_init(&wire, data_write, &com2);
	hb_printf("hb-gnumach: %s, timer %s, %u iterations after %u warm-up, benchmarks '%s'\n", PAYLOAD_NAME,
		  facts.timer, s.iterations, s.warmup, s.bench);

	driver.samples = samples_buffer(s.iterations, setup_problem, sizeof setup_problem);
	if (!driver.samples)
		hb_printf("hb-gnumach: %s\n", setup_problem);

	check_timer(&facts);
	facts.cpus_online = 1; /* Debian's 486 kernel is built without SMP */
	hb_emit_stream_begin(&wire, &facts);
	for (size_t i = 0; i < hb_gnumach_bench_count; i++) {
		const struct hb_bench *b = &hb_gnumach_benches[i];

		if (!hb_glob_list_match(s.bench, b->metric))
			continue;
		run_one(&driver, b, setup_problem);
		counted++;
	}
	if (counted == 0)
		hb_printf("hb-gnumach: no benchmark matches '%s'\n", s.bench);
	hb_emit_stream_end(&wire, counted);
	hb_printf("hb-gnumach: done, %lu benchmarks\n", (unsigned long)counted);
	finish(driver.samples ? EXIT_DONE : EXIT_FAILED);
}
