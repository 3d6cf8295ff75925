/*
 * The root task's ELF entry. The kernel starts it with the bootinfo pointer in rdi and no stack
 * at all, so the first instructions must provide one before any C runs.
 */
#include <stdint.h>

#define BOOT_STACK_BYTES 65536
#define STR(x) #x
#define XSTR(x) STR(x)

__attribute__((used, aligned(16))) uint8_t hb_boot_stack[BOOT_STACK_BYTES];

/* rdi still holds the bootinfo pointer: it becomes hb_sel4_main's first argument. */
__asm__(".section .text.hb_start, \"ax\", @progbits\n"
	".global _start\n"
	".type _start, @function\n"
	"_start:\n"
	"	leaq hb_boot_stack+" XSTR(BOOT_STACK_BYTES) "(%rip), %rsp\n"
	"	xorl %ebp, %ebp\n"
	"	call hb_sel4_main\n"
	"	ud2\n" /* hb_sel4_main never returns; if it did, a fault beats running on */
	".size _start, . - _start\n"
	".previous\n");
