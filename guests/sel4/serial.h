/*
 * 16550 UARTs polled through IOPort caps: COM1 carries the console lines a human (and the
 * harness's diagnosis) reads, COM2 the binary data channel.
 */
#ifndef HB_SEL4_SERIAL_H
#define HB_SEL4_SERIAL_H

#include <stddef.h>

#include "ioport.h"

#define HB_COM1 0x3f8
#define HB_COM2 0x2f8

struct hb_uart {
	struct hb_ioport io;
	uint16_t base;
	int failed; /* a port access was refused: bytes were lost */
};

/* Issues the port cap and sets 115200 8N1 with FIFOs on; 0, or -1 (then writes are dropped). */
int hb_uart_init(struct hb_uart *u, uint16_t base);

void hb_uart_write(struct hb_uart *u, const void *buf, size_t len);

/* Returns once the transmitter is empty (LSR TEMT): the last byte has left the UART. */
void hb_uart_drain(struct hb_uart *u);

#endif
