/*
 * The payload's settings: the hb.* words of QEMU's fw_cfg file opt/hb/cmdline, read through the
 * fw_cfg I/O ports the task was granted, as the seL4 root task reads them.
 */
#ifndef HB_GNUMACH_SETTINGS_FW_CFG_H
#define HB_GNUMACH_SETTINGS_FW_CFG_H

#include <stddef.h>

#include "settings.h"

/*
 * Defaults unless fw_cfg has the harness's file (saying so on the console); -1 with err only
 * when the file cannot be read whole or a value in it is not valid.
 */
int hb_read_settings(struct hb_settings *s, int ports_granted, char *err, size_t err_size);

#endif
