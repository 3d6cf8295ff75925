/*
 * The Linux payload: runs the selected benchmarks and streams their samples over the data channel
 * (wire.h). Progress goes to stderr, which in the guest is the console the harness tails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "benchmarks.h"
#include "cpu_up.h"
#include "data_channel.h"
#include "fault.h"
#include "options.h"
#include "peer.h"
#include "pin.h"
#include "records.h"
#include "timer.h"
#include "wire_emit.h"

#define PAYLOAD_NAME "hb-linux 2"
/* Back-to-back reads for hb_timer_check(): well under a second even under TCG. */
#define TIMER_CHECK_READS 1000000
/* Span of the CLOCK_MONOTONIC versus timer comparison. */
#define CLOCK_CHECK_NS 50000000ull
/* Tries at each end of that span; the narrowest bracket wins. */
#define CLOCK_CHECK_TRIES 8

/* klogctl(2) actions; glibc's <sys/klog.h> declares the call but not these. */
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* Static: the record buffer is 64 KiB, too big to want on the stack. */
static struct hb_wire wire;

/* Where the kernel states each speculative-execution issue and its mitigation, one file each. */
#define VULNERABILITIES_DIR "/sys/devices/system/cpu/vulnerabilities"
/* STREAM_BEGIN's mitigations and kernel_cmdline: static, as the facts point at them. */
static char mitigations_text[4096];
static char cmdline_text[4096];

/*
 * The kernel's own TSC calibration, from its log: the refined figure (from a recalibration
 * against HPET or the ACPI PM timer about a second after boot; never printed once the TSC is
 * marked unstable, as under multi-vCPU TCG) when there is one, else the early one. 0 when the
 * log has neither, or cannot be read (it needs CAP_SYSLOG when dmesg_restrict is set; the
 * guest's payload runs as root). Read after the checks, which gives the refinement more time.
 */
static uint64_t kernel_tsc_hz(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *log;
	int n;
	uint64_t hz = 0;

	if (size <= 0)
		return 0;
	log = malloc((size_t)size);
	if (!log)
		return 0;
	n = klogctl(SYSLOG_ACTION_READ_ALL, log, size);
	if (n > 0) {
		hz = hb_tsc_hz_from_text(log, (size_t)n, "tsc: Refined TSC clocksource calibration:");
		if (!hz)
			hz = hb_tsc_hz_from_text(log, (size_t)n, "tsc: Detected");
	}
	free(log);
	return hz;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * A CLOCK_MONOTONIC reading and the timer at the same moment: the timer is read on both sides of
 * clock_gettime and the midpoint taken; of a few tries, the one with the narrowest bracket, so an
 * interrupt or (under an emulator) a stalled vCPU thread between the two reads does not skew it.
 * Returns the bracket width in ticks; UINT64_MAX when clock_gettime failed, or the timer went
 * backwards across it every time.
 */
static uint64_t clock_and_timer(uint64_t *ns, uint64_t *ticks)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < CLOCK_CHECK_TRIES; i++) {
		uint64_t before = hb_timer_now();
		uint64_t c = monotonic_ns();
		uint64_t after = hb_timer_now();

		if (!c)
			return UINT64_MAX;
		if (after >= before && after - before < best) {
			best = after - before;
			*ns = c;
			*ticks = before + best / 2;
		}
	}
	return best;
}

/*
 * CLOCK_MONOTONIC and the timer over the same ~50 ms, by busy-waiting on clock_gettime (a sleep
 * would do as well, but a busy-wait keeps the vCPU running the whole time). *ns and *ticks stay 0
 * when clock_gettime fails or the timer never read consistently around it.
 */
static void clock_check(uint64_t *ns, uint64_t *ticks, uint64_t *width)
{
	uint64_t c0 = 0, t0 = 0, c1 = 0, t1 = 0, w0, w1, c;

	*ns = *ticks = *width = 0;
	w0 = clock_and_timer(&c0, &t0);
	if (w0 == UINT64_MAX)
		return;
	do
		c = monotonic_ns();
	while (c && c - c0 < CLOCK_CHECK_NS);
	w1 = clock_and_timer(&c1, &t1);
	if (!c || w1 == UINT64_MAX)
		return;
	*ns = c1 - c0;
	*ticks = t1 - t0; /* wraps to a huge figure if the timer went backwards: visible, not hidden */
	*width = w0 + w1;
}

/*
 * Runs on the start-up thread before anything is pinned, so the scheduler may move it between
 * vCPUs mid-check: a TSC that disagrees across vCPUs shows up as backwards steps.
 */
static void check_timer(struct hb_stream_facts *f)
{
	uint64_t cpuid_hz = hb_tsc_hz_cpuid();
	uint64_t width; /* timer ticks the two clock reads were bracketed by, together */

	hb_timer_check(TIMER_CHECK_READS, &f->check);
	clock_check(&f->clock_check_ns, &f->clock_check_ticks, &width);
	f->has_clock_check = 1;
	hb_pick_tsc_hz(f, cpuid_hz, kernel_tsc_hz());
	fprintf(stderr,
		"hb: timer check: %llu reads, %llu backwards (max %llu), forward deltas %llu..%llu ticks; "
		"%llu (+-%llu) ticks in %llu ns of CLOCK_MONOTONIC; tsc_hz %llu (%s), kernel's %llu\n",
		(unsigned long long)f->check.reads, (unsigned long long)f->check.backwards,
		(unsigned long long)f->check.max_backwards, (unsigned long long)f->check.min_forward,
		(unsigned long long)f->check.max_forward, (unsigned long long)f->clock_check_ticks,
		(unsigned long long)width / 2, (unsigned long long)f->clock_check_ns, (unsigned long long)f->tsc_hz, f->tsc_hz_source,
		(unsigned long long)f->kernel_tsc_hz);
}

/* A file's first line into buf, without its newline; 0 when it could not be read. */
static int read_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return 0;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static int not_dot_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/*
 * "name: text | name: text" for every file of VULNERABILITIES_DIR in name order, e.g.
 * "spectre_v2: Mitigation: Retpolines; ...": the kernel's own account of what it does about each
 * issue on this CPU. NULL when the directory cannot be read (no sysfs, or a kernel before 4.15).
 */
static const char *read_mitigations(void)
{
	struct dirent **names;
	int n = scandir(VULNERABILITIES_DIR, &names, not_dot_entry, alphasort);
	size_t used = 0;

	if (n < 0)
		return NULL;
	mitigations_text[0] = '\0';
	for (int i = 0; i < n; i++) {
		char path[512], line[256];

		snprintf(path, sizeof path, "%s/%s", VULNERABILITIES_DIR, names[i]->d_name);
		if (!read_first_line(path, line, sizeof line))
			snprintf(line, sizeof line, "unreadable");
		if (used < sizeof mitigations_text)
			used += (size_t)snprintf(mitigations_text + used, sizeof mitigations_text - used, "%s%s: %s",
						 used ? " | " : "", names[i]->d_name, line);
		free(names[i]);
	}
	free(names);
	return mitigations_text;
}

/* A copy, so the caller's facts never point at this function's kernel buffer. */
static void emit_stream_begin(const struct hb_stream_facts *found)
{
	struct hb_stream_facts f = *found;
	struct utsname u;
	char kernel[sizeof u.release + sizeof u.version + 1];
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (uname(&u))
		snprintf(kernel, sizeof kernel, "unknown");
	else
		snprintf(kernel, sizeof kernel, "%s %s", u.release, u.version);
	f.kernel = kernel;
	f.cpus_online = online > 0 ? (uint64_t)online : 0;
	f.mitigations = read_mitigations();
	f.kernel_cmdline = read_first_line("/proc/cmdline", cmdline_text, sizeof cmdline_text) ? cmdline_text : NULL;
	hb_emit_stream_begin(&wire, &f);
}

/*
 * Counts the CPUs in the payload's affinity mask, not sysconf's online CPUs: they agree in the
 * guest, but on the host `taskset -c 0` leaves two CPUs online and only one usable, and a
 * benchmark that cannot be pinned where it asks must be skipped, not fail.
 */
static int skip_reason(const struct hb_bench *b, char *buf, size_t size)
{
	unsigned usable = hb_cpus_usable();

	if (usable < b->vcpus) {
		snprintf(buf, size, "needs %u vCPUs, guest has %u online", b->vcpus, usable);
		return 1;
	}
	for (uint32_t i = 0; i < b->participants; i++) {
		if (!hb_cpu_usable(b->cpu[i])) {
			snprintf(buf, size, "needs vCPU %u, which is not in the payload's affinity mask", b->cpu[i]);
			return 1;
		}
	}
	return 0;
}

/* hb_driver.after_run: only a courtesy, every benchmark pins its own participants. */
static void unpin(void)
{
	hb_pin_restore();
}

static const char *error_text(int error)
{
	return strerror(error);
}

static void run_one(const struct hb_driver *d, const struct hb_bench *b)
{
	struct hb_outcome out;
	char reason[256];

	if (skip_reason(b, reason, sizeof reason)) {
		hb_emit_reason(d->wire, HB_REC_SKIP, b->metric, reason);
		fprintf(stderr, "hb: %s: skipped: %s\n", b->metric, reason);
		return;
	}
	fprintf(stderr, "hb: %s: ", b->metric);
	if (hb_run_bench(d, b, &out))
		fprintf(stderr, "error: %s\n", out.reason);
	else
		fprintf(stderr, "%u samples, min %llu, median %llu tsc-ticks\n", d->settings->iterations,
			(unsigned long long)out.min, (unsigned long long)out.median);
}

/*
 * Private to this process and excluded from fork: a forked responder would otherwise share the
 * pages copy-on-write, and the parent's first store to each one would fault mid-run.
 */
static uint64_t *alloc_samples(uint32_t iterations)
{
	size_t size = (size_t)iterations * sizeof(uint64_t);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, size, MADV_DONTFORK)) {
		munmap(p, size);
		return NULL;
	}
	memset(p, 0, size); /* fault every page in now rather than inside a timed loop */
	return p;
}

static void drain_data(void *ctx)
{
	struct hb_data_channel *d = ctx;

	if (d->is_tty)
		tcdrain(d->fd);
	else
		fsync(d->fd);
}

/*
 * TEST-ONLY (fault.h): the faults that strike once the first benchmark's records are out, before
 * next (NULL when there is no next one). Does nothing without hb.fault=.
 */
static void after_first_bench(const struct hb_options *o, const struct hb_bench *next, struct hb_data_channel *data)
{
	if (o->fault == HB_FAULT_PANIC)
		hb_fault_panic(drain_data, data);
	if (o->fault == HB_FAULT_HANG_MID_BENCHMARK) {
		if (next)
			hb_emit_bench_begin(&wire, next, &o->settings, "", 0);
		hb_fault_hang(o->fault);
	}
}

static void read_cmdline(struct hb_options *o)
{
	char text[4096], err[256];
	FILE *f = fopen("/proc/cmdline", "r");
	size_t n;

	if (!f)
		return; /* no /proc on a bare host chroot: argv alone then */
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	if (hb_options_from_cmdline(o, text, err, sizeof err)) {
		fprintf(stderr, "hb: kernel command line: %s\n", err);
		exit(2);
	}
}

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [--iterations N] [--warmup N] [--bench GLOB[,GLOB...]] [--data PATH] [--peers perf] [--cpuup pause]\n"
		"Defaults come from hb.iterations=, hb.warmup=, hb.bench=, hb.data=, hb.peers=, hb.cpuup= in /proc/cmdline,\n"
		"else 10000, 1000, '*', /dev/ttyS1 and none. --peers perf runs perf bench sched pipe and\n"
		"perf bench syscall basic (" HB_PERF_PATH ") after the benchmarks, for comparison. --cpuup pause\n"
		"first brings every offline CPU online, spinning on PAUSE meanwhile (what SMP guests under QEMU's\n"
		"-icount need, see cpu_up.h).\n",
		argv0);
}

int main(int argc, char **argv)
{
	struct hb_options o;
	struct hb_data_channel data;
	struct hb_stream_facts facts = { .payload = PAYLOAD_NAME, .guest_os = "linux" };
	struct hb_driver driver = { .wire = &wire, .settings = &o.settings, .after_run = unpin,
				    .error_text = error_text };
	uint64_t counted = 0;
	char err[256];
	int rc;

	/* A peer that died should show up as EPIPE in an ERROR record, not kill the payload. */
	signal(SIGPIPE, SIG_IGN);

	hb_options_defaults(&o);
	read_cmdline(&o);
	rc = hb_options_from_argv(&o, argc, argv, err, sizeof err);
	if (rc) {
		if (rc < 0)
			fprintf(stderr, "hb: %s\n", err);
		usage(rc < 0 ? stderr : stdout, argv[0]);
		return rc < 0 ? 2 : 0;
	}
	/* Before the affinity mask is read: the CPUs brought up here are the benchmarks' to use. */
	if (o.cpu_up != HB_CPU_UP_NONE) {
		rc = hb_cpu_up(o.cpu_up, err, sizeof err);
		if (rc < 0)
			fprintf(stderr, "hb: bringing CPUs online: %s; benchmarks that need them are skipped\n", err);
		else
			fprintf(stderr, "hb: brought %d CPU(s) online, %ld online now\n", rc, sysconf(_SC_NPROCESSORS_ONLN));
	}
	if ((rc = hb_pin_init())) {
		fprintf(stderr, "hb: sched_getaffinity: %s\n", strerror(rc));
		return 1;
	}
	facts.timer = hb_timer_init();
	driver.samples = alloc_samples(o.settings.iterations);
	if (!driver.samples) {
		fprintf(stderr, "hb: cannot allocate %u samples: %s\n", o.settings.iterations, strerror(errno));
		return 1;
	}
	if ((rc = hb_data_open(&data, o.data))) {
		fprintf(stderr, "hb: data channel %s: %s\n", o.data, strerror(rc));
		return 1;
	}
	hb_wire_init(&wire, hb_data_write, &data);

	fprintf(stderr, "hb: %s, timer %s, %u iterations after %u warm-up, benchmarks '%s', data %s\n",
		PAYLOAD_NAME, facts.timer, o.settings.iterations, o.settings.warmup, o.settings.bench, o.data);
	check_timer(&facts);
	if (o.fault == HB_FAULT_HANG_AT_BOOT)
		hb_fault_hang(o.fault);
	emit_stream_begin(&facts);
	for (size_t i = 0; i < hb_linux_bench_count; i++) {
		const struct hb_bench *b = &hb_linux_benches[i];

		if (!hb_glob_list_match(o.settings.bench, b->metric))
			continue;
		if (counted == 1)
			after_first_bench(&o, b, &data);
		run_one(&driver, b);
		counted++;
	}
	after_first_bench(&o, NULL, &data);
	if (counted == 0)
		fprintf(stderr, "hb: no benchmark matches '%s'\n", o.settings.bench);
	/* Last, so another tool can neither disturb nor fail our figures. */
	hb_run_peers(&wire, &o);
	hb_emit_stream_end(&wire, counted);

	if ((rc = hb_data_close(&data))) {
		fprintf(stderr, "hb: data channel %s: %s\n", o.data, strerror(rc));
		return 1;
	}
	fprintf(stderr, "hb: done, %llu benchmarks\n", (unsigned long long)counted);
	return 0;
}
