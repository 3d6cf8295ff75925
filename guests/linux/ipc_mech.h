/*
 * The four IPC mechanisms behind one interface: two one-way doorbells, each carrying a small
 * message to one side. The round-trip benchmark is written once against this interface.
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
};

extern const struct hb_ipc_mech hb_ipc_pipe, hb_ipc_futex, hb_ipc_eventfd, hb_ipc_unix;

#endif
