/*
 * Settings for payloads that have no kernel command line of their own (seL4, GNU Mach): the hb.*
 * words of QEMU's fw_cfg file opt/hb/cmdline, read through the fw_cfg I/O ports.
 */
#ifndef HB_BARE_FW_CFG_SETTINGS_H
#define HB_BARE_FW_CFG_SETTINGS_H

#include <stddef.h>

#include "fw_cfg.h"
#include "settings.h"

/*
 * Fills *s from fw_cfg, or with the defaults when there is nothing to read (io NULL: the ports
 * could not be had; no fw_cfg device; no such file), saying which in note. Returns 0, or -1 with
 * err set when the file is there but unreadable or too long.
 */
int hb_read_fw_cfg_settings(struct hb_settings *s, const struct hb_fw_cfg_io *io, char *note, size_t note_size, char *err,
			    size_t err_size);

#endif
