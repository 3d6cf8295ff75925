#include <string.h>

#include "crc32.h"
#include "wire_emit.h"

#define VARINT_MAX_BYTES 10 /* ceil(64 / 7) */

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint8_t *payload_of(struct hb_wire *w)
{
	return w->rec + HB_WIRE_HEADER_BYTES;
}

/* Fills in the header for the len payload bytes already in w->rec and sends the record. */
static void send_built(struct hb_wire *w, uint16_t type, uint32_t len)
{
	uint8_t *h = w->rec;
	uint32_t crc;

	put_le32(h + 0, HB_WIRE_MAGIC);
	put_le16(h + 4, HB_WIRE_VERSION);
	put_le16(h + 6, type);
	put_le32(h + 8, w->seq);
	put_le32(h + 12, len);
	crc = hb_crc32_update(HB_CRC32_INIT, h, 16);
	crc = hb_crc32_update(crc, payload_of(w), len);
	put_le32(h + 16, hb_crc32_final(crc));
	w->seq++;
	w->write(w->ctx, w->rec, HB_WIRE_HEADER_BYTES + (size_t)len);
}

void hb_wire_init(struct hb_wire *w, hb_write_fn write, void *ctx)
{
	w->write = write;
	w->ctx = ctx;
	w->seq = 0;
	w->kv_type = 0;
	w->kv_len = 0;
	w->kv_truncated = 0;
}

int hb_wire_record(struct hb_wire *w, uint16_t type, const void *payload, uint32_t len)
{
	if (len > HB_WIRE_MAX_PAYLOAD)
		return -1;
	/* memmove: callers may have built the payload in place, in w->rec itself. */
	memmove(payload_of(w), payload, len);
	send_built(w, type, len);
	return 0;
}

size_t hb_u64_to_dec(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

void hb_wire_kv_begin(struct hb_wire *w, uint16_t type)
{
	w->kv_type = type;
	w->kv_len = 0;
	w->kv_truncated = 0;
}

static char clean(char c, int in_key)
{
	if (c < 0x20 || c > 0x7e || (in_key && c == '='))
		return '?';
	return c;
}

void hb_wire_kv_str(struct hb_wire *w, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value), i;
	uint8_t *p;

	if (klen + 1 + vlen + 1 > HB_WIRE_MAX_PAYLOAD - w->kv_len) {
		w->kv_truncated = 1;
		return;
	}
	p = payload_of(w) + w->kv_len;
	for (i = 0; i < klen; i++)
		*p++ = (uint8_t)clean(key[i], 1);
	*p++ = '=';
	for (i = 0; i < vlen; i++)
		*p++ = (uint8_t)clean(value[i], 0);
	*p++ = '\n';
	w->kv_len += (uint32_t)(klen + 1 + vlen + 1);
}

void hb_wire_kv_u64(struct hb_wire *w, const char *key, uint64_t value)
{
	char dec[21];

	hb_u64_to_dec(dec, value);
	hb_wire_kv_str(w, key, dec);
}

int hb_wire_kv_end(struct hb_wire *w)
{
	send_built(w, w->kv_type, w->kv_len);
	return w->kv_truncated ? -1 : 0;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

uint32_t hb_wire_samples(struct hb_wire *w, const uint64_t *samples, uint32_t count)
{
	uint8_t *p = payload_of(w);
	uint32_t next = 0, records = 0;

	while (next < count) {
		uint32_t len = 4;

		put_le32(p, next);
		/* Reserve the worst case per sample, so no varint can overrun the payload limit. */
		while (next < count && len + VARINT_MAX_BYTES <= HB_WIRE_MAX_PAYLOAD)
			len += (uint32_t)put_varint(p + len, samples[next++]);
		send_built(w, HB_REC_SAMPLES, len);
		records++;
	}
	return records;
}
