#include <string.h>

#include "settings.h"

void hb_settings_defaults(struct hb_settings *s)
{
	s->iterations = 10000;
	s->warmup = 1000;
	s->bench[0] = '*';
	s->bench[1] = '\0';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int hb_setting_words(const char *text, size_t len, hb_setting_fn fn, void *ctx)
{
	static const char prefix[] = "hb.";
	const size_t plen = sizeof prefix - 1;
	size_t i = 0;

	while (i < len && text[i]) {
		size_t start, end, eq;
		char name[HB_SETTING_NAME_MAX];
		int rc;

		while (i < len && text[i] && is_blank(text[i]))
			i++;
		start = i;
		while (i < len && text[i] && !is_blank(text[i]))
			i++;
		end = i;
		if (end - start <= plen || memcmp(text + start, prefix, plen) != 0)
			continue;
		for (eq = start + plen; eq < end && text[eq] != '='; eq++)
			;
		if (eq == end || eq - (start + plen) >= sizeof name)
			continue;
		memcpy(name, text + start + plen, eq - (start + plen));
		name[eq - (start + plen)] = '\0';
		rc = fn(ctx, name, text + eq + 1, end - eq - 1);
		if (rc)
			return rc;
	}
	return 0;
}

int hb_parse_count(const char *text, size_t len, uint32_t min, uint32_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(text[i] - '0');
		/* The wire's SAMPLES index is a u32, so that bounds every count. */
		if (n > UINT32_MAX)
			return -1;
	}
	if (n < min)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

/* Appends src to the message in err without overrunning it; no snprintf in freestanding guests. */
static void append(char *err, size_t err_size, const char *src, size_t src_len)
{
	size_t used = strlen(err);

	while (src_len-- && *src && used + 1 < err_size)
		err[used++] = *src++;
	err[used] = '\0';
}

static void append_str(char *err, size_t err_size, const char *src)
{
	append(err, err_size, src, (size_t)-1);
}

int hb_settings_set(struct hb_settings *s, const char *name, const char *value, size_t value_len,
		    char *err, size_t err_size)
{
	int is_iterations = !strcmp(name, "iterations");

	if (err_size)
		err[0] = '\0';
	if (is_iterations || !strcmp(name, "warmup")) {
		uint32_t min = is_iterations ? 1 : 0;

		if (hb_parse_count(value, value_len, min, is_iterations ? &s->iterations : &s->warmup)) {
			append_str(err, err_size, name);
			append_str(err, err_size, ": '");
			append(err, err_size, value, value_len);
			append_str(err, err_size, is_iterations ? "' is not a count in 1..4294967295"
							: "' is not a count in 0..4294967295");
			return -1;
		}
		return 0;
	}
	if (strcmp(name, "bench"))
		return 1;
	if (value_len == 0 || value_len >= sizeof s->bench) {
		append_str(err, err_size, "bench: value empty or longer than 511 bytes");
		return -1;
	}
	memcpy(s->bench, value, value_len);
	s->bench[value_len] = '\0';
	return 0;
}

struct apply_ctx {
	struct hb_settings *s;
	char *err;
	size_t err_size;
};

static int apply_word(void *ctx, const char *name, const char *value, size_t value_len)
{
	struct apply_ctx *a = ctx;
	int rc = hb_settings_set(a->s, name, value, value_len, a->err, a->err_size);

	return rc < 0 ? -1 : 0;
}

int hb_settings_from_text(struct hb_settings *s, const char *text, size_t len, char *err,
			  size_t err_size)
{
	struct apply_ctx a = { s, err, err_size };

	return hb_setting_words(text, len, apply_word, &a);
}
