#include <string.h>

#include "fw_cfg.h"

#define SELECT_SIGNATURE 0x0000
#define SELECT_FILE_DIR 0x0019
#define FILE_NAME_BYTES 56

/* Item bytes come out in order after each selector write; there is no seeking but reading on. */
static int select_item(const struct hb_fw_cfg_io *io, uint16_t item)
{
	return io->out16(io->ctx, HB_FW_CFG_PORT_SELECTOR, item);
}

static int read_bytes(const struct hb_fw_cfg_io *io, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--) {
		if (io->in8(io->ctx, HB_FW_CFG_PORT_DATA, p++))
			return -1;
	}
	return 0;
}

/* The directory's integers are big-endian whatever the guest's byte order. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int hb_fw_cfg_present(const struct hb_fw_cfg_io *io)
{
	uint8_t sig[4];

	if (select_item(io, SELECT_SIGNATURE) || read_bytes(io, sig, sizeof sig))
		return -1;
	return memcmp(sig, "QEMU", 4) == 0;
}

long hb_fw_cfg_read_file(const struct hb_fw_cfg_io *io, const char *name, void *buf, size_t size)
{
	uint8_t count_be[4];
	uint32_t count, i;
	size_t name_len = strlen(name);

	if (name_len >= FILE_NAME_BYTES)
		return -1;
	if (select_item(io, SELECT_FILE_DIR) || read_bytes(io, count_be, sizeof count_be))
		return -2;
	count = be32(count_be);
	for (i = 0; i < count; i++) {
		/* u32 size, u16 select, u16 reserved, char name[56]; all big-endian. */
		uint8_t entry[4 + 2 + 2 + FILE_NAME_BYTES];
		uint32_t file_size;
		uint16_t item;

		if (read_bytes(io, entry, sizeof entry))
			return -2;
		if (memcmp(entry + 8, name, name_len + 1) != 0)
			continue;
		file_size = be32(entry);
		item = (uint16_t)(entry[4] << 8 | entry[5]);
		if (select_item(io, item) || read_bytes(io, buf, file_size < size ? file_size : size))
			return -2;
		return (long)file_size;
	}
	return -1;
}
