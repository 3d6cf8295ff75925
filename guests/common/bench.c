#include <string.h>

#include "bench.h"
#include "wire_emit.h"

void hb_bench_vcpu_list(const struct hb_bench *b, char *buf, size_t size)
{
	size_t len = 0;
	uint32_t i, j;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < b->participants && i < HB_MAX_PARTICIPANTS; i++) {
		char dec[21];
		size_t n;

		for (j = 0; j < i && b->cpu[j] != b->cpu[i]; j++)
			;
		if (j < i)
			continue;
		n = hb_u64_to_dec(dec, b->cpu[i]);
		if (len + (len > 0) + n + 1 > size)
			return;
		if (len > 0)
			buf[len++] = ',';
		memcpy(buf + len, dec, n + 1);
		len += n;
	}
}

/*
 * Greedy with one backtrack point, the last '*': on a mismatch, let that star swallow one more
 * character. Linear enough for metric names and needs neither recursion nor allocation.
 */
int hb_glob_match(const char *pattern, size_t pattern_len, const char *name)
{
	size_t p = 0, star_p = 0;
	const char *n = name, *star_n = NULL;

	while (*n) {
		if (p < pattern_len && pattern[p] == '*') {
			star_p = ++p;
			star_n = n;
		} else if (p < pattern_len && pattern[p] == *n) {
			p++;
			n++;
		} else if (star_n) {
			p = star_p;
			n = ++star_n;
		} else {
			return 0;
		}
	}
	while (p < pattern_len && pattern[p] == '*')
		p++;
	return p == pattern_len;
}

int hb_glob_list_match(const char *list, const char *name)
{
	for (;;) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		size_t start = 0;

		/* Tolerate "a, b" as typed on a command line. */
		while (start < len && list[start] == ' ')
			start++;
		while (len > start && list[len - 1] == ' ')
			len--;
		if (len > start && hb_glob_match(list + start, len - start, name))
			return 1;
		if (!comma)
			return 0;
		list = comma + 1;
	}
}
