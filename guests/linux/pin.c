#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "pin.h"

static cpu_set_t startup_set;

int hb_pin_init(void)
{
	CPU_ZERO(&startup_set);
	return sched_getaffinity(0, sizeof startup_set, &startup_set) ? errno : 0;
}

unsigned hb_cpus_usable(void)
{
	return (unsigned)CPU_COUNT(&startup_set);
}

int hb_cpu_usable(unsigned cpu)
{
	return cpu < CPU_SETSIZE && CPU_ISSET(cpu, &startup_set);
}

int hb_pin_self(unsigned cpu)
{
	cpu_set_t set;

	if (cpu >= CPU_SETSIZE)
		return EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* pid 0 is the calling thread: Linux affinity is per thread. */
	return sched_setaffinity(0, sizeof set, &set) ? errno : 0;
}

int hb_affinity_self(char *buf, size_t size)
{
	cpu_set_t set;
	size_t len = 0;
	unsigned cpu;

	if (size == 0)
		return EINVAL;
	buf[0] = '\0';
	if (sched_getaffinity(0, sizeof set, &set))
		return errno;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		int n;

		if (!CPU_ISSET(cpu, &set))
			continue;
		n = snprintf(buf + len, size - len, "%s%u", len ? "," : "", cpu);
		if (n < 0 || (size_t)n >= size - len)
			return ENOSPC;
		len += (size_t)n;
	}
	return 0;
}

int hb_pin_restore(void)
{
	return sched_setaffinity(0, sizeof startup_set, &startup_set) ? errno : 0;
}

int hb_sched_batch_self(int batch)
{
	struct sched_param param = { .sched_priority = 0 };

	/* pid 0 is the calling thread: the policy is per thread, and inherited by threads and forks. */
	return sched_setscheduler(0, batch ? SCHED_BATCH : SCHED_OTHER, &param) ? errno : 0;
}
