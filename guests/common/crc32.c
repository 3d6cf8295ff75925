#include "crc32.h"

/*
 * Half-byte table: 64 bytes of constants instead of a 1 KiB table or a start-up initialiser, and
 * fast enough, since the serial line, not the checksum, limits how fast records leave the guest.
 */
static const uint32_t nibble_table[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t hb_crc32_update(uint32_t state, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--) {
		state ^= *p++;
		state = (state >> 4) ^ nibble_table[state & 15];
		state = (state >> 4) ^ nibble_table[state & 15];
	}
	return state;
}

uint32_t hb_crc32(const void *buf, size_t len)
{
	return hb_crc32_final(hb_crc32_update(HB_CRC32_INIT, buf, len));
}
