/*
 * Kernel RPCs built by hand, one function per MIG routine: each sends the request message the
 * routine's .defs declaration describes and waits for the reply on a reply port of its own, as
 * MIG's user stubs would. The structs are the exact wire layouts (test/guests/gnumach/
 * layout.test.ts checks them against the .defs of gnumach-dev and the ids against gnumach.msgids).
 *
 * Request ids are the subsystem's base plus the routine's index; the reply's id is the request's
 * plus 100. On failure a server replies with the header and the return code alone.
 */
#ifndef HB_GNUMACH_RPC_H
#define HB_GNUMACH_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "mach.h"

/* mach.defs, subsystem mach 2000 */
#define HB_MSGID_TASK_CREATE 2007      /* routine task_create, index 7 */
#define HB_MSGID_TASK_TERMINATE 2008   /* routine task_terminate, index 8 */
#define HB_MSGID_THREAD_TERMINATE 2016 /* routine thread_terminate, index 16 */
#define HB_MSGID_THREAD_SET_STATE 2018 /* routine thread_set_state, index 18 */
#define HB_MSGID_THREAD_CREATE 2061    /* routine thread_create, index 61 */
#define HB_MSGID_THREAD_RESUME 2063    /* routine thread_resume, index 63 */
/* mach_host.defs, subsystem mach_host 2600 */
#define HB_MSGID_HOST_KERNEL_VERSION 2619 /* routine host_kernel_version, index 19 */
/* mach_i386.defs, subsystem mach_i386 3800 */
#define HB_MSGID_I386_IO_PERM_CREATE 3805 /* routine i386_io_perm_create, index 5 */
#define HB_MSGID_I386_IO_PERM_MODIFY 3806 /* routine i386_io_perm_modify, index 6 */
#define HB_MSGID_REPLY_OFFSET 100

/* A server's reply when there is nothing but the return code (mig_reply_header_t). */
struct hb_rpc_reply_ret {
	struct hb_msg_header head;
	struct hb_msg_type ret_type; /* INTEGER_32, 32 bits, 1 */
	hb_kern_return_t ret;
};

/* A request with nothing but the target in the header: thread_create, thread_resume, thread_terminate, task_terminate. */
struct hb_rpc_request_target {
	struct hb_msg_header head;
};

/* A reply carrying one send right after the return code: task_create, thread_create, i386_io_perm_create. */
struct hb_rpc_reply_port {
	struct hb_msg_header head;
	struct hb_msg_type ret_type;
	hb_kern_return_t ret;
	struct hb_msg_type port_type; /* PORT_SEND, 32 bits, 1 */
	hb_port_t port;
};

/*
 * routine task_create(target_task: task_t; inherit_memory: boolean_t; out child_task: task_t);
 */
struct hb_task_create_request {
	struct hb_msg_header head;
	struct hb_msg_type inherit_memory_type; /* BOOLEAN (0), 32 bits, 1 */
	uint32_t inherit_memory;
};

/*
 * routine thread_set_state(target_thread: thread_t; flavor: int; new_state: thread_state_t);
 * thread_state_t = array[*:1024] of natural_t; the i386 state is 17 of them.
 */
struct hb_thread_set_state_request {
	struct hb_msg_header head;
	struct hb_msg_type flavor_type; /* INTEGER_32, 32 bits, 1 */
	int32_t flavor;
	struct hb_msg_type new_state_type; /* INTEGER_32, 32 bits, count */
	struct hb_i386_thread_state new_state;
};

/*
 * routine host_kernel_version(host: host_t; out kernel_version: kernel_version_t);
 * kernel_version_t = (MACH_MSG_TYPE_STRING, 512*8): one element of 4096 bits, which only the
 * long form of the type can say.
 */
#define HB_KERNEL_VERSION_BYTES 512
struct hb_host_kernel_version_reply {
	struct hb_msg_header head;
	struct hb_msg_type ret_type;
	hb_kern_return_t ret;
	struct hb_msg_type_long version_type; /* STRING, 4096 bits, 1 */
	char version[HB_KERNEL_VERSION_BYTES];
};

/*
 * routine i386_io_perm_create(master_port: mach_port_t; from: io_port_t; to: io_port_t;
 *                             out io_perm: io_perm_t);
 * io_port_t = MACH_MSG_TYPE_INTEGER_16, each padded to 4 bytes in the message.
 */
struct hb_io_perm_create_request {
	struct hb_msg_header head;
	struct hb_msg_type from_type; /* INTEGER_16, 16 bits, 1 */
	uint16_t from;
	uint16_t from_pad;
	struct hb_msg_type to_type;
	uint16_t to;
	uint16_t to_pad;
};

/*
 * routine i386_io_perm_modify(target_task: task_t; io_perm: io_perm_t; enable: boolean_t);
 */
struct hb_io_perm_modify_request {
	struct hb_msg_header head;       /* COMPLEX: the body carries a port right */
	struct hb_msg_type io_perm_type; /* COPY_SEND, 32 bits, 1 */
	hb_port_t io_perm;
	struct hb_msg_type enable_type;  /* BOOLEAN (0), 32 bits, 1 */
	uint32_t enable;
};

/* Each returns KERN_SUCCESS (0), the server's return code, or mach_msg's error. */
hb_kern_return_t hb_task_create(hb_port_t parent, int inherit_memory, hb_port_t *child);
hb_kern_return_t hb_task_terminate(hb_port_t task);
hb_kern_return_t hb_thread_create(hb_port_t task, hb_port_t *thread);
hb_kern_return_t hb_thread_set_state(hb_port_t thread, const struct hb_i386_thread_state *state);
hb_kern_return_t hb_thread_resume(hb_port_t thread);
hb_kern_return_t hb_thread_terminate(hb_port_t thread);
/* The kernel's version string into buf (NUL-terminated, at most HB_KERNEL_VERSION_BYTES). */
hb_kern_return_t hb_host_kernel_version(hb_port_t host, char *buf, size_t size);
hb_kern_return_t hb_io_perm_create(hb_port_t device_master, uint16_t from, uint16_t to, hb_port_t *io_perm);
hb_kern_return_t hb_io_perm_modify(hb_port_t task, hb_port_t io_perm, int enable);

#endif
