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
#include "records.h"
#include "settings.h"
#include "timer.h"
#include "wire_emit.h"

#define PAYLOAD_NAME "hb-minix 1"
/* Back-to-back reads for hb_timer_check(). */
#define TIMER_CHECK_READS 100000
#define DEFAULT_DATA "/dev/tty01"

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

static void check_timer(struct hb_stream_facts *f)
{
	uint64_t cpuid_hz = hb_tsc_hz_cpuid();

	hb_timer_check(TIMER_CHECK_READS, &f->check);
	hb_pick_tsc_hz(f, cpuid_hz, kernel_tsc_hz());
	fprintf(stderr,
		"hb: timer check: %llu reads, %llu backwards (max %llu), forward deltas %llu..%llu ticks; "
		"tsc_hz %llu (%s), kernel's %llu\n",
		(unsigned long long)f->check.reads, (unsigned long long)f->check.backwards,
		(unsigned long long)f->check.max_backwards, (unsigned long long)f->check.min_forward,
		(unsigned long long)f->check.max_forward, (unsigned long long)f->tsc_hz, f->tsc_hz_source,
		(unsigned long long)f->kernel_tsc_hz);
}

/* A copy, so the caller's facts never point at this function's kernel buffer. */
static void emit_stream_begin(const struct hb_stream_facts *found)
{
	struct hb_stream_facts f = *found;
	struct utsname u;
	char kernel[sizeof u.sysname + sizeof u.release + sizeof u.version + 2];
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (uname(&u) < 0)
		snprintf(kernel, sizeof kernel, "unknown");
	else
		snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.version);
	f.kernel = kernel;
	/* MINIX answers from its MIB service; a kernel built without SMP has one CPU. */
	f.cpus_online = online > 0 ? (uint64_t)online : 1;
	hb_emit_stream_begin(&wire, &f);
}

static const char *error_text(int error)
{
	return strerror(error);
}

static void run_one(const struct hb_driver *d, const struct hb_minix_bench *mb)
{
	const struct hb_bench *b = &mb->b;
	struct hb_outcome out;
	char reason[256];

	if (mb->unavailable && mb->unavailable(reason, sizeof reason)) {
		hb_emit_reason(d->wire, HB_REC_SKIP, b->metric, reason);
		fprintf(stderr, "hb: %s: skipped: %s\n", b->metric, reason);
		return;
	}
	fprintf(stderr, "hb: %s: ", b->metric);
	if (hb_run_bench(d, b, &out))
		fprintf(stderr, "error: %s\n", out.reason);
	else
		fprintf(stderr, "%lu samples, min %llu, median %llu tsc-ticks\n",
			(unsigned long)d->settings->iterations, (unsigned long long)out.min,
			(unsigned long long)out.median);
}

int main(int argc, char **argv)
{
	struct options o;
	struct hb_stream_facts facts = { .payload = PAYLOAD_NAME, .guest_os = "minix" };
	struct hb_driver driver = { .wire = &wire, .settings = &o.s, .error_text = error_text };
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
	facts.timer = hb_timer_init();
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
	driver.samples = samples;

	fprintf(stderr, "hb: %s, timer %s, %lu iterations after %lu warm-up, benchmarks '%s', data %s\n",
		PAYLOAD_NAME, facts.timer, (unsigned long)o.s.iterations, (unsigned long)o.s.warmup, o.s.bench,
		o.data);
	check_timer(&facts);
	emit_stream_begin(&facts);
	for (i = 0; i < hb_minix_bench_count; i++) {
		const struct hb_minix_bench *mb = &hb_minix_benches[i];

		if (!hb_glob_list_match(o.s.bench, mb->b.metric))
			continue;
		run_one(&driver, mb);
		counted++;
	}
	if (counted == 0)
		fprintf(stderr, "hb: no benchmark matches '%s'\n", o.s.bench);
	hb_emit_stream_end(&wire, counted);

	if ((rc = data_close(&data))) {
		fprintf(stderr, "hb: data channel %s: %s\n", o.data, strerror(rc));
		return 1;
	}
	fprintf(stderr, "hb: done, %llu benchmarks\n", (unsigned long long)counted);
	return 0;
}
