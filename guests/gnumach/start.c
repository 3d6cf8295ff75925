/*
 * The payload's ELF entry. GNU Mach's bootstrap (kern/bootstrap.c, build_args_and_stack) starts
 * the boot-script task like a Unix program: %esp points at argc, then the argv pointers and a NULL,
 * then the environment's and a NULL, on a 128 KiB stack the kernel allocated.
 */
__asm__(".text\n"
	".globl _start\n"
	".type _start, @function\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	movl (%esp), %eax\n"      /* argc */
	"	leal 4(%esp), %edx\n"     /* argv */
	"	andl $-16, %esp\n"        /* the i386 ABI's 16-byte alignment at each call */
	"	subl $8, %esp\n"
	"	pushl %edx\n"
	"	pushl %eax\n"
	"	call hb_gnumach_main\n"
	"	ud2\n"                    /* hb_gnumach_main never returns */
	".size _start, . - _start\n");
