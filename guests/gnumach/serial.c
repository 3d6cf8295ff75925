#include "io.h"
#include "serial.h"
#include "uart16550.h"

void hb_uart_init(struct hb_uart *u, uint16_t base, int program)
{
	u->base = base;
	u->ready = 1;
	if (!program)
		return;
	/* Polled only: no interrupts; the kernel has no driver open on it. */
	hb_outb((uint16_t)(base + REG_IER), 0);
	hb_outb((uint16_t)(base + REG_LCR), LCR_DLAB);
	hb_outb((uint16_t)(base + REG_DATA), 1); /* divisor 1: 115200 baud, which QEMU ignores */
	hb_outb((uint16_t)(base + REG_IER), 0);
	hb_outb((uint16_t)(base + REG_LCR), LCR_8N1);
	hb_outb((uint16_t)(base + REG_FCR), FCR_ENABLE_CLEAR);
	hb_outb((uint16_t)(base + REG_MCR), MCR_DTR_RTS);
}

static void wait_lsr(const struct hb_uart *u, uint8_t bit)
{
	while (!(hb_inb((uint16_t)(u->base + REG_LSR)) & bit))
		;
}

void hb_uart_write(struct hb_uart *u, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!u->ready)
		return;
	while (len--) {
		wait_lsr(u, LSR_THRE);
		hb_outb((uint16_t)(u->base + REG_DATA), *p++);
	}
}

void hb_uart_drain(struct hb_uart *u)
{
	if (u->ready)
		wait_lsr(u, LSR_TEMT);
}
