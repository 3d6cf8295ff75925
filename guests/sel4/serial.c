#include "serial.h"
#include "uart16550.h"

static int out(struct hb_uart *u, uint16_t reg, uint8_t value)
{
	if (u->failed || hb_out8(&u->io, (uint16_t)(u->base + reg), value)) {
		u->failed = 1;
		return -1;
	}
	return 0;
}

/* Waits for a bit of LSR; gives up (marking the UART failed) only if the port read is refused. */
static int wait_lsr(struct hb_uart *u, uint8_t bit)
{
	uint8_t lsr;

	while (!u->failed) {
		if (hb_in8(&u->io, (uint16_t)(u->base + REG_LSR), &lsr)) {
			u->failed = 1;
			break;
		}
		if (lsr & bit)
			return 0;
	}
	return -1;
}

int hb_uart_init(struct hb_uart *u, uint16_t base)
{
	u->base = base;
	u->failed = 0;
	if (hb_ioport_issue(&u->io, base, (uint16_t)(base + 7)) != seL4_NoError) {
		u->failed = 1;
		return -1;
	}
	/* Polled only: no interrupts, which the root task has no handler for. */
	out(u, REG_IER, 0);
	out(u, REG_LCR, LCR_DLAB);
	out(u, REG_DATA, 1); /* divisor 1: 115200 baud, which QEMU ignores but hardware would not */
	out(u, REG_IER, 0);
	out(u, REG_LCR, LCR_8N1);
	out(u, REG_FCR, FCR_ENABLE_CLEAR);
	out(u, REG_MCR, MCR_DTR_RTS);
	return u->failed ? -1 : 0;
}

void hb_uart_write(struct hb_uart *u, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len-- && !u->failed) {
		if (wait_lsr(u, LSR_THRE))
			break;
		out(u, REG_DATA, *p++);
	}
}

void hb_uart_drain(struct hb_uart *u)
{
	wait_lsr(u, LSR_TEMT);
}
