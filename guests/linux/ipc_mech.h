/*
 * The four IPC mechanisms behind one interface: two one-way doorbells, each carrying a small
 * message to one side. The round-trip benchmark is written once against this interface; each
 * mechanism brings its own timed loop (rounds, serve) so that nothing but its system calls and
 * the checks of their results lie between the timer reads.
 */
#ifndef HB_IPC_MECH_H
#define HB_IPC_MECH_H

#include <stdint.h>

enum hb_side { HB_INITIATOR = 0, HB_RESPONDER = 1 };

/*
 * Messages carry a tag, not data, so that either side can tell a failing peer apart from a normal
 * reply without a second shared flag to read on every round.
 */
enum hb_msg {
	HB_MSG_REQ = 1,   /* request, and the reply to it */
	HB_MSG_READY = 2, /* responder pinned; its affinity is in the shared page */
	HB_MSG_ABORT = 3, /* sender gave up; stop waiting for it */
};

/* Lives in a MAP_SHARED page so it means the same in a forked child. */
struct hb_ipc_chan {
	/* futex: word[to] holds a message for side `to`; own cache lines so they do not ping-pong. */
	struct {
		_Alignas(64) uint32_t v;
	} word[2];
	int fd[4];
	int shared; /* the two sides are processes, not threads */
};

/* Why a run of rounds stopped: op failed with err, or (op NULL) the peer sent msg instead of a reply. */
struct hb_ipc_fail {
	const char *op;
	int err;
	uint32_t msg;
};

struct hb_ipc_mech {
	const char *name;
	/* Operation names for error reports, e.g. "pipe", "write", "read". */
	const char *open_op, *send_op, *recv_op;
	/* Each returns 0 or errno. */
	int (*open)(struct hb_ipc_chan *c);
	int (*send)(struct hb_ipc_chan *c, enum hb_side from, uint32_t msg);
	/* A closed peer reads as EPIPE. */
	int (*recv)(struct hb_ipc_chan *c, enum hb_side to, uint32_t *msg);
	void (*close)(struct hb_ipc_chan *c);
	/*
	 * The timed path, with no C library and no indirect call in it (ipc_mech.c). rounds: the
	 * initiator's n requests, each waiting for its reply; with samples, samples[i] is the timer
	 * delta from just before the request's first system call to just after the reply's last one
	 * returns (NULL: untimed, for warm-up). serve: the responder's n replies, each to a request.
	 * Both return 0, or -1 with *f set.
	 */
	int (*rounds)(struct hb_ipc_chan *c, uint32_t n, uint64_t *samples, struct hb_ipc_fail *f);
	int (*serve)(struct hb_ipc_chan *c, uint64_t n, struct hb_ipc_fail *f);
};

extern const struct hb_ipc_mech hb_ipc_pipe, hb_ipc_futex, hb_ipc_eventfd, hb_ipc_unix;

#endif
