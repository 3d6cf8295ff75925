/*
 * Builds data-channel records (see wire.h) and hands each one, whole, to an OS-supplied write
 * callback, so the same writer serves every guest whatever its serial driver looks like.
 */
#ifndef HB_WIRE_EMIT_H
#define HB_WIRE_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/*
 * Must consume all len bytes or remember that it could not: the writer has no way to resend, and
 * a stream with a gap is rejected by the harness anyway.
 */
typedef void (*hb_write_fn)(void *ctx, const void *buf, size_t len);

struct hb_wire {
	hb_write_fn write;
	void *ctx;
	uint32_t seq;
	/* State of the key=value record being built. */
	uint16_t kv_type;
	uint32_t kv_len;
	int kv_truncated;
	/* One record is assembled here so it reaches write() in a single call. */
	uint8_t rec[HB_WIRE_HEADER_BYTES + HB_WIRE_MAX_PAYLOAD];
};

void hb_wire_init(struct hb_wire *w, hb_write_fn write, void *ctx);

/* Sends one record with an arbitrary payload; -1 (and nothing sent) when len is too large. */
int hb_wire_record(struct hb_wire *w, uint16_t type, const void *payload, uint32_t len);

/*
 * key=value records. Bytes outside printable ASCII (and '=' in keys) become '?', because the
 * harness rejects the whole stream otherwise. A pair that does not fit is dropped and
 * hb_wire_kv_end() returns -1, but the record is still sent so the stream stays well-formed.
 */
void hb_wire_kv_begin(struct hb_wire *w, uint16_t type);
void hb_wire_kv_str(struct hb_wire *w, const char *key, const char *value);
void hb_wire_kv_u64(struct hb_wire *w, const char *key, uint64_t value);
int hb_wire_kv_end(struct hb_wire *w);

/*
 * Sends count samples as SAMPLES records, as many per record as fit in HB_WIRE_MAX_PAYLOAD.
 * Returns the number of records sent.
 */
uint32_t hb_wire_samples(struct hb_wire *w, const uint64_t *samples, uint32_t count);

/* Decimal text of v into buf (at least 21 bytes); returns the length. */
size_t hb_u64_to_dec(char *buf, uint64_t v);

#endif
