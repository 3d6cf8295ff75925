/* seL4 endpoint IPC between two workers, as sel4bench's ipc benchmarks time it. */
#ifndef HB_SEL4_BENCH_IPC_H
#define HB_SEL4_BENCH_IPC_H

enum hb_ipc_kind {
	HB_IPC_ROUNDTRIP,    /* client: Call to its return */
	HB_IPC_ONEWAY_CALL,  /* client before Call to server after its Recv/ReplyRecv returns */
	HB_IPC_ONEWAY_REPLY, /* server before ReplyRecv to client after its Call returns */
};

struct hb_ipc_variant {
	enum hb_ipc_kind kind;
	int server_in_own_vspace; /* 1: the server runs in an address space of its own */
};

#endif
