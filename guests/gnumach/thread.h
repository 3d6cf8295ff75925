/*
 * Partner threads for the benchmarks. The driver (the bootstrap task's first thread) measures;
 * a partner runs the other side, either in the driver's task or in a task of its own made with
 * task_create(inherit_memory=TRUE), whose address space starts as a copy of the driver's, so the
 * partner runs the same code at the same addresses with the static variables as they were.
 * Partners never return; the driver ends them (and their task) once it has its samples.
 */
#ifndef HB_GNUMACH_THREAD_H
#define HB_GNUMACH_THREAD_H

#include <stddef.h>

#include "mach.h"

typedef void (*hb_partner_fn)(void *arg);

struct hb_partner {
	hb_port_t task;   /* our send right to its task: the driver's own, or the new task's */
	hb_port_t thread; /* our send right to its thread */
	int own_task;
};

/*
 * Makes the partner's thread, in a new task when own_task is set, to run fn(arg) on the image's
 * partner stack, but leaves it suspended: a task of its own may need port rights first. Whatever
 * fn and arg point at must be set before this call, as a new task gets a copy of memory as it is
 * now. Returns 0, or -1 with the failed call in why.
 */
int hb_partner_create(struct hb_partner *p, int own_task, hb_partner_fn fn, void *arg, char *why, size_t why_size);

/* Lets it run: it does as soon as the driver blocks or yields. 0, or -1 with the reason in why. */
int hb_partner_resume(struct hb_partner *p, char *why, size_t why_size);

/* Terminates the thread, and the task if it has one of its own. */
void hb_partner_stop(struct hb_partner *p);

#endif
