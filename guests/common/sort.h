/* Sorting samples for the console's min and median. */
#ifndef HB_SORT_H
#define HB_SORT_H

#include <stdint.h>

/* Heapsort: in place, without recursion or allocation, for any count a u32 can hold. */
void hb_sort_u64(uint64_t *a, uint32_t n);

#endif
