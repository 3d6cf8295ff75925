/* CRC-32 as the wire format uses it (IEEE 802.3: reflected, poly 0xEDB88320, init/xorout ~0). */
#ifndef HB_CRC32_H
#define HB_CRC32_H

#include <stddef.h>
#include <stdint.h>

#define HB_CRC32_INIT 0xFFFFFFFFu

/*
 * Incremental so a record's header and payload can be checksummed in two pieces: start from
 * HB_CRC32_INIT, update with each piece, then hb_crc32_final().
 */
uint32_t hb_crc32_update(uint32_t state, const void *buf, size_t len);

static inline uint32_t hb_crc32_final(uint32_t state)
{
	return state ^ 0xFFFFFFFFu;
}

uint32_t hb_crc32(const void *buf, size_t len);

#endif
