/*
 * x86 I/O ports from user mode. GNU Mach grants a task a range of ports with an I/O permission
 * port (i386_io_perm_create on the device master port) switched on for the task
 * (i386_io_perm_modify): the kernel then opens the range in the task's I/O bitmap, and in/out
 * instructions reach the device directly, with no kernel entry per access.
 */
#ifndef HB_GNUMACH_IO_H
#define HB_GNUMACH_IO_H

#include <stdint.h>

#include "mach.h"

/* Grants the calling task ports first..last; 0, or the kernel's error. */
hb_kern_return_t hb_io_grant(hb_port_t device_master, uint16_t first, uint16_t last);

static inline void hb_outb(uint16_t port, uint8_t value)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void hb_outw(uint16_t port, uint16_t value)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t hb_inb(uint16_t port)
{
	uint8_t value;

	__asm__ __volatile__("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

#endif
