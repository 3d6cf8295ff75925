/*
 * The MINIX 3 payload: run from the root shell on the serial console (guests/minix/README), it
 * runs the selected benchmarks and streams their samples over the data channel (wire.h), the
 * second serial port. Progress goes to stderr, the console the harness reads.
 *
 * Settings are hb.NAME=VALUE words in argv, parsed as every payload parses them (settings.h):
 *   hb.iterations=N (10000)  hb.warmup=N (1000)  hb.bench=GLOB[,GLOB...] (*)  hb.data=PATH (/dev/tty01)
 *
 * Exit status: 0 when the stream was sent (benchmarks that failed are ERROR records in it),
 * 2 for a bad setting, 1 when the payload could not start or the data channel failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "minix_bench.h"
#include "settings.h"
#include "timer.h"
#include "wire_emit.h"

#define PAYLOAD_NAME "hb-minix 1"
#define OVERHEAD_READS 10000
/* Back-to-back reads for hb_timer_check(). */
#define TIMER_CHECK_READS 100000
#define DEFAULT_DATA "/dev/tty01"

/* The harness passes its flags as -DHB_CFLAGS="..." so the stream records how it was built. */
#ifndef HB_CFLAGS
#define HB_CFLAGS "unknown"
#endif

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#else
#define COMPILER "gcc " __VERSION__
#endif

struct options {
	struct hb_settings s;
	char data[256];
};

/* ---- data channel ------------------------------------------------------------------------- */

/* MINIX's rs232 driver buffers this much output (RS_OBUFSIZE in tty/arch/i386/rs232.c)... */
#define TTY_OUTPUT_BUFFER 1024
/* ...and the 16550 this much more. */
#define UART_FIFO 16

struct data_channel {
	int fd;
	int is_tty;
	unsigned long baud; /* of the tty, once raw */
	int error;          /* first write error; later writes are dropped, the stream being broken */
};

/*
 * Raw by hand (MINIX's libc has cfmakeraw, but the flags are few and this says which matter):
 * binary bytes pass untranslated (no CR/NL mapping, no OPOST), nothing is echoed or read as a
 * control character, XON/XOFF does not pause output, and the modem lines are ignored (CLOCAL:
 * MINIX's rs232 driver otherwise holds output until CTS; no HUPCL).
 */
static int make_raw(struct data_channel *d)
{
	struct termios t;

	if (tcgetattr(d->fd, &t))
		return errno;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON |
				  IXOFF | IXANY | IMAXBEL);
	t.c_oflag &= ~(tcflag_t)OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ECHOE | ECHOK | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | HUPCL | CRTSCTS);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	/* MINIX's default already; set so the drain wait below knows the rate. */
	if (cfsetispeed(&t, B115200) || cfsetospeed(&t, B115200))
		return errno;
	if (tcsetattr(d->fd, TCSANOW, &t))
		return errno;
	d->baud = 115200;
	return 0;
}

static int data_open(struct data_channel *d, const char *path)
{
	/*
	 * O_NONBLOCK only for the open itself. O_NOCTTY: the data port must not become the
	 * controlling terminal. Only paths outside /dev may be created (host tests write a file).
	 */
	int flags = O_WRONLY | O_NOCTTY | O_NONBLOCK;
	int err;

	d->error = 0;
	d->baud = 0;
	d->fd = open(path, flags | O_TRUNC);
	if (d->fd < 0 && errno == ENOENT && strncmp(path, "/dev/", 5) != 0)
		d->fd = open(path, flags | O_CREAT | O_TRUNC, 0644);
	if (d->fd < 0)
		return errno;
	/* Nothing the payload might exec should inherit it. */
	(void)fcntl(d->fd, F_SETFD, FD_CLOEXEC);
	d->is_tty = isatty(d->fd);
	if (d->is_tty && (err = make_raw(d)))
		goto fail;
	if (fcntl(d->fd, F_SETFL, fcntl(d->fd, F_GETFL) & ~O_NONBLOCK)) {
		err = errno;
		goto fail;
	}
	return 0;
fail:
	close(d->fd);
	d->fd = -1;
	return err;
}

static void data_write(void *ctx, const void *buf, size_t len)
{
	struct data_channel *d = ctx;
	const char *p = buf;

	while (len > 0 && !d->error) {
		ssize_t n = write(d->fd, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == 0) {
			d->error = EIO;
		} else if (errno != EINTR) {
			d->error = errno;
		}
	}
}

/*
 * tcdrain() on MINIX returns once the tty driver has taken every byte into its own output buffer
 * (TIOCDRAIN waits for tty_outleft == 0 in minix/drivers/tty/tty/tty.c), not once they left the
 * UART, and the last close of the line discards that buffer (do_close -> rs_ocancel). So after
 * the drain, wait as long as the buffer and the FIFO take to empty at the line's rate, twice
 * over, before closing.
 */
static int data_close(struct data_channel *d)
{
	int err = d->error;

	if (d->is_tty) {
		if (tcdrain(d->fd) && !err)
			err = errno;
		if (d->baud) {
			unsigned long bits = (TTY_OUTPUT_BUFFER + UART_FIFO) * 10UL * 2;
			unsigned long usec = (unsigned long)((unsigned long long)bits * 1000000 / d->baud);
			struct timespec ts;

			if (usec < 100000)
				usec = 100000;
			ts.tv_sec = (time_t)(usec / 1000000);
			ts.tv_nsec = (long)(usec % 1000000) * 1000;
			while (nanosleep(&ts, &ts) && errno == EINTR)
				;
		}
	} else if (fsync(d->fd) && errno != EINVAL && errno != EROFS && !err) {
		err = errno;
	}
	if (close(d->fd) && !err)
		err = errno;
	d->fd = -1;
	return err;
}

/* ---- settings ----------------------------------------------------------------------------- */

struct apply_ctx {
	struct options *o;
	char *err;
	size_t err_size;
};

static int apply_word(void *ctx, const char *name, const char *value, size_t value_len)
{
	struct apply_ctx *a = ctx;
	int rc = hb_settings_set(&a->o->s, name, value, value_len, a->err, a->err_size);

	if (rc <= 0)
		return rc;
	if (!strcmp(name, "data")) {
		if (value_len == 0 || value_len >= sizeof a->o->data) {
			snprintf(a->err, a->err_size, "data: value empty or longer than %u bytes",
				 (unsigned)(sizeof a->o->data - 1));
			return -1;
		}
		memcpy(a->o->data, value, value_len);
		a->o->data[value_len] = '\0';
		return 0;
	}
	/* Perhaps meant for another payload version: note it and go on, as every payload does. */
	fprintf(stderr, "hb: ignoring unknown setting hb.%s\n", name);
	return 0;
}

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [hb.iterations=N] [hb.warmup=N] [hb.bench=GLOB[,GLOB...]] [hb.data=PATH]\n"
		"Defaults: 10000 iterations, 1000 warm-up, every benchmark, data to %s.\n"
		"ipc.roundtrip.minixsendrec.* needs the hb_service system service running.\n",
		argv0, DEFAULT_DATA);
}

/* 0, 1 for --help, or -1 with a message in err. */
static int parse_args(struct options *o, int argc, char **argv, char *err, size_t err_size)
{
	struct apply_ctx a = { o, err, err_size };
	int i;

	hb_settings_defaults(&o->s);
	snprintf(o->data, sizeof o->data, "%s", DEFAULT_DATA);
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "-h") || !strcmp(w, "--help"))
			return 1;
		/* A word that is not hb.NAME=VALUE would otherwise be ignored without a trace. */
		if (strncmp(w, "hb.", 3) != 0 || !strchr(w, '=')) {
			snprintf(err, err_size, "'%s' is not an hb.NAME=VALUE setting", w);
			return -1;
		}
		if (hb_setting_words(w, strlen(w), apply_word, &a))
			return -1;
	}
	return 0;
}

/* ---- driver ------------------------------------------------------------------------------- */

/* Static: the record buffer is 64 KiB, too big to want on the stack. */
static struct hb_wire wire;
static struct data_channel data;

/* What the ready callback needs to emit BENCH_BEGIN from inside a benchmark. */
struct driver {
	const struct hb_bench *bench;
	const struct options *options;
	int began;
};

/* What the payload learnt about its timer before the first benchmark; goes into STREAM_BEGIN. */
struct timer_facts {
	struct hb_timer_check check;
	uint64_t tsc_hz;        /* CPUID's, else the kernel's, else 0 */
	const char *tsc_hz_source;
	uint64_t kernel_tsc_hz;
};

/*
 * The kernel's TSC calibration: it counts TSC ticks over PIT (or APIC timer) ticks at boot
 * (estimate_cpu_freq in kernel/arch/i386/arch_clock.c and apic.c) and procfs prints the result
 * as whole MHz, "cpu MHz         : 2900", in /proc/cpuinfo (fs/procfs/cpuinfo.c). 0 when procfs
 * is not mounted or the line is missing.
 */
static uint64_t kernel_tsc_hz(void)
{
	char text[4096];
	size_t n;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	n = fread(text, 1, sizeof text, f);
	fclose(f);
	return hb_tsc_hz_from_text(text, n, "cpu MHz");
}

static void check_timer(struct timer_facts *f)
{
	uint64_t cpuid_hz = hb_tsc_hz_cpuid();

	hb_timer_check(TIMER_CHECK_READS, &f->check);
	f->kernel_tsc_hz = kernel_tsc_hz();
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
	fprintf(stderr,
		"hb: timer check: %llu reads, %llu backwards (max %llu), forward deltas %llu..%llu ticks; "
		"tsc_hz %llu (%s), kernel's %llu\n",
		(unsigned long long)f->check.reads, (unsigned long long)f->check.backwards,
		(unsigned long long)f->check.max_backwards, (unsigned long long)f->check.min_forward,
		(unsigned long long)f->check.max_forward, (unsigned long long)f->tsc_hz, f->tsc_hz_source,
		(unsigned long long)f->kernel_tsc_hz);
}

static void emit_stream_begin(const char *timer, const struct timer_facts *f)
{
	struct utsname u;
	char kernel[sizeof u.sysname + sizeof u.release + sizeof u.version + 2];
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (uname(&u) < 0)
		snprintf(kernel, sizeof kernel, "unknown");
	else
		snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.version);
	hb_wire_kv_begin(&wire, HB_REC_STREAM_BEGIN);
	hb_wire_kv_str(&wire, HB_KEY_PAYLOAD, PAYLOAD_NAME);
	hb_wire_kv_str(&wire, HB_KEY_GUEST_OS, "minix");
	hb_wire_kv_str(&wire, HB_KEY_KERNEL, kernel);
	/* MINIX answers from its MIB service; a kernel built without SMP has one CPU. */
	hb_wire_kv_u64(&wire, HB_KEY_CPUS_ONLINE, online > 0 ? (uint64_t)online : 1);
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

/* hb_run.ready: called once the participants are up, before warm-up. */
static void emit_bench_begin(struct hb_run *r, const char *affinity)
{
	struct driver *d = r->ctx;
	const struct hb_bench *b = d->bench;
	uint64_t overhead = hb_timer_overhead(OVERHEAD_READS);
	char vcpus[32];

	hb_bench_vcpu_list(b, vcpus, sizeof vcpus);
	hb_wire_kv_begin(&wire, HB_REC_BENCH_BEGIN);
	hb_wire_kv_str(&wire, HB_KEY_METRIC, b->metric);
	hb_wire_kv_str(&wire, HB_KEY_MECHANISM, b->mechanism);
	hb_wire_kv_str(&wire, HB_KEY_UNIT, "tsc-ticks");
	hb_wire_kv_u64(&wire, HB_KEY_ITERATIONS, d->options->s.iterations);
	hb_wire_kv_u64(&wire, HB_KEY_WARMUP, d->options->s.warmup);
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

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void run_one(const struct hb_minix_bench *mb, const struct options *o, uint64_t *samples)
{
	const struct hb_bench *b = &mb->b;
	struct driver d;
	struct hb_run r;
	uint64_t overhead_after;
	char reason[256];
	int rc;

	if (mb->unavailable && mb->unavailable(reason, sizeof reason)) {
		emit_metric_reason(HB_REC_SKIP, b->metric, reason);
		fprintf(stderr, "hb: %s: skipped: %s\n", b->metric, reason);
		return;
	}
	memset(&d, 0, sizeof d);
	d.bench = b;
	d.options = o;
	memset(&r, 0, sizeof r);
	r.samples = samples;
	r.iterations = o->s.iterations;
	r.warmup = o->s.warmup;
	r.ready = emit_bench_begin;
	r.ctx = &d;

	fprintf(stderr, "hb: %s: ", b->metric);
	rc = b->run(b, &r);
	overhead_after = hb_timer_overhead(OVERHEAD_READS);
	/* Failed before its participants were up: BENCH_BEGIN anyway, so ERROR always follows one. */
	if (!d.began)
		emit_bench_begin(&r, "");
	if (rc) {
		if (r.error)
			snprintf(reason, sizeof reason, "%s: %s", r.failed_op, strerror(r.error));
		else
			snprintf(reason, sizeof reason, "%s", r.failed_op ? r.failed_op : "failed");
		emit_metric_reason(HB_REC_ERROR, b->metric, reason);
		fprintf(stderr, "error: %s\n", reason);
		return;
	}
	hb_wire_samples(&wire, samples, o->s.iterations);
	hb_wire_kv_begin(&wire, HB_REC_BENCH_END);
	hb_wire_kv_str(&wire, HB_KEY_METRIC, b->metric);
	hb_wire_kv_u64(&wire, HB_KEY_SAMPLES, o->s.iterations);
	hb_wire_kv_u64(&wire, HB_KEY_OVERHEAD_AFTER, overhead_after);
	hb_wire_kv_end(&wire);

	/* The samples are sent, so sorting them in place for the console summary costs nothing. */
	qsort(samples, o->s.iterations, sizeof *samples, compare_u64);
	fprintf(stderr, "%lu samples, min %llu, median %llu tsc-ticks\n", (unsigned long)o->s.iterations,
		(unsigned long long)samples[0], (unsigned long long)samples[o->s.iterations / 2]);
}

int main(int argc, char **argv)
{
	struct options o;
	const char *timer;
	struct timer_facts facts;
	uint64_t *samples;
	uint64_t counted = 0;
	size_t i, bytes;
	char err[256];
	int rc;

	/* A responder that died should show up as EPIPE in an ERROR record, not kill the payload. */
	signal(SIGPIPE, SIG_IGN);

	err[0] = '\0';
	rc = parse_args(&o, argc, argv, err, sizeof err);
	if (rc) {
		if (rc < 0)
			fprintf(stderr, "hb: %s\n", err);
		usage(rc < 0 ? stderr : stdout, argv[0]);
		return rc < 0 ? 2 : 0;
	}
	timer = hb_timer_init();
	bytes = (size_t)o.s.iterations * sizeof *samples;
	if (bytes / sizeof *samples != o.s.iterations || !(samples = malloc(bytes))) {
		fprintf(stderr, "hb: cannot allocate %lu samples\n", (unsigned long)o.s.iterations);
		return 1;
	}
	/*
	 * Fault every page in now rather than between timed rounds. Not zeros: the compiler turns
	 * malloc + memset(0) into calloc, which may hand out untouched zero pages.
	 */
	memset(samples, 0xff, bytes);
	if ((rc = data_open(&data, o.data))) {
		fprintf(stderr, "hb: data channel %s: %s\n", o.data, strerror(rc));
		return 1;
	}
	hb_wire_init(&wire, data_write, &data);

	fprintf(stderr, "hb: %s, timer %s, %lu iterations after %lu warm-up, benchmarks '%s', data %s\n",
		PAYLOAD_NAME, timer, (unsigned long)o.s.iterations, (unsigned long)o.s.warmup, o.s.bench,
		o.data);
	check_timer(&facts);
	emit_stream_begin(timer, &facts);
	for (i = 0; i < hb_minix_bench_count; i++) {
		const struct hb_minix_bench *mb = &hb_minix_benches[i];

		if (!hb_glob_list_match(o.s.bench, mb->b.metric))
			continue;
		run_one(mb, &o, samples);
		counted++;
	}
	if (counted == 0)
		fprintf(stderr, "hb: no benchmark matches '%s'\n", o.s.bench);
	hb_wire_kv_begin(&wire, HB_REC_STREAM_END);
	hb_wire_kv_u64(&wire, HB_KEY_BENCHMARKS, counted);
	hb_wire_kv_end(&wire);

	if ((rc = data_close(&data))) {
		fprintf(stderr, "hb: data channel %s: %s\n", o.data, strerror(rc));
		return 1;
	}
	fprintf(stderr, "hb: done, %llu benchmarks\n", (unsigned long long)counted);
	return 0;
}
