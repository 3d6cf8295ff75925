#include <sel4/sel4.h>

#include "fmt.h"
#include "kobj.h"
#include "samples.h"

/* 1 GiB: far above the image and the bootinfo and IPC buffer pages the kernel maps after it. */
#define SAMPLES_VADDR 0x40000000ul

/*
 * 2 MiB pages: one CNode slot each however many samples are asked for (the root CNode has only
 * a few thousand), and fewer TLB misses for the stores between timed regions.
 */
#define LARGE_PAGE_BYTES ((seL4_Word)1 << seL4_LargePageBits)

uint64_t *hb_samples_map(uint32_t count, char *why, size_t why_size)
{
	seL4_Word bytes = (seL4_Word)count * sizeof(uint64_t);
	seL4_Word pages = (bytes + LARGE_PAGE_BYTES - 1) / LARGE_PAGE_BYTES;
	seL4_CPtr first;

	if (hb_kobj_make(seL4_X86_LargePageObject, 0, seL4_LargePageBits, pages, &first)) {
		hb_fmt(why, why_size, "%s (for a buffer of %u samples)", hb_kobj_last_problem(), count);
		return NULL;
	}
	for (seL4_Word i = 0; i < pages; i++) {
		if (hb_map_frame(seL4_CapInitThreadVSpace, first + i, SAMPLES_VADDR + i * LARGE_PAGE_BYTES,
				 seL4_ReadWrite)) {
			hb_fmt(why, why_size, "%s (mapping a buffer of %u samples)", hb_kobj_last_problem(), count);
			return NULL;
		}
	}
	return (uint64_t *)SAMPLES_VADDR;
}
