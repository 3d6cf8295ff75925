#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpu_up.h"

/* Where the CPUs' online files are; a test on the host compiles in a folder of its own. */
#ifndef HB_CPU_DIR
#define HB_CPU_DIR "/sys/devices/system/cpu"
#endif

int hb_cpu_up_parse(const char *value, size_t value_len, enum hb_cpu_up *out, char *err, size_t err_size)
{
	if (value_len == 5 && !memcmp(value, "pause", 5)) {
		*out = HB_CPU_UP_PAUSE;
		return 0;
	}
	snprintf(err, err_size, "cpuup: '%.*s' is not a known method (known: pause)", (int)value_len, value);
	return -1;
}

/* Lets the other vCPU run: under QEMU's round-robin TCG, PAUSE ends this vCPU's turn. */
static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

struct online_job {
	const char *path;
	int error; /* errno of the open or write, 0 when the CPU came up */
	int done;  /* set last, with release order */
};

static void *write_online(void *arg)
{
	struct online_job *job = arg;
	int fd = open(job->path, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		job->error = errno;
	} else {
		if (write(fd, "1", 1) != 1)
			job->error = errno ? errno : EIO;
		close(fd);
	}
	__atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* 1 when cpu's online file says anything but 1 (sysfs says 0), 0 when it says 1 or the CPU has none (cpu0 often has none), -1 when there is no such CPU. */
static int is_offline(unsigned cpu)
{
	char path[64], c = '1';
	int fd;

	snprintf(path, sizeof path, HB_CPU_DIR "/cpu%u", cpu);
	if (access(path, F_OK))
		return -1;
	snprintf(path, sizeof path, HB_CPU_DIR "/cpu%u/online", cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = '1';
	close(fd);
	return c != '1';
}

/* Writes 1 to cpu's online file from a second thread, spinning on PAUSE here until it returns. */
static int online_one(unsigned cpu, char *err, size_t err_size)
{
	char path[64];
	struct online_job job = { path, 0, 0 };
	pthread_t thread;
	int rc;

	snprintf(path, sizeof path, HB_CPU_DIR "/cpu%u/online", cpu);
	rc = pthread_create(&thread, NULL, write_online, &job);
	if (rc) {
		snprintf(err, err_size, "cpu%u: pthread_create: %s", cpu, strerror(rc));
		return -1;
	}
	while (!__atomic_load_n(&job.done, __ATOMIC_ACQUIRE))
		relax();
	pthread_join(thread, NULL);
	if (job.error) {
		snprintf(err, err_size, "writing 1 to %s: %s", path, strerror(job.error));
		return -1;
	}
	return 0;
}

int hb_cpu_up(enum hb_cpu_up method, char *err, size_t err_size)
{
	int up = 0;

	if (method == HB_CPU_UP_NONE)
		return 0;
	for (unsigned cpu = 0;; cpu++) {
		int offline = is_offline(cpu);

		if (offline < 0)
			return up;
		if (!offline)
			continue;
		if (online_one(cpu, err, err_size))
			return -1;
		up++;
	}
}
