#include "console.h"
#include "fmt.h"
#include "fw_cfg.h"
#include "io.h"
#include "settings_fw_cfg.h"

#define SETTINGS_FILE "opt/hb/cmdline"
#define SETTINGS_MAX_BYTES 2048

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
	static char text[SETTINGS_MAX_BYTES];
	struct hb_fw_cfg_io io = { fw_out16, fw_in8, NULL };
	long n;

	hb_settings_defaults(s);
	if (!ports_granted) {
		hb_printf("hb-gnumach: cannot get the fw_cfg ports, using default settings\n");
		return 0;
	}
	if (hb_fw_cfg_present(&io) != 1) {
		hb_printf("hb-gnumach: no fw_cfg device, using default settings\n");
		return 0;
	}
	n = hb_fw_cfg_read_file(&io, SETTINGS_FILE, text, sizeof text - 1);
	if (n == -1) {
		hb_printf("hb-gnumach: no fw_cfg file %s, using default settings\n", SETTINGS_FILE);
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
