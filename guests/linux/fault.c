#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

static const char *const names[] = {
	[HB_FAULT_NONE] = "none",
	[HB_FAULT_HANG_AT_BOOT] = "hang-at-boot",
	[HB_FAULT_HANG_MID_BENCHMARK] = "hang-mid-benchmark",
	[HB_FAULT_PANIC] = "panic",
};

int hb_fault_parse(const char *value, size_t value_len, enum hb_fault *out, char *err, size_t err_size)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strlen(names[i]) == value_len && !memcmp(names[i], value, value_len)) {
			*out = (enum hb_fault)i;
			return 0;
		}
	}
	snprintf(err, err_size, "fault: '%.*s' is not a known test fault (known: hang-at-boot, hang-mid-benchmark, panic)",
		 (int)value_len, value);
	return -1;
}

const char *hb_fault_name(enum hb_fault fault)
{
	return (size_t)fault < sizeof names / sizeof names[0] ? names[fault] : "unknown";
}

void hb_fault_hang(enum hb_fault fault)
{
	fprintf(stderr, "hb: TEST FAULT %s: hanging on purpose\n", hb_fault_name(fault));
	for (;;)
		pause();
}

void hb_fault_panic(void (*drain)(void *ctx), void *ctx)
{
	int fd;

	if (drain)
		drain(ctx);
	fprintf(stderr, "hb: TEST FAULT panic: crashing the kernel on purpose\n");
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "c", 1) != 1)
		perror("hb: TEST FAULT panic: /proc/sysrq-trigger");
	for (;;)
		pause();
}
