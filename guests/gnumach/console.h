/* Human-readable lines on COM1 ("hb-gnumach: ..."), which the harness keeps as the console log. */
#ifndef HB_GNUMACH_CONSOLE_H
#define HB_GNUMACH_CONSOLE_H

#include "serial.h"

void hb_console_init(struct hb_uart *com1);

void hb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
