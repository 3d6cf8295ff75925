#define _GNU_SOURCE
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "futex.h"
#include "ipc_mech.h"
#include "raw_syscall.h"
#include "window.h"

static enum hb_side other(enum hb_side s)
{
	return s == HB_INITIATOR ? HB_RESPONDER : HB_INITIATOR;
}

static void close_fds(struct hb_ipc_chan *c)
{
	for (int i = 0; i < 4; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		c->fd[i] = -1;
	}
}

static void no_fds(struct hb_ipc_chan *c)
{
	for (int i = 0; i < 4; i++)
		c->fd[i] = -1;
}

static int write_all(int fd, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n = write(fd, buf, len);

		if (n == (ssize_t)len)
			return 0;
		if (n >= 0)
			return EIO; /* a message of at most 8 bytes is never split by these fds */
		if (errno != EINTR)
			return errno;
	}
}

static int read_exact(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n == (ssize_t)len)
			return 0;
		if (n == 0)
			return EPIPE;
		if (n > 0)
			return EIO;
		if (errno != EINTR)
			return errno;
	}
}

/*
 * The timed path of the file-descriptor mechanisms: one raw write and one raw read a message
 * (raw_syscall.h), each result compared with the length it should be and anything else handed to
 * the out-of-line helpers below, which retry an EINTR as write_all() and read_exact() do.
 */
static __attribute__((noinline, cold)) int write_failed(int fd, const void *buf, long len, long rc)
{
	if (rc == -EINTR)
		return write_all(fd, buf, (size_t)len);
	return rc >= 0 ? EIO : (int)-rc;
}

static __attribute__((noinline, cold)) int read_failed(int fd, void *buf, long len, long rc)
{
	if (rc == -EINTR)
		return read_exact(fd, buf, (size_t)len);
	return rc == 0 ? EPIPE : rc > 0 ? EIO : (int)-rc;
}

static inline int fd_send(int fd, const void *buf, long len)
{
	long rc = hb_raw_syscall3(SYS_write, fd, (long)buf, len);

	return __builtin_expect(rc == len, 1) ? 0 : write_failed(fd, buf, len, rc);
}

static inline int fd_recv(int fd, void *buf, long len)
{
	long rc = hb_raw_syscall3(SYS_read, fd, (long)buf, len);

	return __builtin_expect(rc == len, 1) ? 0 : read_failed(fd, buf, len, rc);
}

/* Where one side writes its messages and reads the other's, and how long a message is. */
struct fd_ends {
	int out, in;
	long len; /* 1 (a byte) or 8 (an eventfd count) */
	const char *send_op, *recv_op;
};

/*
 * A message as the fd mechanisms send it: len bytes of this, little-endian, so its first byte is
 * the tag too. Static, so a send's buffer is a constant address and nothing is stored in the window.
 */
static const uint64_t msg_req = HB_MSG_REQ;

/* What was read (len bytes into a zeroed 8-byte buffer) as a tag; an eventfd sum past 32 bits is not one. */
static uint32_t fd_msg(uint64_t buf, long len)
{
	if (len == 1)
		return (uint32_t)(buf & 0xff);
	return buf > UINT32_MAX ? HB_MSG_ABORT : (uint32_t)buf;
}

static int fd_rounds(struct fd_ends e, uint32_t n, uint64_t *samples, struct hb_ipc_fail *f)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t reply = 0;
		int err;

		uint64_t t0 = hb_window_start();
		if (__builtin_expect((err = fd_send(e.out, &msg_req, e.len)) != 0, 0)) {
			*f = (struct hb_ipc_fail){ e.send_op, err, 0 };
			return -1;
		}
		err = fd_recv(e.in, &reply, e.len);
		uint64_t t1 = hb_timer_now();

		if (err) {
			*f = (struct hb_ipc_fail){ e.recv_op, err, 0 };
			return -1;
		}
		if (fd_msg(reply, e.len) != HB_MSG_REQ) {
			*f = (struct hb_ipc_fail){ NULL, 0, fd_msg(reply, e.len) };
			return -1;
		}
		if (samples)
			samples[i] = t1 - t0;
	}
	return 0;
}

static int fd_serve(struct fd_ends e, uint64_t n, struct hb_ipc_fail *f)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t req = 0;
		int err;

		if ((err = fd_recv(e.in, &req, e.len))) {
			*f = (struct hb_ipc_fail){ e.recv_op, err, 0 };
			return -1;
		}
		if (fd_msg(req, e.len) != HB_MSG_REQ) {
			*f = (struct hb_ipc_fail){ NULL, 0, fd_msg(req, e.len) };
			return -1;
		}
		if ((err = fd_send(e.out, &msg_req, e.len))) {
			*f = (struct hb_ipc_fail){ e.send_op, err, 0 };
			return -1;
		}
	}
	return 0;
}

/* Byte-stream mechanisms: one byte per message. */
static int send_byte(int fd, uint32_t msg)
{
	uint8_t b = (uint8_t)msg;

	return write_all(fd, &b, 1);
}

static int recv_byte(int fd, uint32_t *msg)
{
	uint8_t b;
	int err = read_exact(fd, &b, 1);

	*msg = b;
	return err;
}

/* pipe: fd[2*to] is the read end of the pipe carrying messages to `to`, fd[2*to+1] its write end. */
static int pipe_open(struct hb_ipc_chan *c)
{
	no_fds(c);
	if (pipe(&c->fd[0]) || pipe(&c->fd[2])) {
		int err = errno;

		close_fds(c);
		return err;
	}
	return 0;
}

static int pipe_send(struct hb_ipc_chan *c, enum hb_side from, uint32_t msg)
{
	return send_byte(c->fd[2 * other(from) + 1], msg);
}

static int pipe_recv(struct hb_ipc_chan *c, enum hb_side to, uint32_t *msg)
{
	return recv_byte(c->fd[2 * to], msg);
}

static struct fd_ends pipe_ends(const struct hb_ipc_chan *c, enum hb_side s)
{
	return (struct fd_ends){ c->fd[2 * other(s) + 1], c->fd[2 * s], 1, "write", "read" };
}

static int pipe_rounds(struct hb_ipc_chan *c, uint32_t n, uint64_t *samples, struct hb_ipc_fail *f)
{
	return fd_rounds(pipe_ends(c, HB_INITIATOR), n, samples, f);
}

static int pipe_serve(struct hb_ipc_chan *c, uint64_t n, struct hb_ipc_fail *f)
{
	return fd_serve(pipe_ends(c, HB_RESPONDER), n, f);
}

const struct hb_ipc_mech hb_ipc_pipe = {
	"pipe", "pipe", "write", "read", pipe_open, pipe_send, pipe_recv, close_fds, pipe_rounds, pipe_serve,
};

/* unix: fd[side] is that side's end of one socketpair, which carries both directions. */
static int unix_open(struct hb_ipc_chan *c)
{
	no_fds(c);
	return socketpair(AF_UNIX, SOCK_STREAM, 0, &c->fd[0]) ? errno : 0;
}

static int unix_send(struct hb_ipc_chan *c, enum hb_side from, uint32_t msg)
{
	return send_byte(c->fd[from], msg);
}

static int unix_recv(struct hb_ipc_chan *c, enum hb_side to, uint32_t *msg)
{
	return recv_byte(c->fd[to], msg);
}

static struct fd_ends unix_ends(const struct hb_ipc_chan *c, enum hb_side s)
{
	return (struct fd_ends){ c->fd[s], c->fd[s], 1, "write", "read" };
}

static int unix_rounds(struct hb_ipc_chan *c, uint32_t n, uint64_t *samples, struct hb_ipc_fail *f)
{
	return fd_rounds(unix_ends(c, HB_INITIATOR), n, samples, f);
}

static int unix_serve(struct hb_ipc_chan *c, uint64_t n, struct hb_ipc_fail *f)
{
	return fd_serve(unix_ends(c, HB_RESPONDER), n, f);
}

const struct hb_ipc_mech hb_ipc_unix = {
	"unix", "socketpair", "write", "read", unix_open, unix_send, unix_recv, close_fds, unix_rounds, unix_serve,
};

/*
 * eventfd: fd[to] counts messages for `to`. Not a semaphore, so a read returns the sum of what
 * was written; strict alternation keeps that one message, and an ABORT on top of a pending REQ
 * sums to something that is not HB_MSG_REQ either.
 */
static int eventfd_open(struct hb_ipc_chan *c)
{
	no_fds(c);
	for (int i = 0; i < 2; i++) {
		c->fd[i] = eventfd(0, 0);
		if (c->fd[i] < 0) {
			int err = errno;

			close_fds(c);
			return err;
		}
	}
	return 0;
}

static int eventfd_send(struct hb_ipc_chan *c, enum hb_side from, uint32_t msg)
{
	uint64_t v = msg;

	return write_all(c->fd[other(from)], &v, sizeof v);
}

static int eventfd_recv(struct hb_ipc_chan *c, enum hb_side to, uint32_t *msg)
{
	uint64_t v = 0;
	int err = read_exact(c->fd[to], &v, sizeof v);

	*msg = v > UINT32_MAX ? HB_MSG_ABORT : (uint32_t)v;
	return err;
}

static struct fd_ends eventfd_ends(const struct hb_ipc_chan *c, enum hb_side s)
{
	return (struct fd_ends){ c->fd[other(s)], c->fd[s], 8, "write", "read" };
}

static int eventfd_rounds(struct hb_ipc_chan *c, uint32_t n, uint64_t *samples, struct hb_ipc_fail *f)
{
	return fd_rounds(eventfd_ends(c, HB_INITIATOR), n, samples, f);
}

static int eventfd_serve(struct hb_ipc_chan *c, uint64_t n, struct hb_ipc_fail *f)
{
	return fd_serve(eventfd_ends(c, HB_RESPONDER), n, f);
}

const struct hb_ipc_mech hb_ipc_eventfd = {
	"eventfd", "eventfd", "write", "read", eventfd_open, eventfd_send, eventfd_recv, close_fds, eventfd_rounds, eventfd_serve,
};

/*
 * futex: word[to] is 0 when empty. The sender always calls FUTEX_WAKE, without a waiters flag to
 * skip it, so every message costs the same two system calls whoever gets there first.
 */
static int futex_open(struct hb_ipc_chan *c)
{
	no_fds(c);
	c->word[0].v = 0;
	c->word[1].v = 0;
	return 0;
}

static inline int futex_post(uint32_t *w, uint32_t msg, int shared)
{
	__atomic_store_n(w, msg, __ATOMIC_RELEASE);
	return hb_futex_wake(w, shared);
}

static inline int futex_take(uint32_t *w, uint32_t *msg, int shared)
{
	for (;;) {
		/* Exchange, not load-then-clear, so an ABORT landing on a REQ is never wiped out. */
		if (__atomic_load_n(w, __ATOMIC_ACQUIRE)) {
			*msg = __atomic_exchange_n(w, 0, __ATOMIC_ACQUIRE);
			return 0;
		}
		int err = hb_futex_wait(w, 0, shared);

		if (err && err != EAGAIN && err != EINTR)
			return err;
	}
}

static int futex_send(struct hb_ipc_chan *c, enum hb_side from, uint32_t msg)
{
	return futex_post(&c->word[other(from)].v, msg, c->shared);
}

static int futex_recv(struct hb_ipc_chan *c, enum hb_side to, uint32_t *msg)
{
	return futex_take(&c->word[to].v, msg, c->shared);
}

/* The store of the request and its FUTEX_WAKE open the window; taking the reply closes it. */
static int futex_rounds(struct hb_ipc_chan *c, uint32_t n, uint64_t *samples, struct hb_ipc_fail *f)
{
	uint32_t *out = &c->word[HB_RESPONDER].v, *in = &c->word[HB_INITIATOR].v;
	const int shared = c->shared;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t reply = 0;
		int err;

		uint64_t t0 = hb_window_start();
		if (__builtin_expect((err = futex_post(out, HB_MSG_REQ, shared)) != 0, 0)) {
			*f = (struct hb_ipc_fail){ "FUTEX_WAKE", err, 0 };
			return -1;
		}
		err = futex_take(in, &reply, shared);
		uint64_t t1 = hb_timer_now();

		if (err) {
			*f = (struct hb_ipc_fail){ "FUTEX_WAIT", err, 0 };
			return -1;
		}
		if (reply != HB_MSG_REQ) {
			*f = (struct hb_ipc_fail){ NULL, 0, reply };
			return -1;
		}
		if (samples)
			samples[i] = t1 - t0;
	}
	return 0;
}

static int futex_serve(struct hb_ipc_chan *c, uint64_t n, struct hb_ipc_fail *f)
{
	uint32_t *out = &c->word[HB_INITIATOR].v, *in = &c->word[HB_RESPONDER].v;
	const int shared = c->shared;

	for (uint64_t i = 0; i < n; i++) {
		uint32_t req = 0;
		int err;

		if ((err = futex_take(in, &req, shared))) {
			*f = (struct hb_ipc_fail){ "FUTEX_WAIT", err, 0 };
			return -1;
		}
		if (req != HB_MSG_REQ) {
			*f = (struct hb_ipc_fail){ NULL, 0, req };
			return -1;
		}
		if ((err = futex_post(out, HB_MSG_REQ, shared))) {
			*f = (struct hb_ipc_fail){ "FUTEX_WAKE", err, 0 };
			return -1;
		}
	}
	return 0;
}

static void futex_close(struct hb_ipc_chan *c)
{
	(void)c;
}

const struct hb_ipc_mech hb_ipc_futex = {
	"futex", "futex", "FUTEX_WAKE", "FUTEX_WAIT", futex_open, futex_send, futex_recv, futex_close, futex_rounds, futex_serve,
};
