#include "fmt.h"
#include "image.h"
#include "kobj.h"
#include "vspace.h"

#define PAGE_BYTES 4096

int hb_vspace_clone_image(seL4_CPtr *vspace, char *why, size_t why_size)
{
	seL4_CPtr pml4;
	seL4_Error err;

	if (hb_kobj_make(seL4_X64_PML4Object, 0, seL4_PML4Bits, 1, &pml4)) {
		hb_fmt(why, why_size, "%s (for a second address space)", hb_kobj_last_problem());
		return -1;
	}
	/* The root task's own pool: one ASID of it is plenty. */
	err = seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4);
	if (err) {
		hb_fmt(why, why_size, "X86_ASIDPool_Assign failed: seL4 error %d", (int)err);
		return -1;
	}
	for (uintptr_t a = hb_image_start(); a < hb_image_end(); a += PAGE_BYTES) {
		/* A frame cap maps into one place only, so the new mapping needs a copy of it. */
		seL4_CPtr copy = hb_slots_alloc(1);

		if (!copy) {
			hb_fmt(why, why_size, "%s (copying image frame caps for a second address space)", hb_kobj_last_problem());
			return -1;
		}
		err = seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode,
				      hb_image_frame((const void *)a), seL4_WordBits, seL4_AllRights);
		if (err) {
			hb_fmt(why, why_size, "CNode_Copy of the image frame at 0x%lx failed: seL4 error %d",
			       (unsigned long)a, (int)err);
			return -1;
		}
		if (hb_map_frame(pml4, copy, a, seL4_ReadWrite)) {
			hb_fmt(why, why_size, "%s (mapping the image into a second address space)", hb_kobj_last_problem());
			return -1;
		}
	}
	*vspace = pml4;
	return 0;
}
