#include <stdarg.h>

#include "console.h"
#include "fmt.h"
#include "mach.h"

static struct hb_uart *console;

void hb_console_init(struct hb_uart *com1)
{
	console = com1;
}

void hb_printf(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = hb_vfmt(line, sizeof line, fmt, ap);
	va_end(ap);
	if (console && console->ready) {
		hb_uart_write(console, line, n);
		return;
	}
	/* Before COM1 is ours, or if it never is: the kernel's console, through its debugger's trap. */
	hb_mach_print(line);
}
