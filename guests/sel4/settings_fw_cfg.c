#include "console.h"
#include "fmt.h"
#include "fw_cfg.h"
#include "ioport.h"
#include "settings_fw_cfg.h"

#define SETTINGS_FILE "opt/hb/cmdline"
#define SETTINGS_MAX_BYTES 2048

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
	static char text[SETTINGS_MAX_BYTES];
	struct hb_fw_cfg_io io = { fw_out16, fw_in8, &fw_cfg_ports };
	long n;

	hb_settings_defaults(s);
	if (hb_ioport_issue(&fw_cfg_ports, HB_FW_CFG_PORT_SELECTOR, HB_FW_CFG_PORT_DATA) != seL4_NoError) {
		hb_printf("hb-sel4: cannot get the fw_cfg ports, using default settings\n");
		return 0;
	}
	if (hb_fw_cfg_present(&io) != 1) {
		hb_printf("hb-sel4: no fw_cfg device, using default settings\n");
		return 0;
	}
	n = hb_fw_cfg_read_file(&io, SETTINGS_FILE, text, sizeof text - 1);
	if (n == -1) {
		hb_printf("hb-sel4: no fw_cfg file %s, using default settings\n", SETTINGS_FILE);
		return 0;
	}
	if (n < 0) {
		hb_fmt(err, err_size, "reading fw_cfg file %s failed", SETTINGS_FILE);
		return -1;
	}
	if ((size_t)n > sizeof text - 1) {
		hb_fmt(err, err_size, "fw_cfg file %s has %ld bytes, more than the %zu read", SETTINGS_FILE, n,
		       sizeof text - 1);
		return -1;
	}
	text[n] = '\0';
	return hb_settings_from_text(s, text, (size_t)n, err, err_size);
}
