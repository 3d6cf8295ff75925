#include <string.h>

#include "rpc.h"

/* A received send right: how the kernel names the type of a port it sends back. */
static const struct hb_msg_type port_send_type = { HB_MSG_TYPE_PORT_SEND, 32, 1, 1, 0, 0, 0 };

static struct hb_msg_type type_of(uint32_t name, uint32_t bits, uint32_t number)
{
	struct hb_msg_type t = { 0 };

	t.name = name;
	t.size = bits;
	t.number = number;
	t.is_inline = 1;
	return t;
}

static int same_type(struct hb_msg_type a, struct hb_msg_type b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/*
 * Sends the request in buf (send_size bytes, target and id filled in) with a send-once right to
 * our reply port, and receives the reply into buf (at most rcv_size bytes). Only the driver
 * thread makes RPCs, so one reply port serves them all, as MIG's per-thread reply port would.
 */
static hb_kern_return_t rpc(void *buf, uint32_t send_size, uint32_t rcv_size, uint32_t complex)
{
	static hb_port_t reply_port;
	struct hb_msg_header *h = buf;
	const struct hb_rpc_reply_ret *r = buf;
	int32_t id = h->id;
	int32_t rc;

	if (!reply_port)
		reply_port = hb_mach_reply_port();
	h->bits = HB_MSGH_BITS(HB_MSG_TYPE_COPY_SEND, HB_MSG_TYPE_MAKE_SEND_ONCE) | complex;
	h->size = send_size;
	h->local = reply_port;
	h->seqno = 0;
	rc = hb_mach_msg_trap(buf, HB_SEND_MSG | HB_RCV_MSG, send_size, rcv_size, reply_port, HB_MSG_TIMEOUT_NONE,
			      HB_PORT_NULL);
	if (rc != HB_MSG_SUCCESS)
		return rc;
	/* MIG_REPLY_MISMATCH and MIG_TYPE_ERROR, as MIG's stubs say them. */
	if (h->id != id + HB_MSGID_REPLY_OFFSET || h->size < sizeof *r)
		return -301;
	if (!same_type(r->ret_type, type_of(HB_MSG_TYPE_INTEGER_32, 32, 1)))
		return -300;
	return r->ret;
}

/* A routine whose reply is a send right: the right's name in *port when it succeeded. */
static hb_kern_return_t rpc_port(void *buf, uint32_t send_size, uint32_t complex, hb_port_t *port)
{
	struct hb_rpc_reply_port *r = buf;
	hb_kern_return_t kr = rpc(buf, send_size, sizeof *r, complex);

	if (kr != HB_KERN_SUCCESS)
		return kr;
	if (r->head.size != sizeof *r || !same_type(r->port_type, port_send_type))
		return -300;
	*port = r->port;
	return HB_KERN_SUCCESS;
}

static hb_kern_return_t rpc_target(hb_port_t target, int32_t id)
{
	union {
		struct hb_rpc_request_target req;
		struct hb_rpc_reply_ret rep;
	} m;

	m.req.head.remote = target;
	m.req.head.id = id;
	return rpc(&m, sizeof m.req, sizeof m.rep, 0);
}

hb_kern_return_t hb_task_create(hb_port_t parent, int inherit_memory, hb_port_t *child)
{
	union {
		struct hb_task_create_request req;
		struct hb_rpc_reply_port rep;
	} m;

	m.req.head.remote = parent;
	m.req.head.id = HB_MSGID_TASK_CREATE;
	m.req.inherit_memory_type = type_of(HB_MSG_TYPE_BOOLEAN, 32, 1);
	m.req.inherit_memory = inherit_memory ? 1 : 0;
	return rpc_port(&m, sizeof m.req, 0, child);
}

hb_kern_return_t hb_task_terminate(hb_port_t task)
{
	return rpc_target(task, HB_MSGID_TASK_TERMINATE);
}

hb_kern_return_t hb_thread_create(hb_port_t task, hb_port_t *thread)
{
	union {
		struct hb_rpc_request_target req;
		struct hb_rpc_reply_port rep;
	} m;

	m.req.head.remote = task;
	m.req.head.id = HB_MSGID_THREAD_CREATE;
	return rpc_port(&m, sizeof m.req, 0, thread);
}

hb_kern_return_t hb_thread_set_state(hb_port_t thread, const struct hb_i386_thread_state *state)
{
	union {
		struct hb_thread_set_state_request req;
		struct hb_rpc_reply_ret rep;
	} m;

	m.req.head.remote = thread;
	m.req.head.id = HB_MSGID_THREAD_SET_STATE;
	m.req.flavor_type = type_of(HB_MSG_TYPE_INTEGER_32, 32, 1);
	m.req.flavor = HB_I386_THREAD_STATE;
	m.req.new_state_type = type_of(HB_MSG_TYPE_INTEGER_32, 32, HB_I386_THREAD_STATE_COUNT);
	m.req.new_state = *state;
	return rpc(&m, sizeof m.req, sizeof m.rep, 0);
}

hb_kern_return_t hb_thread_resume(hb_port_t thread)
{
	return rpc_target(thread, HB_MSGID_THREAD_RESUME);
}

hb_kern_return_t hb_thread_terminate(hb_port_t thread)
{
	return rpc_target(thread, HB_MSGID_THREAD_TERMINATE);
}

hb_kern_return_t hb_io_perm_create(hb_port_t device_master, uint16_t from, uint16_t to, hb_port_t *io_perm)
{
	union {
		struct hb_io_perm_create_request req;
		struct hb_rpc_reply_port rep;
	} m;

	m.req.head.remote = device_master;
	m.req.head.id = HB_MSGID_I386_IO_PERM_CREATE;
	m.req.from_type = type_of(HB_MSG_TYPE_INTEGER_16, 16, 1);
	m.req.from = from;
	m.req.from_pad = 0;
	m.req.to_type = type_of(HB_MSG_TYPE_INTEGER_16, 16, 1);
	m.req.to = to;
	m.req.to_pad = 0;
	return rpc_port(&m, sizeof m.req, 0, io_perm);
}

hb_kern_return_t hb_io_perm_modify(hb_port_t task, hb_port_t io_perm, int enable)
{
	union {
		struct hb_io_perm_modify_request req;
		struct hb_rpc_reply_ret rep;
	} m;

	m.req.head.remote = task;
	m.req.head.id = HB_MSGID_I386_IO_PERM_MODIFY;
	m.req.io_perm_type = type_of(HB_MSG_TYPE_COPY_SEND, 32, 1);
	m.req.io_perm = io_perm;
	m.req.enable_type = type_of(HB_MSG_TYPE_BOOLEAN, 32, 1);
	m.req.enable = enable ? 1 : 0;
	return rpc(&m, sizeof m.req, sizeof m.rep, HB_MSGH_BITS_COMPLEX);
}

hb_kern_return_t hb_host_kernel_version(hb_port_t host, char *buf, size_t size)
{
	static union {
		struct hb_rpc_request_target req;
		struct hb_host_kernel_version_reply rep;
	} m; /* static: 556 bytes are more than a worker's frame should carry */
	hb_kern_return_t kr;
	size_t i;

	m.req.head.remote = host;
	m.req.head.id = HB_MSGID_HOST_KERNEL_VERSION;
	kr = rpc(&m, sizeof m.req, sizeof m.rep, 0);
	if (kr != HB_KERN_SUCCESS)
		return kr;
	if (m.rep.head.size != sizeof m.rep || !m.rep.version_type.header.longform ||
	    m.rep.version_type.name != HB_MSG_TYPE_STRING || m.rep.version_type.size != HB_KERNEL_VERSION_BYTES * 8)
		return -300;
	for (i = 0; i + 1 < size && i < HB_KERNEL_VERSION_BYTES && m.rep.version[i]; i++)
		buf[i] = m.rep.version[i];
	if (size)
		buf[i] = '\0';
	return HB_KERN_SUCCESS;
}
