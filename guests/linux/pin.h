/*
 * Pinning threads to vCPUs and reading back where the kernel actually lets them run; and the
 * scheduling policy of the round trips' threads (hb_sched_batch_self).
 */
#ifndef HB_PIN_H
#define HB_PIN_H

#include <stddef.h>

/* Remembers the process's CPU set at start-up; call before any pinning. Returns 0 or errno. */
int hb_pin_init(void);

/* CPUs in the start-up set. */
unsigned hb_cpus_usable(void);

/* Whether cpu is in the start-up set. */
int hb_cpu_usable(unsigned cpu);

/* Pins the calling thread (not the whole process) to cpu. Returns 0 or errno. */
int hb_pin_self(unsigned cpu);

/* The calling thread's CPU set as a comma list ("0" or "0,1"). Returns 0 or errno. */
int hb_affinity_self(char *buf, size_t size);

/* Puts the calling thread back on the start-up set. Returns 0 or errno. */
int hb_pin_restore(void);

/*
 * Sets the calling thread's policy to SCHED_BATCH (batch != 0) or back to SCHED_OTHER, both fair
 * class at priority 0; threads and forks it creates inherit it. Returns 0 or errno. Why the round
 * trips run SCHED_BATCH: bench_ipc.c.
 */
int hb_sched_batch_self(int batch);

#endif
