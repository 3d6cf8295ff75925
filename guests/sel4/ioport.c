#include "ioport.h"
#include "kobj.h"

seL4_Error hb_ioport_issue(struct hb_ioport *p, uint16_t first, uint16_t last)
{
	seL4_CPtr slot = hb_slots_alloc(1);
	seL4_Error err;

	p->cap = seL4_CapNull;
	p->first = first;
	p->last = last;
	if (!slot)
		return seL4_NotEnoughMemory;
	err = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last, seL4_CapInitThreadCNode,
					   slot, seL4_WordBits);
	if (err == seL4_NoError)
		p->cap = slot;
	return err;
}

int hb_out8(const struct hb_ioport *p, uint16_t port, uint8_t value)
{
	return seL4_X86_IOPort_Out8(p->cap, port, value) == seL4_NoError ? 0 : -1;
}

int hb_out16(const struct hb_ioport *p, uint16_t port, uint16_t value)
{
	return seL4_X86_IOPort_Out16(p->cap, port, value) == seL4_NoError ? 0 : -1;
}

int hb_in8(const struct hb_ioport *p, uint16_t port, uint8_t *value)
{
	seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(p->cap, port);

	*value = r.result;
	return r.error == seL4_NoError ? 0 : -1;
}
