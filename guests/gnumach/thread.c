#include <stdint.h>

#include "fmt.h"
#include "rpc.h"
#include "thread.h"

#define PARTNER_STACK_BYTES 65536

/* One partner at a time; in a task of its own it runs on that task's copy of this stack. */
static __attribute__((aligned(16))) uint8_t partner_stack[PARTNER_STACK_BYTES];

/* The partner's first frame: it is entered as if called with (fn, arg) by a return address of 0. */
static void __attribute__((noreturn, used)) partner_entry(hb_partner_fn fn, void *arg)
{
	fn(arg);
	for (;;)
		hb_thread_switch(HB_PORT_NULL, HB_SWITCH_OPTION_NONE, 0); /* fn never returns; if it did, idle */
}

static uint32_t read_segment(int which)
{
	uint32_t v = 0;

	switch (which) {
	case 0: __asm__("movl %%cs, %0" : "=r"(v)); break;
	case 1: __asm__("movl %%ss, %0" : "=r"(v)); break;
	case 2: __asm__("movl %%ds, %0" : "=r"(v)); break;
	case 3: __asm__("movl %%es, %0" : "=r"(v)); break;
	case 4: __asm__("movl %%fs, %0" : "=r"(v)); break;
	default: __asm__("movl %%gs, %0" : "=r"(v)); break;
	}
	return v;
}

int hb_partner_create(struct hb_partner *p, int own_task, hb_partner_fn fn, void *arg, char *why, size_t why_size)
{
	struct hb_i386_thread_state s = { 0 };
	uint32_t *sp = (uint32_t *)(partner_stack + PARTNER_STACK_BYTES - 16);
	hb_kern_return_t kr;

	/*
	 * cdecl at partner_entry's first instruction: a return address at sp, the arguments above
	 * it, and sp + 4 aligned to 16. Written before task_create, so a new task's copy has it.
	 */
	sp -= 3;
	sp[0] = 0;
	sp[1] = (uint32_t)(uintptr_t)fn;
	sp[2] = (uint32_t)(uintptr_t)arg;
	p->own_task = own_task;
	p->task = hb_mach_task_self();
	p->thread = HB_PORT_NULL;
	if (own_task) {
		kr = hb_task_create(p->task, 1, &p->task);
		if (kr) {
			p->task = HB_PORT_NULL;
			hb_fmt(why, why_size, "task_create: kern_return %d", (int)kr);
			return -1;
		}
	}
	kr = hb_thread_create(p->task, &p->thread);
	if (kr) {
		p->thread = HB_PORT_NULL;
		hb_fmt(why, why_size, "thread_create: kern_return %d", (int)kr);
		hb_partner_stop(p);
		return -1;
	}
	/* The same flat segments as ours: the kernel's user code and data selectors. */
	s.eip = (uint32_t)(uintptr_t)partner_entry;
	s.uesp = (uint32_t)(uintptr_t)sp;
	s.efl = 0x202; /* IF, and the reserved bit 1 */
	s.cs = read_segment(0);
	s.ss = read_segment(1);
	s.ds = read_segment(2);
	s.es = read_segment(3);
	s.fs = read_segment(4);
	s.gs = read_segment(5);
	kr = hb_thread_set_state(p->thread, &s);
	if (kr) {
		hb_fmt(why, why_size, "thread_set_state: kern_return %d", (int)kr);
		hb_partner_stop(p);
		return -1;
	}
	return 0;
}

int hb_partner_resume(struct hb_partner *p, char *why, size_t why_size)
{
	hb_kern_return_t kr = hb_thread_resume(p->thread);

	if (kr) {
		hb_fmt(why, why_size, "thread_resume: kern_return %d", (int)kr);
		return -1;
	}
	return 0;
}

void hb_partner_stop(struct hb_partner *p)
{
	if (p->thread)
		hb_thread_terminate(p->thread);
	if (p->own_task && p->task)
		hb_task_terminate(p->task);
	p->thread = HB_PORT_NULL;
	p->task = HB_PORT_NULL;
}
