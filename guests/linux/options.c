#include <stdio.h>
#include <string.h>

#include "options.h"

void hb_options_defaults(struct hb_options *o)
{
	hb_settings_defaults(&o->settings);
	snprintf(o->data, sizeof o->data, "/dev/ttyS1");
	o->peers = 0;
	o->cpu_up = HB_CPU_UP_NONE;
	o->fault = HB_FAULT_NONE;
}

/* A comma list of peer names ("perf"); empty means none. Returns 0, or -1 with a message. */
static int set_peers(struct hb_options *o, const char *value, size_t value_len, char *err, size_t err_size)
{
	unsigned peers = 0;
	size_t i = 0;

	while (i < value_len) {
		size_t start = i;

		while (i < value_len && value[i] != ',')
			i++;
		if (i - start == 4 && !memcmp(value + start, "perf", 4)) {
			peers |= HB_PEER_PERF;
		} else {
			snprintf(err, err_size, "peers: '%.*s' is not a known peer (known: perf)", (int)(i - start),
				 value + start);
			return -1;
		}
		i++; /* past the comma */
	}
	o->peers = peers;
	return 0;
}

/* Returns 0, -1 with a message in err, or 1 when name is no setting of this payload. */
static int set_option(struct hb_options *o, const char *name, const char *value, size_t value_len,
		      char *err, size_t err_size)
{
	int rc = hb_settings_set(&o->settings, name, value, value_len, err, err_size);

	if (rc > 0 && !strcmp(name, "peers"))
		return set_peers(o, value, value_len, err, err_size);
	if (rc > 0 && !strcmp(name, "cpuup"))
		return hb_cpu_up_parse(value, value_len, &o->cpu_up, err, err_size);
	if (rc > 0 && !strcmp(name, "fault"))
		return hb_fault_parse(value, value_len, &o->fault, err, err_size);
	if (rc <= 0 || strcmp(name, "data"))
		return rc;
	if (value_len == 0 || value_len >= sizeof o->data) {
		snprintf(err, err_size, "data: value empty or longer than %zu bytes", sizeof o->data - 1);
		return -1;
	}
	memcpy(o->data, value, value_len);
	o->data[value_len] = '\0';
	return 0;
}

struct cmdline_ctx {
	struct hb_options *o;
	char *err;
	size_t err_size;
};

static int on_word(void *ctx, const char *name, const char *value, size_t value_len)
{
	struct cmdline_ctx *c = ctx;

	/* Other hb.* words may be meant for someone else (e.g. a later payload version). */
	return set_option(c->o, name, value, value_len, c->err, c->err_size) < 0 ? -1 : 0;
}

int hb_options_from_cmdline(struct hb_options *o, const char *cmdline, char *err, size_t err_size)
{
	struct cmdline_ctx c = { o, err, err_size };

	return hb_setting_words(cmdline, strlen(cmdline), on_word, &c) ? -1 : 0;
}

int hb_options_from_argv(struct hb_options *o, int argc, char **argv, char *err, size_t err_size)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (strncmp(arg, "--", 2) != 0 || i + 1 >= argc) {
			snprintf(err, err_size, "'%s': expected --iterations, --warmup, --bench, --data, --peers or --cpuup with a value", arg);
			return -1;
		}
		int rc = set_option(o, arg + 2, argv[i + 1], strlen(argv[i + 1]), err, err_size);
		if (rc > 0)
			snprintf(err, err_size, "unknown option '%s'", arg);
		if (rc)
			return -1;
		i++;
	}
	return 0;
}
