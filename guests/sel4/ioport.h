/*
 * x86 I/O ports through IOPort capabilities: a release kernel has no debug console, so the root
 * task drives the UARTs, fw_cfg and isa-debug-exit itself, one kernel invocation per access.
 */
#ifndef HB_SEL4_IOPORT_H
#define HB_SEL4_IOPORT_H

#include <stdint.h>

#include <sel4/sel4.h>

struct hb_ioport {
	seL4_CPtr cap;
	uint16_t first, last;
};

/*
 * Issues a cap for ports first..last from seL4_CapIOPortControl into a fresh slot. The kernel
 * hands out each port once, so every range is issued once, at start-up.
 */
seL4_Error hb_ioport_issue(struct hb_ioport *p, uint16_t first, uint16_t last);

/* 0, or -1 when the kernel refused (no cap, port outside the cap's range). */
int hb_out8(const struct hb_ioport *p, uint16_t port, uint8_t value);
int hb_out16(const struct hb_ioport *p, uint16_t port, uint16_t value);
int hb_in8(const struct hb_ioport *p, uint16_t port, uint8_t *value);

#endif
