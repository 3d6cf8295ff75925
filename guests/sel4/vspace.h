/*
 * A second address space for the cross-address-space IPC benchmark: a new PML4 mapping the very
 * frames of the root task's image at the same addresses. A worker there runs the same code, but
 * every switch to or from it changes CR3, which is the cost that benchmark is after.
 */
#ifndef HB_SEL4_VSPACE_H
#define HB_SEL4_VSPACE_H

#include <stddef.h>

#include <sel4/sel4.h>

/* 0 with the new PML4's cap in *vspace, or -1 with the reason in why. */
int hb_vspace_clone_image(seL4_CPtr *vspace, char *why, size_t why_size);

#endif
