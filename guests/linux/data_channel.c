#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "data_channel.h"

static int make_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return errno;
	/* No newline translation, no echo, 8 data bits: the records are binary. */
	cfmakeraw(&t);
	/* Ignore modem lines, so a port without carrier neither blocks writes nor hangs up. */
	t.c_cflag |= CLOCAL;
	t.c_cflag &= ~(tcflag_t)HUPCL;
	return tcsetattr(fd, TCSANOW, &t) ? errno : 0;
}

int hb_data_open(struct hb_data_channel *d, const char *path)
{
	/*
	 * O_NONBLOCK only for the open itself, which otherwise waits for carrier on a serial port.
	 * O_NOCTTY: the data port must not become the controlling terminal. Only paths outside /dev
	 * may be created: a missing device node must fail loudly, not become a regular file.
	 */
	int flags = O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	int err;

	d->error = 0;
	/*
	 * "-": standard output, e.g. the channel of an SSH session that started the payload (a pipe or
	 * a socket, which cannot always be reopened through /dev/stdout). Duplicated, so closing the
	 * channel leaves fd 1 as it was; a terminal there is set raw like a serial port.
	 */
	if (!strcmp(path, "-")) {
		d->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (d->fd < 0)
			return errno;
		d->is_tty = isatty(d->fd);
		if (d->is_tty && (err = make_raw(d->fd)))
			goto fail;
		return 0;
	}
	d->fd = open(path, flags | O_TRUNC);
	if (d->fd < 0 && errno == ENOENT && strncmp(path, "/dev/", 5) != 0)
		d->fd = open(path, flags | O_CREAT | O_TRUNC, 0644);
	if (d->fd < 0)
		return errno;
	d->is_tty = isatty(d->fd);
	if (d->is_tty && (err = make_raw(d->fd)))
		goto fail;
	if (fcntl(d->fd, F_SETFL, fcntl(d->fd, F_GETFL) & ~O_NONBLOCK)) {
		err = errno;
		goto fail;
	}
	return 0;
fail:
	close(d->fd);
	d->fd = -1;
	return err;
}

void hb_data_write(void *ctx, const void *buf, size_t len)
{
	struct hb_data_channel *d = ctx;
	const char *p = buf;

	while (len > 0 && !d->error) {
		ssize_t n = write(d->fd, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == 0) {
			d->error = EIO;
		} else if (errno != EINTR) {
			d->error = errno;
		}
	}
}

int hb_data_close(struct hb_data_channel *d)
{
	int err = d->error;

	/* Output still in the UART's buffer when init powers off is lost, hence the explicit drain. */
	if (d->is_tty) {
		if (tcdrain(d->fd) && !err)
			err = errno;
	} else if (fsync(d->fd) && errno != EINVAL && errno != EROFS && !err) {
		err = errno;
	}
	if (close(d->fd) && !err)
		err = errno;
	d->fd = -1;
	return err;
}
