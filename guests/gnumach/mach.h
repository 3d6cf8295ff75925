/*
 * The slice of GNU Mach's user interface the payload needs, written out by hand: there is no MIG
 * and no C library here. Values are those of gnumach-dev 1.8 (i386): <mach/message.h>,
 * <mach/port.h>, <mach/thread_switch.h>, <mach/i386/thread_status.h> and the trap table of
 * <mach/syscall_sw.h>. test/guests/gnumach/layout.test.ts compiles this header beside the
 * official ones and checks every number and layout against them.
 *
 * Names carry an hb_ / HB_ prefix so the two can be compiled together in that test.
 */
#ifndef HB_GNUMACH_MACH_H
#define HB_GNUMACH_MACH_H

#include <stdint.h>

typedef uint32_t hb_port_t;    /* mach_port_t: a name in the task's port space */
typedef int32_t hb_kern_return_t;

#define HB_PORT_NULL 0u
#define HB_KERN_SUCCESS 0
#define HB_KERN_INVALID_ARGUMENT 4 /* what kern_invalid, behind every unassigned trap, returns */

/* <mach/message.h>: the header every message starts with (mach_msg_header_t). */
struct hb_msg_header {
	uint32_t bits;   /* msgh_bits: dispositions of the remote and local ports, COMPLEX */
	uint32_t size;   /* msgh_size: bytes, header included; a multiple of 4 */
	hb_port_t remote; /* msgh_remote_port: the destination */
	hb_port_t local;  /* msgh_local_port: the reply port */
	uint32_t seqno;  /* msgh_seqno: set by the kernel on receive */
	int32_t id;      /* msgh_id: the routine's number (gnumach.msgids) */
};

/* mach_msg_type_t: describes the data item that follows it in the body (short form). */
struct hb_msg_type {
	uint32_t name : 8;   /* msgt_name: HB_MSG_TYPE_* */
	uint32_t size : 8;   /* msgt_size: bits per element */
	uint32_t number : 12; /* msgt_number: elements */
	uint32_t is_inline : 1; /* msgt_inline: the data follows in the message */
	uint32_t longform : 1;
	uint32_t deallocate : 1;
	uint32_t unused : 1;
};

/* mach_msg_type_long_t: the long form, for items whose size or count the short form cannot hold. */
struct hb_msg_type_long {
	struct hb_msg_type header; /* longform set; name, size and number unused */
	uint16_t name;
	uint16_t size;
	uint32_t number;
};

/* mach_msg_type_name_t values. */
#define HB_MSG_TYPE_INTEGER_16 1
#define HB_MSG_TYPE_INTEGER_32 2
#define HB_MSG_TYPE_BOOLEAN 0
#define HB_MSG_TYPE_CHAR 8
#define HB_MSG_TYPE_STRING 12
#define HB_MSG_TYPE_MOVE_RECEIVE 16
#define HB_MSG_TYPE_MOVE_SEND 17
#define HB_MSG_TYPE_MOVE_SEND_ONCE 18
#define HB_MSG_TYPE_COPY_SEND 19
#define HB_MSG_TYPE_MAKE_SEND 20
#define HB_MSG_TYPE_MAKE_SEND_ONCE 21
#define HB_MSG_TYPE_PORT_SEND HB_MSG_TYPE_MOVE_SEND /* what a received send right is called */

/* msgh_bits: MACH_MSGH_BITS(remote, local) and MACH_MSGH_BITS_COMPLEX (ports or out-of-line data in the body). */
#define HB_MSGH_BITS(remote, local) ((uint32_t)(remote) | ((uint32_t)(local) << 8))
#define HB_MSGH_BITS_COMPLEX 0x80000000u

/* mach_msg options and return codes. */
#define HB_SEND_MSG 0x00000001u
#define HB_RCV_MSG 0x00000002u
#define HB_MSG_SUCCESS 0
#define HB_MSG_TIMEOUT_NONE 0u

/* <mach/port.h> */
#define HB_PORT_RIGHT_RECEIVE 1

/* <mach/thread_switch.h> */
#define HB_SWITCH_OPTION_NONE 0

/* <mach/i386/thread_status.h>: flavor i386_THREAD_STATE and its layout. */
#define HB_I386_THREAD_STATE 1
struct hb_i386_thread_state {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp; /* esp: ignored by the kernel; the stack pointer is uesp */
	uint32_t ebx, edx, ecx, eax;
	uint32_t eip, cs, efl, uesp, ss;
};
#define HB_I386_THREAD_STATE_COUNT (sizeof(struct hb_i386_thread_state) / sizeof(uint32_t))

/*
 * Trap numbers (<mach/syscall_sw.h>): user code enters the kernel with `lcall $7,$0` and %eax =
 * the trap number, a negative number; the kernel copies the arguments from the user stack, just
 * above the stub's return address, so each stub is an ordinary cdecl function (traps.c).
 */
#define HB_TRAP_MACH_MSG (-25)
#define HB_TRAP_MACH_REPLY_PORT (-26)
#define HB_TRAP_MACH_THREAD_SELF (-27)
#define HB_TRAP_MACH_TASK_SELF (-28)
#define HB_TRAP_MACH_HOST_SELF (-29)
#define HB_TRAP_MACH_PRINT (-30) /* only in kernels built with the kernel debugger (Debian's are) */
#define HB_TRAP_SWTCH (-60)
#define HB_TRAP_THREAD_SWITCH (-61)
#define HB_TRAP_VM_ALLOCATE (-65)             /* syscall_vm_allocate */
#define HB_TRAP_VM_DEALLOCATE (-66)           /* syscall_vm_deallocate */
#define HB_TRAP_MACH_PORT_DEALLOCATE (-73)    /* syscall_mach_port_deallocate */
#define HB_TRAP_MACH_PORT_INSERT_RIGHT (-74) /* syscall_mach_port_insert_right */
/*
 * No trap: slot 100 of the 130-entry trap table (kern/syscall_sw.c), one of the unassigned slots
 * that hold kern_invalid. Numbers beyond the table raise an invalid-opcode exception instead.
 */
#define HB_TRAP_UNASSIGNED (-100)

/* mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout, notify) */
int32_t hb_mach_msg_trap(void *msg, uint32_t option, uint32_t send_size, uint32_t rcv_size, hb_port_t rcv_name,
			 uint32_t timeout, hb_port_t notify);
/* A new receive right in the caller's space, for replies. */
hb_port_t hb_mach_reply_port(void);
/* A send right to the caller's own thread / task (one more user reference each call). */
hb_port_t hb_mach_thread_self(void);
hb_port_t hb_mach_task_self(void);
/* A send right to the host's name port. */
hb_port_t hb_mach_host_self(void);
/* Prints a NUL-terminated string on the kernel console (debug kernels only). */
void hb_mach_print(const char *s);
/* Gives up the CPU if another thread is runnable; returns at once (FALSE) when none is. */
int32_t hb_swtch(void);
/* Hands the CPU to thread (a name of its thread port) with option HB_SWITCH_OPTION_*. */
hb_kern_return_t hb_thread_switch(hb_port_t thread, int32_t option, uint32_t option_time);
/* vm_allocate(task, &address, size, anywhere) as a trap: zero-filled memory, mapped on first touch. */
hb_kern_return_t hb_vm_allocate(hb_port_t task, uint32_t *address, uint32_t size, int anywhere);
/* vm_deallocate(task, address, size) as a trap: the region unmapped and its memory freed. */
hb_kern_return_t hb_vm_deallocate(hb_port_t task, uint32_t address, uint32_t size);
/* mach_port_deallocate(task, name) as a trap: drops one user reference of a send right. */
hb_kern_return_t hb_mach_port_deallocate(hb_port_t task, hb_port_t name);
/* mach_port_insert_right(task, name, right, right_type) as a trap: right is a name in the caller's space. */
hb_kern_return_t hb_mach_port_insert_right(hb_port_t task, hb_port_t name, hb_port_t right, uint32_t right_type);

#endif
