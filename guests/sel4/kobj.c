#include "fmt.h"
#include "kobj.h"

/* Not part of sel4/sel4.h, and needs it first: the lookup level of a failed mapping. */
#include <sel4/arch/mapping.h>

#define SIZE_OF_BITS(bits) ((seL4_Word)1 << (bits))

static seL4_BootInfo *boot;
static seL4_CPtr next_slot, end_slot;
/*
 * Bytes handed out from each bootinfo untyped. The kernel places objects at its own free index
 * rounded up to the object size, which is exactly what this models, so a pick here fits there.
 */
static seL4_Word untyped_used[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
static char problem[192];

void hb_kobj_init(seL4_BootInfo *bi)
{
	boot = bi;
	next_slot = bi->empty.start;
	end_slot = bi->empty.end;
}

static seL4_Word untyped_count(void)
{
	return boot->untyped.end - boot->untyped.start;
}

void hb_kobj_untyped_counts(unsigned *ram, unsigned *device, seL4_Word *ram_bytes)
{
	*ram = *device = 0;
	*ram_bytes = 0;
	for (seL4_Word i = 0; i < untyped_count(); i++) {
		const seL4_UntypedDesc *d = &boot->untypedList[i];

		if (d->isDevice) {
			(*device)++;
		} else {
			(*ram)++;
			*ram_bytes += SIZE_OF_BITS(d->sizeBits);
		}
	}
}

seL4_CPtr hb_slots_alloc(seL4_Word count)
{
	seL4_CPtr first = next_slot;

	if (end_slot - next_slot < count) {
		hb_fmt(problem, sizeof problem, "no free CNode slots: %lu wanted, %lu left", count,
		       end_slot - next_slot);
		return 0;
	}
	next_slot += count;
	return first;
}

const char *hb_kobj_last_problem(void)
{
	return problem;
}

static seL4_Word align_up(seL4_Word v, seL4_Word bits)
{
	return (v + SIZE_OF_BITS(bits) - 1) & ~(SIZE_OF_BITS(bits) - 1);
}

/*
 * The smallest RAM untyped that still has room, so the big ones stay whole for big requests (the
 * sample buffer). -1 when none has.
 */
static long pick_untyped(seL4_Word object_bits, seL4_Word bytes)
{
	long best = -1;

	for (seL4_Word i = 0; i < untyped_count(); i++) {
		const seL4_UntypedDesc *d = &boot->untypedList[i];

		if (d->isDevice || d->sizeBits < object_bits)
			continue;
		if (align_up(untyped_used[i], object_bits) + bytes > SIZE_OF_BITS(d->sizeBits))
			continue;
		if (best < 0 || d->sizeBits < boot->untypedList[best].sizeBits)
			best = (long)i;
	}
	return best;
}

static void describe_shortage(seL4_Word object_bits, seL4_Word type)
{
	unsigned ram, device;
	seL4_Word ram_bytes;

	hb_kobj_untyped_counts(&ram, &device, &ram_bytes);
	if (ram == 0) {
		/* Device regions can use up every untyped slot bootinfo has before RAM gets one. */
		hb_fmt(problem, sizeof problem,
		       "no untyped RAM among the %lu bootinfo untypeds, all device memory: configure the kernel with a larger KernelMaxNumBootinfoUntypedCaps",
		       untyped_count());
		return;
	}
	hb_fmt(problem, sizeof problem,
	       "too little RAM: none of the %u RAM untypeds (%lu KiB in all) has room left for another %lu-byte object of type %lu; give QEMU more memory or ask for fewer iterations",
	       ram, ram_bytes >> 10, SIZE_OF_BITS(object_bits), type);
}

/*
 * One Retype call of at most count objects into slot onwards; returns how many it made, 0 after
 * a failure (reason in problem, error in *err). A batch that fits no single untyped is halved
 * until it does, so large requests can spread over several.
 */
static seL4_Word make_batch(seL4_Word type, seL4_Word size_bits, seL4_Word object_bits,
			    seL4_Word count, seL4_CPtr slot, seL4_Error *err)
{
	for (;;) {
		seL4_Word n = count;
		long u;

		while (n > 0 && (u = pick_untyped(object_bits, n << object_bits)) < 0)
			n /= 2;
		if (n == 0) {
			describe_shortage(object_bits, type);
			*err = seL4_NotEnoughMemory;
			return 0;
		}
		*err = seL4_Untyped_Retype(boot->untyped.start + (seL4_Word)u, type, size_bits,
					   seL4_CapInitThreadCNode, 0, 0, slot, n);
		if (*err == seL4_NotEnoughMemory) {
			/* Our bookkeeping was optimistic; never offer this one again. */
			untyped_used[u] = SIZE_OF_BITS(boot->untypedList[u].sizeBits);
			continue;
		}
		if (*err != seL4_NoError) {
			hb_fmt(problem, sizeof problem, "Untyped_Retype of %lu objects of type %lu failed: seL4 error %d",
			       n, type, (int)*err);
			return 0;
		}
		untyped_used[u] = align_up(untyped_used[u], object_bits) + (n << object_bits);
		return n;
	}
}

seL4_Error hb_kobj_make(seL4_Word type, seL4_Word size_bits, seL4_Word object_bits, seL4_Word count,
			seL4_CPtr *first)
{
	seL4_CPtr slot = hb_slots_alloc(count);
	seL4_Word done = 0;

	if (!slot)
		return seL4_NotEnoughMemory;
	while (done < count) {
		/* The kernel caps how many objects one Retype call may make. */
		seL4_Word n = count - done < CONFIG_RETYPE_FAN_OUT_LIMIT ? count - done : CONFIG_RETYPE_FAN_OUT_LIMIT;
		seL4_Error err;

		n = make_batch(type, size_bits, object_bits, n, slot + done, &err);
		if (n == 0)
			return err;
		done += n;
	}
	*first = slot;
	return seL4_NoError;
}

/* Makes the paging structure the kernel said was missing and maps it where vaddr needs it. */
static seL4_Error add_paging_level(seL4_CPtr vspace, seL4_Word vaddr, seL4_Word missing)
{
	seL4_CPtr cap;
	seL4_Error err;

	switch (missing) {
	case SEL4_MAPPING_LOOKUP_NO_PT:
		err = hb_kobj_make(seL4_X86_PageTableObject, 0, seL4_PageTableBits, 1, &cap);
		return err ? err : seL4_X86_PageTable_Map(cap, vspace, vaddr, seL4_X86_Default_VMAttributes);
	case SEL4_MAPPING_LOOKUP_NO_PD:
		err = hb_kobj_make(seL4_X86_PageDirectoryObject, 0, seL4_PageDirBits, 1, &cap);
		return err ? err : seL4_X86_PageDirectory_Map(cap, vspace, vaddr, seL4_X86_Default_VMAttributes);
	case SEL4_MAPPING_LOOKUP_NO_PDPT:
		err = hb_kobj_make(seL4_X86_PDPTObject, 0, seL4_PDPTBits, 1, &cap);
		return err ? err : seL4_X86_PDPT_Map(cap, vspace, vaddr, seL4_X86_Default_VMAttributes);
	default:
		hb_fmt(problem, sizeof problem, "mapping 0x%lx: lookup failed at an unexpected level %lu", vaddr, missing);
		return seL4_FailedLookup;
	}
}

seL4_Error hb_map_frame(seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights)
{
	/* At most three missing levels below the PML4, then the frame itself. */
	for (int attempt = 0; attempt < 4; attempt++) {
		seL4_Error err = seL4_X86_Page_Map(frame, vspace, vaddr, rights, seL4_X86_Default_VMAttributes);

		if (err != seL4_FailedLookup) {
			if (err != seL4_NoError)
				hb_fmt(problem, sizeof problem, "X86_Page_Map at 0x%lx failed: seL4 error %d", vaddr, (int)err);
			return err;
		}
		err = add_paging_level(vspace, vaddr, seL4_MappingFailedLookupLevel());
		if (err != seL4_NoError) {
			if (err != seL4_NotEnoughMemory && err != seL4_FailedLookup)
				hb_fmt(problem, sizeof problem, "mapping a paging structure for 0x%lx failed: seL4 error %d",
				       vaddr, (int)err);
			return err;
		}
	}
	hb_fmt(problem, sizeof problem, "mapping 0x%lx: paging structures still missing after three levels", vaddr);
	return seL4_FailedLookup;
}
