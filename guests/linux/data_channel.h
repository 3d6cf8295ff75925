/* The data channel: a serial port in the guest, or a plain file when testing on the host. */
#ifndef HB_DATA_CHANNEL_H
#define HB_DATA_CHANNEL_H

#include <stddef.h>

struct hb_data_channel {
	int fd;
	int is_tty;
	int error; /* first write error; later writes are dropped, the stream being broken anyway */
};

/* path is a device, a file, or "-" for standard output. Returns 0 or errno. */
int hb_data_open(struct hb_data_channel *d, const char *path);

/* An hb_write_fn: ctx is the struct hb_data_channel. */
void hb_data_write(void *ctx, const void *buf, size_t len);

/* Waits until everything written has left (tcdrain) or reached the file (fsync), then closes. */
int hb_data_close(struct hb_data_channel *d);

#endif
