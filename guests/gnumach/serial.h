/*
 * 16550 UARTs polled through I/O ports the task was granted: COM1 carries the console lines (the
 * kernel's console is there too, console=com0), COM2 the binary data channel.
 */
#ifndef HB_GNUMACH_SERIAL_H
#define HB_GNUMACH_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#define HB_COM1 0x3f8
#define HB_COM2 0x2f8

struct hb_uart {
	uint16_t base;
	int ready; /* the ports were granted */
};

/*
 * Takes the UART at base for writing once its ports are granted. With program set, sets 115200
 * 8N1 with FIFOs on and interrupts off; without, leaves it as the kernel set it up (COM1, its
 * console).
 */
void hb_uart_init(struct hb_uart *u, uint16_t base, int program);

void hb_uart_write(struct hb_uart *u, const void *buf, size_t len);

/* Returns once the transmitter is empty (LSR TEMT): the last byte has left the UART. */
void hb_uart_drain(struct hb_uart *u);

#endif
