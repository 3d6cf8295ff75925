/*
 * What the root task knows about its own ELF image: where the kernel mapped it (so a page of it
 * can be named by its frame cap from bootinfo's userImageFrames) and its TLS template (so every
 * thread, the first included, gets the __thread variables libsel4 relies on).
 */
#ifndef HB_SEL4_IMAGE_H
#define HB_SEL4_IMAGE_H

#include <stdint.h>

#include <sel4/sel4.h>

/* Reads the program headers; 0, or -1 with the reason in *why. */
int hb_image_init(seL4_BootInfo *bi, const char **why);

uintptr_t hb_image_start(void);
uintptr_t hb_image_end(void);

/* Frame cap of the image page holding addr; seL4_CapNull outside the image. */
seL4_CPtr hb_image_frame(const void *addr);

/* Room for one thread's TLS block and the x86-64 thread control word that fs:0 points at. */
#define HB_TLS_AREA_BYTES 512

struct hb_tls_area {
	_Alignas(64) uint8_t bytes[HB_TLS_AREA_BYTES];
};

/*
 * Fills area from the image's TLS template and returns the thread pointer (the fs base) for it;
 * 0 when the template does not fit (which the start-up check in hb_image_init rules out).
 */
uintptr_t hb_tls_prepare(struct hb_tls_area *area);

#endif
