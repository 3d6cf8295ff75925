#include <stdarg.h>

#include "console.h"
#include "fmt.h"

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
	if (console && !console->failed) {
		hb_uart_write(console, line, n);
		return;
	}
#ifdef CONFIG_PRINTING
	/* Before COM1 works, or if it never does, a debug kernel can still say why. */
	for (size_t i = 0; i < n; i++)
		seL4_DebugPutChar(line[i]);
#endif
}
