/*
 * The MINIX payload's benchmarks that need nothing but POSIX: getpid() and pipes between two
 * processes. MINIX passes both through its servers (PM for getpid, VFS for pipes), so these are
 * message round trips too, just not ones we choose the far end of.
 *
 * No shared memory between the two processes (MINIX's anonymous MAP_SHARED is not something to
 * lean on): a failing responder reports over the pipe it answers on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "minix_bench.h"
#include "timer.h"

/*
 * MINIX runs the payload on one CPU and has no call to pin a process or read its affinity, so
 * every participant is reported on vCPU 0.
 */
#define AFFINITY_ONE "0"
#define AFFINITY_TWO "0;0"

/* Keeps the compiler from treating a result as unused; getpid() is not pure, but be sure. */
static volatile pid_t sink;

/*
 * getpid() is one ipc_sendrec round trip to PM (minix/lib/libc/sys/getpid.c: _syscall(PM_PROC_NR,
 * PM_GETPID)); libc caches nothing. MINIX has no system call that the kernel answers itself for a
 * user process, so this is the nearest thing to a null system call.
 */
int hb_bench_getpid(const struct hb_bench *b, struct hb_run *r)
{
	uint32_t i;

	(void)b;
	r->ready(r, AFFINITY_ONE);
	for (i = 0; i < r->warmup; i++)
		sink = getpid();
	for (i = 0; i < r->iterations; i++) {
		uint64_t t0 = hb_timer_now();
		pid_t pid = getpid();
		uint64_t t1 = hb_timer_now();

		sink = pid;
		r->samples[i] = t1 - t0;
	}
	return 0;
}

/* One byte each way, as the Linux payload's pipe mechanism sends them. */
enum { MSG_READY = 'R', MSG_REQ = 'Q', MSG_ABORT = 'X' };

/* What a failing responder sends after MSG_ABORT. */
struct failure {
	char op[48];
	int err;
};

static int write_byte(int fd, char c)
{
	for (;;) {
		ssize_t n = write(fd, &c, 1);

		if (n == 1)
			return 0;
		if (n >= 0)
			return EIO;
		if (errno != EINTR)
			return errno;
	}
}

/* 0 with the byte in *c, EPIPE at end of file, else errno. */
static int read_byte(int fd, char *c)
{
	for (;;) {
		ssize_t n = read(fd, c, 1);

		if (n == 1)
			return 0;
		if (n == 0)
			return EPIPE;
		if (errno != EINTR)
			return errno;
	}
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == 0) {
			return EPIPE;
		} else if (errno != EINTR) {
			return errno;
		}
	}
	return 0;
}

/* The forked child: answers every request until rounds are done or the initiator goes away. */
static void respond(int rfd, int wfd, uint64_t rounds)
{
	struct failure f;
	const char *op;
	uint64_t i;
	char c;
	int err;

	if ((err = write_byte(wfd, MSG_READY))) {
		op = "write";
		goto fail;
	}
	for (i = 0; i < rounds; i++) {
		if ((err = read_byte(rfd, &c))) {
			if (err == EPIPE)
				_exit(0); /* the initiator gave up and closed its end */
			op = "read";
			goto fail;
		}
		if (c != MSG_REQ)
			_exit(0);
		if ((err = write_byte(wfd, MSG_REQ))) {
			op = "write";
			goto fail;
		}
	}
	_exit(0);
fail:
	memset(&f, 0, sizeof f);
	snprintf(f.op, sizeof f.op, "%s", op);
	f.err = err;
	/* Best effort: the initiator may be gone, which is why this failed. */
	if (write_byte(wfd, MSG_ABORT) == 0)
		(void)!write(wfd, &f, sizeof f);
	_exit(1);
}

/* Holds the responder's failed operation for hb_run.failed_op after this call returns. */
static char responder_op[80];

/*
 * The responder stopped answering: c is the byte it sent instead of a reply, or 0 when none was
 * read yet (end of file, EPIPE), in which case whatever it left in the pipe is read now. Its
 * write end is closed in this process, so that read cannot block once it has exited.
 */
static int responder_gone(struct hb_run *r, int rfd, char c)
{
	struct failure f;

	if (c == 0 && read_byte(rfd, &c))
		c = 0;
	if (c == MSG_ABORT && read_all(rfd, &f, sizeof f) == 0) {
		f.op[sizeof f.op - 1] = '\0';
		snprintf(responder_op, sizeof responder_op, "responder: %s", f.op);
		return hb_run_fail(r, responder_op, f.err);
	}
	return hb_run_fail(r, "responder: stopped without a reason", 0);
}

/* One request and its reply. Failures are handled out of line, after the caller's end timestamp. */
static inline int round_trip(int wfd, int rfd, char *c, const char **op)
{
	int err = write_byte(wfd, MSG_REQ);

	if (err) {
		*op = "write";
		return err;
	}
	err = read_byte(rfd, c);
	if (err)
		*op = "read";
	return err;
}

static int round_failed(struct hb_run *r, int rfd, const char *op, int err, char c)
{
	if (err == EPIPE) /* read hit end of file or write found no reader: the responder exited */
		return responder_gone(r, rfd, 0);
	if (err)
		return hb_run_fail(r, op, err);
	return responder_gone(r, rfd, c);
}

static int initiate(struct hb_run *r, int wfd, int rfd)
{
	const char *op = NULL;
	uint32_t i;
	char c = 0;
	int err;

	if ((err = read_byte(rfd, &c)) || c != MSG_READY)
		return round_failed(r, rfd, "read", err, c);
	/*
	 * fork() left the sample pages shared copy-on-write: take this process's own copies now,
	 * not on the first store after a timed round.
	 */
	memset(r->samples, 0, (size_t)r->iterations * sizeof *r->samples);
	r->ready(r, AFFINITY_TWO);

	for (i = 0; i < r->warmup; i++) {
		if ((err = round_trip(wfd, rfd, &c, &op)) || c != MSG_REQ)
			return round_failed(r, rfd, op, err, c);
	}
	for (i = 0; i < r->iterations; i++) {
		uint64_t t0 = hb_timer_now();
		uint64_t t1;

		err = round_trip(wfd, rfd, &c, &op);
		t1 = hb_timer_now();
		if (err || c != MSG_REQ)
			return round_failed(r, rfd, op, err, c);
		r->samples[i] = t1 - t0;
	}
	return 0;
}

static int reap(struct hb_run *r, pid_t pid, int rc)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return rc ? rc : hb_run_fail(r, "waitpid", errno);
	}
	if (!rc && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return hb_run_fail(r, "responder process exited abnormally", 0);
	return rc;
}

/*
 * Request/reply over two pipes between this process (the initiator, which measures) and a forked
 * responder on the same CPU: ipc.roundtrip.pipe.process.same, and ctxswitch.pipe, which counts
 * the same round as two hand-offs from one process to the other (the lmbench lat_ctx method).
 */
int hb_bench_pipe_pingpong(const struct hb_bench *b, struct hb_run *r)
{
	int to_resp[2], to_init[2];
	pid_t pid;
	int err, rc;

	(void)b;
	if (pipe(to_resp))
		return hb_run_fail(r, "pipe", errno);
	if (pipe(to_init)) {
		err = errno;
		close(to_resp[0]);
		close(to_resp[1]);
		return hb_run_fail(r, "pipe", err);
	}
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(to_resp[0]);
		close(to_resp[1]);
		close(to_init[0]);
		close(to_init[1]);
		return hb_run_fail(r, "fork", err);
	}
	if (pid == 0) {
		close(to_resp[1]);
		close(to_init[0]);
		respond(to_resp[0], to_init[1], (uint64_t)r->warmup + r->iterations);
	}
	close(to_resp[0]);
	close(to_init[1]);
	rc = initiate(r, to_resp[1], to_init[0]);
	/* A responder still waiting for a request now reads end of file and exits. */
	close(to_resp[1]);
	close(to_init[0]);
	return reap(r, pid, rc);
}
