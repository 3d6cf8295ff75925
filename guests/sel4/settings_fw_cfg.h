/*
 * The root task's settings: the hb.* words of QEMU's fw_cfg file opt/hb/cmdline, which stands in
 * for the kernel command line a root task does not have.
 */
#ifndef HB_SEL4_SETTINGS_FW_CFG_H
#define HB_SEL4_SETTINGS_FW_CFG_H

#include <stddef.h>

#include "settings.h"

/*
 * Defaults unless fw_cfg has the harness's file (saying so on the console); -1 with err only
 * when the file cannot be read whole or a value in it is not valid.
 */
int hb_read_settings(struct hb_settings *s, char *err, size_t err_size);

#endif
