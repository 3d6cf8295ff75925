#include "console.h"
#include "fw_cfg_settings.h"
#include "ioport.h"
#include "settings_fw_cfg.h"

static struct hb_ioport fw_cfg_ports;

static int fw_out16(void *ctx, uint16_t port, uint16_t value)
{
	return hb_out16(ctx, port, value);
}

static int fw_in8(void *ctx, uint16_t port, uint8_t *value)
{
	return hb_in8(ctx, port, value);
}

int hb_read_settings(struct hb_settings *s, char *err, size_t err_size)
{
	struct hb_fw_cfg_io io = { fw_out16, fw_in8, &fw_cfg_ports };
	char note[96];
	int granted = hb_ioport_issue(&fw_cfg_ports, HB_FW_CFG_PORT_SELECTOR, HB_FW_CFG_PORT_DATA) == seL4_NoError;
	int result = hb_read_fw_cfg_settings(s, granted ? &io : NULL, note, sizeof note, err, err_size);

	if (note[0])
		hb_printf("hb-sel4: %s\n", note);
	return result;
}
