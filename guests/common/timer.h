/*
 * The TSC as every payload reads it, so figures from different guests differ only in what the
 * guest did between two reads. x86-64 only.
 */
#ifndef HB_TIMER_H
#define HB_TIMER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Set by hb_timer_init(). A plain variable rather than a function pointer: the branch on it is
 * predicted perfectly and costs less than an indirect call, and hb_timer_overhead() includes it.
 */
extern int hb_timer_use_rdtscp;

/*
 * Chooses the read sequence once, from CPUID, and returns its name for the stream header:
 * "rdtscp+lfence" when RDTSCP exists (CPUID.80000001H:EDX[27]), else "lfence+rdtsc".
 */
const char *hb_timer_init(void);

/*
 * RDTSCP waits for earlier instructions to finish; the LFENCE after it keeps later ones from
 * starting before the read. Without RDTSCP, LFENCE on both sides gives the same ordering. The
 * memory clobber stops the compiler moving loads and stores of the measured code across a read.
 */
static inline uint64_t hb_timer_now(void)
{
	uint32_t lo, hi, aux;

	if (hb_timer_use_rdtscp) {
		__asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
		(void)aux;
	} else {
		__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	}
	return ((uint64_t)hi << 32) | lo;
}

/* Smallest of n back-to-back read deltas: the floor under every sample. */
static inline uint64_t hb_timer_overhead(uint32_t n)
{
	uint64_t best = UINT64_MAX;

	while (n--) {
		uint64_t t0 = hb_timer_now();
		uint64_t t1 = hb_timer_now();

		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best == UINT64_MAX ? 0 : best;
}

/* What hb_timer_check() saw; every figure in timer ticks except the counts. */
struct hb_timer_check {
	uint64_t reads;         /* timer reads taken */
	uint64_t backwards;     /* deltas that went backwards: t[i] < t[i-1] */
	uint64_t max_backwards; /* largest t[i-1] - t[i]; 0 when none went backwards */
	uint64_t min_forward;   /* smallest t[i] - t[i-1] of the others (0: the timer stood still) */
	uint64_t max_forward;   /* largest of them: includes any interrupt or vCPU preemption */
};

/*
 * Reads the timer `reads` times back to back with hb_timer_now(), the read every sample is taken
 * with, and classifies each of the reads - 1 deltas as it goes (nothing is stored, so any count
 * fits). A TSC that is consistent for the caller never goes backwards; under an emulator, or when
 * the caller moves between CPUs whose TSCs disagree, it can. Freestanding; call hb_timer_init()
 * first. min_forward and max_forward are 0 when there was no forward delta.
 */
void hb_timer_check(uint64_t reads, struct hb_timer_check *out);

/*
 * TSC frequency in Hz from the first "<marker> <MHz>" in text[0, len), as kernels print their
 * own calibration: after marker come blanks and at most one ':', then the MHz as decimal digits
 * with an optional fraction ("2899.999" gives 2899999000; digits past the sixth decimal are
 * ignored). 0 when marker is absent or no digit follows it. Freestanding; text need not end in
 * a NUL.
 */
uint64_t hb_tsc_hz_from_text(const char *text, size_t len, const char *marker);

/* 1 when CPUID.80000007H:EDX[8] says the TSC ticks at a constant rate in every P/C-state. */
int hb_invariant_tsc(void);

/* TSC frequency in Hz as CPUID states it, 0 when it does not. */
uint64_t hb_tsc_hz_cpuid(void);

#endif
