/*
 * The trap stubs: <mach/i386/syscall_sw.h>'s kernel_trap() as it is without a C library. Each
 * loads the (negative) trap number into %eax and enters the kernel through the call gate at
 * selector 7; the kernel finds the arguments on the user stack above the stub's return address,
 * so C calls these like any cdecl function, and the result comes back in %eax.
 */
#include "mach.h"

#define STR(x) #x
#define XSTR(x) STR(x)
#define TRAP(name, number)                                  \
	__asm__(".text\n"                                   \
		".globl " #name "\n"                        \
		".type " #name ", @function\n"              \
		".p2align 4\n" #name ":\n"                  \
		"	movl $(" XSTR(number) "), %eax\n"    \
		"	lcall $7, $0\n"                      \
		"	ret\n"                               \
		".size " #name ", . - " #name "\n")

TRAP(hb_mach_msg_trap, HB_TRAP_MACH_MSG);
TRAP(hb_mach_reply_port, HB_TRAP_MACH_REPLY_PORT);
TRAP(hb_mach_thread_self, HB_TRAP_MACH_THREAD_SELF);
TRAP(hb_mach_task_self, HB_TRAP_MACH_TASK_SELF);
TRAP(hb_mach_host_self, HB_TRAP_MACH_HOST_SELF);
TRAP(hb_mach_print, HB_TRAP_MACH_PRINT);
TRAP(hb_swtch, HB_TRAP_SWTCH);
TRAP(hb_thread_switch, HB_TRAP_THREAD_SWITCH);
TRAP(hb_vm_allocate, HB_TRAP_VM_ALLOCATE);
TRAP(hb_vm_deallocate, HB_TRAP_VM_DEALLOCATE);
TRAP(hb_mach_port_deallocate, HB_TRAP_MACH_PORT_DEALLOCATE);
TRAP(hb_mach_port_insert_right, HB_TRAP_MACH_PORT_INSERT_RIGHT);
