/*
 * The libgcc helpers a 32-bit build calls for 64-bit division (the shared code formats u64
 * figures in decimal and scales CPUID's TSC ratio): quotient, remainder, or both at once. The payload links no libgcc: a 64-bit host
 * has no 32-bit one unless gcc-multilib is installed. Shift-and-subtract, one bit a step: nothing
 * here runs in a timed loop.
 */
#include <stdint.h>

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);

static uint64_t divmod(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d == 0) {
		/* What the hardware does for 32 bits: fault, rather than return a made-up figure. */
		__asm__ __volatile__("ud2");
	}
	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= (uint64_t)1 << bit;
		}
	}
	*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	/* 32-bit operands: one divl, which needs no helper. */
	if ((n >> 32) == 0 && (d >> 32) == 0)
		return (uint32_t)n / (uint32_t)d;
	return divmod(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	if ((n >> 32) == 0 && (d >> 32) == 0)
		return (uint32_t)n % (uint32_t)d;
	divmod(n, d, &r);
	return r;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t r, q;

	if ((n >> 32) == 0 && (d >> 32) == 0) {
		q = (uint32_t)n / (uint32_t)d;
		r = (uint32_t)n % (uint32_t)d;
	} else {
		q = divmod(n, d, &r);
	}
	if (rem)
		*rem = r;
	return q;
}
