#include "fw_cfg_settings.h"
#include "fmt.h"

#define SETTINGS_FILE "opt/hb/cmdline"
#define SETTINGS_MAX_BYTES 2048

int hb_read_fw_cfg_settings(struct hb_settings *s, const struct hb_fw_cfg_io *io, char *note, size_t note_size, char *err,
			    size_t err_size)
{
	static char text[SETTINGS_MAX_BYTES];
	long n;

	hb_settings_defaults(s);
	note[0] = '\0';
	if (!io) {
		hb_fmt(note, note_size, "cannot get the fw_cfg ports, using default settings");
		return 0;
	}
	if (hb_fw_cfg_present(io) != 1) {
		hb_fmt(note, note_size, "no fw_cfg device, using default settings");
		return 0;
	}
	n = hb_fw_cfg_read_file(io, SETTINGS_FILE, text, sizeof text - 1);
	if (n == -1) {
		hb_fmt(note, note_size, "no fw_cfg file %s, using default settings", SETTINGS_FILE);
		return 0;
	}
	if (n < 0) {
		hb_fmt(err, err_size, "reading fw_cfg file %s failed", SETTINGS_FILE);
		return -1;
	}
	if ((size_t)n > sizeof text - 1) {
		hb_fmt(err, err_size, "fw_cfg file %s has %ld bytes, more than the %zu read", SETTINGS_FILE, n, sizeof text - 1);
		return -1;
	}
	text[n] = '\0';
	return hb_settings_from_text(s, text, (size_t)n, err, err_size);
}
