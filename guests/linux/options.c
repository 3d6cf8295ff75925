#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

void hb_options_defaults(struct hb_options *o)
{
	o->iterations = 10000;
	o->warmup = 1000;
	snprintf(o->bench, sizeof o->bench, "*");
	snprintf(o->data, sizeof o->data, "/dev/ttyS1");
}

/* value is value_len bytes, not necessarily terminated (it may point into the command line). */
static int set_option(struct hb_options *o, const char *name, const char *value, size_t value_len,
		      char *err, size_t err_size)
{
	char text[512];
	char *target = NULL;
	size_t target_size = 0;

	if (value_len >= sizeof text) {
		snprintf(err, err_size, "%s: value too long", name);
		return -1;
	}
	memcpy(text, value, value_len);
	text[value_len] = '\0';

	if (!strcmp(name, "iterations") || !strcmp(name, "warmup")) {
		unsigned long long n;
		char *end;

		errno = 0;
		n = strtoull(text, &end, 10);
		/* The wire's SAMPLES index is a u32, so that bounds both counts. */
		if (errno || end == text || *end || text[0] == '-' || n > UINT32_MAX ||
		    (n == 0 && !strcmp(name, "iterations"))) {
			snprintf(err, err_size, "%s: '%s' is not a count in %s..4294967295", name, text,
				 strcmp(name, "iterations") ? "0" : "1");
			return -1;
		}
		*(name[0] == 'i' ? &o->iterations : &o->warmup) = (uint32_t)n;
		return 0;
	}
	if (!strcmp(name, "bench")) {
		target = o->bench;
		target_size = sizeof o->bench;
	} else if (!strcmp(name, "data")) {
		target = o->data;
		target_size = sizeof o->data;
	}
	if (!target) {
		snprintf(err, err_size, "unknown option '%s'", name);
		return -1;
	}
	if (value_len == 0 || value_len >= target_size) {
		snprintf(err, err_size, "%s: value empty or longer than %zu bytes", name, target_size - 1);
		return -1;
	}
	memcpy(target, text, value_len + 1);
	return 0;
}

int hb_options_from_cmdline(struct hb_options *o, const char *cmdline, char *err, size_t err_size)
{
	static const char prefix[] = "hb.";
	const char *p = cmdline;

	while (*p) {
		const char *word, *eq;
		size_t len;
		char name[32];

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		word = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		len = (size_t)(p - word);
		if (len <= sizeof prefix - 1 || strncmp(word, prefix, sizeof prefix - 1) != 0)
			continue;
		eq = memchr(word, '=', len);
		/* Other hb.* words may be meant for someone else (e.g. a later payload version). */
		if (!eq || (size_t)(eq - word) - (sizeof prefix - 1) >= sizeof name)
			continue;
		memcpy(name, word + sizeof prefix - 1, (size_t)(eq - word) - (sizeof prefix - 1));
		name[(size_t)(eq - word) - (sizeof prefix - 1)] = '\0';
		if (strcmp(name, "iterations") && strcmp(name, "warmup") && strcmp(name, "bench") &&
		    strcmp(name, "data"))
			continue;
		if (set_option(o, name, eq + 1, (size_t)(word + len - eq - 1), err, err_size))
			return -1;
	}
	return 0;
}

int hb_options_from_argv(struct hb_options *o, int argc, char **argv, char *err, size_t err_size)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (strncmp(arg, "--", 2) != 0 || i + 1 >= argc) {
			snprintf(err, err_size, "'%s': expected --iterations, --warmup, --bench or --data with a value", arg);
			return -1;
		}
		if (set_option(o, arg + 2, argv[i + 1], strlen(argv[i + 1]), err, err_size))
			return -1;
		i++;
	}
	return 0;
}
