/*
 * QEMU's fw_cfg device through its x86 I/O ports: how guests without a kernel command line of
 * their own (a seL4 root task) get the harness's settings, passed with -fw_cfg name=...,string=...
 * The guest supplies the port accessors, so any OS that can reach I/O ports can use it.
 */
#ifndef HB_FW_CFG_H
#define HB_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#define HB_FW_CFG_PORT_SELECTOR 0x510 /* 16-bit write: which item the data port reads */
#define HB_FW_CFG_PORT_DATA 0x511     /* 8-bit read: the next byte of the selected item */

struct hb_fw_cfg_io {
	/* Return 0, or -1 when the port cannot be reached (the read then fails as a whole). */
	int (*out16)(void *ctx, uint16_t port, uint16_t value);
	int (*in8)(void *ctx, uint16_t port, uint8_t *value);
	void *ctx;
};

/* 1 when the device answers with its "QEMU" signature, 0 when not, -1 when port I/O failed. */
int hb_fw_cfg_present(const struct hb_fw_cfg_io *io);

/*
 * Reads the file called name (e.g. "opt/hb/cmdline") into buf, at most size bytes. Returns the
 * file's whole size (which may exceed size), -1 when there is no such file, -2 when port I/O
 * failed.
 */
long hb_fw_cfg_read_file(const struct hb_fw_cfg_io *io, const char *name, void *buf, size_t size);

#endif
