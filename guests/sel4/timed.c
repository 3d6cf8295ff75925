#include "timed.h"

/* Always inlined with constants, so each loop holds exactly one asm statement of the windows. */
static inline __attribute__((always_inline)) uint64_t nop_windows(const int rdtscp, uint32_t n)
{
	uint64_t best = UINT64_MAX;
	struct hb_window w;

	while (n--) {
		hb_sel4_timed(rdtscp, 1, seL4_SysYield, 0, 0, NULL, &w);
		if (w.after - w.before < best)
			best = w.after - w.before;
	}
	return best == UINT64_MAX ? 0 : best;
}

uint64_t hb_sel4_window_overhead(uint32_t n)
{
	return hb_timer_use_rdtscp ? nop_windows(1, n) : nop_windows(0, n);
}
