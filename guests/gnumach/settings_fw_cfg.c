#include "console.h"
#include "fw_cfg_settings.h"
#include "io.h"
#include "settings_fw_cfg.h"

static int fw_out16(void *ctx, uint16_t port, uint16_t value)
{
	(void)ctx;
	hb_outw(port, value);
	return 0;
}

static int fw_in8(void *ctx, uint16_t port, uint8_t *value)
{
	(void)ctx;
	*value = hb_inb(port);
	return 0;
}

int hb_read_settings(struct hb_settings *s, int ports_granted, char *err, size_t err_size)
{
	struct hb_fw_cfg_io io = { fw_out16, fw_in8, NULL };
	char note[96];
	int result = hb_read_fw_cfg_settings(s, ports_granted ? &io : NULL, note, sizeof note, err, err_size);

	if (note[0])
		hb_printf("hb-gnumach: %s\n", note);
	return result;
}
