/*
 * The MINIX payload's pipe benchmarks: one byte each way between two processes. MINIX passes
 * every pipe read and write to VFS (and PFS), so these are message round trips too, just not ones
 * we choose the far end of.
 *
 * In the timed window (and in the responder's loop, which runs inside it) each read and write is
 * the C library's read()/write() without its bookkeeping: the VFS request message is built
 * before the first timer read, sent with ipc_sendrec, and its reply checked after the second
 * read (as _syscall would: minix/lib/libc/sys/read.c, write.c, syscall.c). Built elsewhere (a
 * Linux host, for testing) the same code calls read() and write().
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

#include "anatomy.h"
#include "minix_bench.h"
#include "timer.h"

/*
 * MINIX runs the payload on one CPU and has no call to pin a process or read its affinity, so
 * every participant is reported on vCPU 0.
 */
#define AFFINITY_ONE "0"
#define AFFINITY_TWO "0;0"

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

#ifdef __minix
#include <lib.h> /* message, ipc_sendrec(), VFS_PROC_NR, VFS_READ, VFS_WRITE */

/* A read or write of len bytes at buf, as read() and write() put it to VFS. */
struct pipe_op {
	message m;
	int type, fd;
	void *buf;
	size_t len;
};

/* Before the window: the request as read()/write() build it (the reply overwrites it). */
static void pipe_op_prepare(struct pipe_op *op)
{
	memset(&op->m, 0, sizeof op->m);
	op->m.m_type = op->type;
	op->m.m_lc_vfs_readwrite.fd = op->fd;
	op->m.m_lc_vfs_readwrite.len = op->len;
	op->m.m_lc_vfs_readwrite.buf = (vir_bytes)op->buf;
}

/* In the window: the request and VFS's reply. Returns ipc_sendrec's result (0: a reply came). */
static inline int pipe_op_call(struct pipe_op *op)
{
	return ipc_sendrec(VFS_PROC_NR, &op->m);
}

/* After the window: the byte count, or -1 with errno set, as read()/write() return them. */
static ssize_t pipe_op_result(const struct pipe_op *op, int rc)
{
	int status = rc != 0 ? rc : op->m.m_type;

	if (status < 0) {
		errno = -status;
		return -1;
	}
	return status;
}
#define PIPE_READ VFS_READ
#define PIPE_WRITE VFS_WRITE
#else
/* Elsewhere: read() and write() themselves, in the window. */
struct pipe_op {
	int type, fd;
	void *buf;
	size_t len;
	ssize_t n;
};
#define PIPE_READ 0
#define PIPE_WRITE 1

static void pipe_op_prepare(struct pipe_op *op)
{
	(void)op;
}

static inline int pipe_op_call(struct pipe_op *op)
{
	op->n = op->type == PIPE_READ ? read(op->fd, op->buf, op->len) : write(op->fd, op->buf, op->len);
	return 0;
}

static ssize_t pipe_op_result(const struct pipe_op *op, int rc)
{
	(void)rc;
	return op->n;
}
#endif

/* Both kinds of pipe_op: which call, on which descriptor, with which buffer. */
static void pipe_op_init(struct pipe_op *op, int type, int fd, void *buf, size_t len)
{
	op->type = type;
	op->fd = fd;
	op->buf = buf;
	op->len = len;
}

/* A pipe_op's outcome as write_byte()/read_byte() report it: 0, EPIPE at end of file, EIO, or errno. */
static int pipe_op_error(const struct pipe_op *op, int rc)
{
	ssize_t n = pipe_op_result(op, rc);

	if (n == 1)
		return 0;
	if (n == 0)
		return op->type == PIPE_READ ? EPIPE : EIO;
	return n > 0 ? EIO : errno;
}

/* The forked child: answers every request until rounds are done or the initiator goes away. */
static void respond(int rfd, int wfd, uint64_t rounds)
{
	char reply = MSG_REQ;
	struct pipe_op rd, wr;
	struct failure f;
	const char *op;
	uint64_t i;
	char c;
	int err;

	if ((err = write_byte(wfd, MSG_READY))) {
		op = "write";
		goto fail;
	}
	pipe_op_init(&rd, PIPE_READ, rfd, &c, 1);
	pipe_op_init(&wr, PIPE_WRITE, wfd, &reply, 1);
	for (i = 0; i < rounds; i++) {
		pipe_op_prepare(&rd);
		pipe_op_prepare(&wr);
		if ((err = pipe_op_error(&rd, pipe_op_call(&rd))) == EINTR)
			err = read_byte(rfd, &c);
		if (err) {
			if (err == EPIPE)
				_exit(0); /* the initiator gave up and closed its end */
			op = "read";
			goto fail;
		}
		if (c != MSG_REQ)
			_exit(0);
		if ((err = pipe_op_error(&wr, pipe_op_call(&wr))) == EINTR)
			err = write_byte(wfd, MSG_REQ);
		if (err) {
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

/*
 * One request and its reply, both messages prepared by the caller before its first timer read;
 * failures are handled out of line, after its second. An interrupted call is made again with the
 * plain helpers (no signal is expected; a round that needed it is no sample to trust, but rare).
 */
static inline int round_trip(struct pipe_op *wr, struct pipe_op *rd, int wfd, int rfd, char *c, const char **op)
{
	int err = pipe_op_error(wr, pipe_op_call(wr));

	if (err == EINTR)
		err = write_byte(wfd, MSG_REQ);
	if (err) {
		*op = "write";
		return err;
	}
	err = pipe_op_error(rd, pipe_op_call(rd));
	if (err == EINTR)
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
	char req = MSG_REQ;
	struct pipe_op wr, rd;
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

	pipe_op_init(&wr, PIPE_WRITE, wfd, &req, 1);
	pipe_op_init(&rd, PIPE_READ, rfd, &c, 1);
	for (i = 0; i < r->warmup + r->iterations; i++) {
		uint64_t t0, t1;

		if (i == r->warmup)
			hb_anatomy_begin();
		pipe_op_prepare(&wr);
		pipe_op_prepare(&rd);
		c = 0;
		t0 = hb_timer_now();
		err = round_trip(&wr, &rd, wfd, rfd, &c, &op);
		t1 = hb_timer_now();
		if (err || c != MSG_REQ)
			return round_failed(r, rfd, op, err, c);
		if (i >= r->warmup)
			r->samples[i - r->warmup] = t1 - t0;
	}
	hb_anatomy_end();
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
