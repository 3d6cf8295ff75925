#include <string.h>

#include "image.h"

/* ELF64 as far as program headers go; the root task has no <elf.h>. */
struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_TLS 7
#define PAGE_BYTES 4096u
/* The thread pointer sits this far below the end of a TLS area, keeping it 64-byte aligned. */
#define TCB_BYTES 64u

/*
 * The linker defines this when the ELF header lies in a loaded segment, which it does in a
 * static executable linked the default way, and the kernel loads every segment as it is.
 */
extern const struct elf64_ehdr __ehdr_start;

/* libsel4 declares it and leaves the definition to the C library the root task does not have. */
__thread seL4_IPCBuffer *__sel4_ipc_buffer;

static uintptr_t image_start, image_end;
static seL4_CPtr first_frame;
static const struct elf64_phdr *tls_phdr;

int hb_image_init(seL4_BootInfo *bi, const char **why)
{
	const struct elf64_ehdr *eh = &__ehdr_start;
	const struct elf64_phdr *ph = (const void *)((const uint8_t *)eh + eh->phoff);

	image_start = UINTPTR_MAX;
	image_end = 0;
	/* The same bounds the kernel computes: every header with memory, whatever its type. */
	for (uint16_t i = 0; i < eh->phnum; i++) {
		if (ph[i].memsz == 0)
			continue;
		if (ph[i].vaddr < image_start)
			image_start = ph[i].vaddr;
		if (ph[i].vaddr + ph[i].memsz > image_end)
			image_end = ph[i].vaddr + ph[i].memsz;
		if (ph[i].type == PT_TLS)
			tls_phdr = &ph[i];
	}
	image_start &= ~(uintptr_t)(PAGE_BYTES - 1);
	first_frame = bi->userImageFrames.start;
	if ((image_end - image_start + PAGE_BYTES - 1) / PAGE_BYTES >
	    bi->userImageFrames.end - bi->userImageFrames.start) {
		*why = "bootinfo lists fewer image frames than the image has pages";
		return -1;
	}
	if (tls_phdr) {
		uint64_t align = tls_phdr->align ? tls_phdr->align : 1;
		uint64_t block = (tls_phdr->memsz + align - 1) & ~(align - 1);

		if (align > TCB_BYTES || block > HB_TLS_AREA_BYTES - TCB_BYTES) {
			*why = "the image's TLS segment is larger or more aligned than HB_TLS_AREA_BYTES allows";
			return -1;
		}
	}
	return 0;
}

uintptr_t hb_image_start(void)
{
	return image_start;
}

uintptr_t hb_image_end(void)
{
	return image_end;
}

seL4_CPtr hb_image_frame(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;

	if (a < image_start || a >= image_end)
		return seL4_CapNull;
	return first_frame + (a - image_start) / PAGE_BYTES;
}

/*
 * x86-64 TLS variant II: the block ends at the thread pointer, and the word at the thread pointer
 * holds its own address, because code reads %fs:0 to turn a TLS offset into a pointer.
 */
uintptr_t hb_tls_prepare(struct hb_tls_area *area)
{
	uintptr_t tp = (uintptr_t)area->bytes + HB_TLS_AREA_BYTES - TCB_BYTES;

	memset(area->bytes, 0, HB_TLS_AREA_BYTES);
	if (tls_phdr) {
		uint64_t align = tls_phdr->align ? tls_phdr->align : 1;
		uint64_t block = (tls_phdr->memsz + align - 1) & ~(align - 1);

		if (align > TCB_BYTES || block > HB_TLS_AREA_BYTES - TCB_BYTES)
			return 0;
		memcpy((void *)(tp - block), (const void *)tls_phdr->vaddr, tls_phdr->filesz);
	}
	*(uintptr_t *)tp = tp;
	return tp;
}
