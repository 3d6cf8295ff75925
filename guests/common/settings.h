/*
 * The hb.NAME=VALUE settings words every payload accepts, parsed without libc so that guests with
 * no C library (seL4's root task) read them exactly as the Linux payload reads /proc/cmdline:
 * words split on blanks, only "hb." words with '=' count, and hb.* names nobody knows are left
 * alone because they may be meant for another payload version.
 */
#ifndef HB_SETTINGS_H
#define HB_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

/* Names this long or longer are not ours (the Linux payload drops them the same way). */
#define HB_SETTING_NAME_MAX 32

struct hb_settings {
	uint32_t iterations;
	uint32_t warmup;
	char bench[512]; /* comma-separated globs */
};

/* 10000 iterations, 1000 warm-up, every benchmark: what the Linux payload defaults to. */
void hb_settings_defaults(struct hb_settings *s);

/*
 * Calls fn for every "hb.NAME=VALUE" word in the first len bytes of text (or up to a NUL), with
 * NAME terminated and VALUE as value_len bytes that are not. Returns fn's first nonzero result,
 * else 0.
 */
typedef int (*hb_setting_fn)(void *ctx, const char *name, const char *value, size_t value_len);
int hb_setting_words(const char *text, size_t len, hb_setting_fn fn, void *ctx);

/* A decimal count in min..4294967295 (digits only); 0, or -1 when text is not one. */
int hb_parse_count(const char *text, size_t len, uint32_t min, uint32_t *out);

/*
 * Applies iterations, warmup or bench. Returns 0; 1 when name is none of these (so a payload can
 * add its own, like Linux's data); -1 with a message in err.
 */
int hb_settings_set(struct hb_settings *s, const char *name, const char *value, size_t value_len,
		    char *err, size_t err_size);

/* Applies every known hb.* word of text; 0, or -1 with a message in err at the first bad value. */
int hb_settings_from_text(struct hb_settings *s, const char *text, size_t len, char *err,
			  size_t err_size);

#endif
