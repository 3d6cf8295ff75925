/*
 * Kernel objects for the root task: free CNode slots and RAM untypeds as the kernel's bootinfo
 * lists them, and mapping frames into a VSpace. No seL4_libs: the root task needs only a handful
 * of objects, made once at start-up.
 */
#ifndef HB_SEL4_KOBJ_H
#define HB_SEL4_KOBJ_H

#include <sel4/sel4.h>

void hb_kobj_init(seL4_BootInfo *bi);

/* Counts of the bootinfo untypeds, for the start-up console line. */
void hb_kobj_untyped_counts(unsigned *ram, unsigned *device, seL4_Word *ram_bytes);

/* count consecutive free slots; 0 (never a free slot) when the CNode is full. */
seL4_CPtr hb_slots_alloc(seL4_Word count);

/*
 * Retypes count objects of type (each 2^object_bits bytes; size_bits as Untyped_Retype wants it)
 * into fresh slots, the first of which goes to *first. Returns seL4_NoError; seL4_NotEnoughMemory
 * when no RAM untyped has room; else what the kernel said.
 */
seL4_Error hb_kobj_make(seL4_Word type, seL4_Word size_bits, seL4_Word object_bits, seL4_Word count,
			seL4_CPtr *first);

/*
 * Maps frame at vaddr in vspace (a PML4), creating the page table, directory and PDPT it lacks.
 * Returns seL4_NoError or the first failure.
 */
seL4_Error hb_map_frame(seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights);

/* The untyped search's last failure, as text for the console ("no untyped ..."). */
const char *hb_kobj_last_problem(void);

#endif
