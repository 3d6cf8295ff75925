#define _GNU_SOURCE
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "futex.h"
#include "ipc_mech.h"

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

const struct hb_ipc_mech hb_ipc_pipe = {
	"pipe", "pipe", "write", "read", pipe_open, pipe_send, pipe_recv, close_fds,
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

const struct hb_ipc_mech hb_ipc_unix = {
	"unix", "socketpair", "write", "read", unix_open, unix_send, unix_recv, close_fds,
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

const struct hb_ipc_mech hb_ipc_eventfd = {
	"eventfd", "eventfd", "write", "read", eventfd_open, eventfd_send, eventfd_recv, close_fds,
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

static int futex_send(struct hb_ipc_chan *c, enum hb_side from, uint32_t msg)
{
	uint32_t *w = &c->word[other(from)].v;

	__atomic_store_n(w, msg, __ATOMIC_RELEASE);
	return hb_futex_wake(w, c->shared);
}

static int futex_recv(struct hb_ipc_chan *c, enum hb_side to, uint32_t *msg)
{
	uint32_t *w = &c->word[to].v;

	for (;;) {
		/* Exchange, not load-then-clear, so an ABORT landing on a REQ is never wiped out. */
		if (__atomic_load_n(w, __ATOMIC_ACQUIRE)) {
			*msg = __atomic_exchange_n(w, 0, __ATOMIC_ACQUIRE);
			return 0;
		}
		int err = hb_futex_wait(w, 0, c->shared);

		if (err && err != EAGAIN && err != EINTR)
			return err;
	}
}

static void futex_close(struct hb_ipc_chan *c)
{
	(void)c;
}

const struct hb_ipc_mech hb_ipc_futex = {
	"futex", "futex", "FUTEX_WAKE", "FUTEX_WAIT", futex_open, futex_send, futex_recv, futex_close,
};
