#include <string.h>

#include "timer.h"

int hb_timer_use_rdtscp;

struct regs {
	uint32_t a, b, c, d;
};

static struct regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct regs r;

	__asm__ __volatile__("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(subleaf));
	return r;
}

/* Leaves above the maximum return another leaf's data on Intel, so every use checks the range. */
static uint32_t max_basic_leaf(void)
{
	return cpuid(0, 0).a;
}

static uint32_t max_extended_leaf(void)
{
	uint32_t max = cpuid(0x80000000u, 0).a;

	return (max & 0xffff0000u) == 0x80000000u ? max : 0;
}

const char *hb_timer_init(void)
{
	hb_timer_use_rdtscp = max_extended_leaf() >= 0x80000001u && (cpuid(0x80000001u, 0).d >> 27 & 1);
	return hb_timer_use_rdtscp ? "rdtscp+lfence" : "lfence+rdtsc";
}

int hb_invariant_tsc(void)
{
	return max_extended_leaf() >= 0x80000007u && (cpuid(0x80000007u, 0).d >> 8 & 1);
}

/*
 * Under KVM (and VMware) the hypervisor leaf 0x40000010 carries the TSC rate in kHz when the
 * hypervisor knows it; QEMU/KVM fills it in for invariant-TSC guests, which rarely see leaf 0x15.
 */
static uint64_t hypervisor_tsc_hz(void)
{
	struct regs base;
	char vendor[12];

	if (max_basic_leaf() < 1 || !(cpuid(1, 0).c >> 31 & 1))
		return 0;
	base = cpuid(0x40000000u, 0);
	memcpy(vendor + 0, &base.b, 4);
	memcpy(vendor + 4, &base.c, 4);
	memcpy(vendor + 8, &base.d, 4);
	if (memcmp(vendor, "KVMKVMKVM\0\0\0", 12) != 0 && memcmp(vendor, "VMwareVMware", 12) != 0)
		return 0;
	if (base.a < 0x40000010u)
		return 0;
	return (uint64_t)cpuid(0x40000010u, 0).a * 1000;
}

uint64_t hb_tsc_hz_cpuid(void)
{
	uint32_t max = max_basic_leaf();

	if (max >= 0x15) {
		/* TSC = crystal * EBX / EAX; any zero means "not enumerated". */
		struct regs r = cpuid(0x15, 0);

		if (r.a && r.b && r.c)
			return (uint64_t)r.c * r.b / r.a;
	}
	if (max >= 0x16) {
		/* Processor base frequency: the nominal TSC rate on the CPUs that lack the crystal. */
		uint32_t mhz = cpuid(0x16, 0).a & 0xffff;

		if (mhz)
			return (uint64_t)mhz * 1000000;
	}
	return hypervisor_tsc_hz();
}

void hb_timer_check(uint64_t reads, struct hb_timer_check *out)
{
	uint64_t backwards = 0, max_backwards = 0, min_forward = UINT64_MAX, max_forward = 0;
	uint64_t prev, i;

	out->reads = reads;
	if (reads) {
		prev = hb_timer_now();
		for (i = 1; i < reads; i++) {
			uint64_t t = hb_timer_now();

			if (t < prev) {
				backwards++;
				if (prev - t > max_backwards)
					max_backwards = prev - t;
			} else {
				if (t - prev < min_forward)
					min_forward = t - prev;
				if (t - prev > max_forward)
					max_forward = t - prev;
			}
			prev = t;
		}
	}
	out->backwards = backwards;
	out->max_backwards = max_backwards;
	out->min_forward = min_forward == UINT64_MAX ? 0 : min_forward;
	out->max_forward = max_forward;
}

/* Where marker (NUL-terminated) first occurs in text[0, len), or NULL. No strstr: seL4 has none. */
static const char *find(const char *text, size_t len, const char *marker)
{
	size_t m = strlen(marker), i;

	if (m == 0 || m > len)
		return NULL;
	for (i = 0; i + m <= len; i++) {
		if (memcmp(text + i, marker, m) == 0)
			return text + i;
	}
	return NULL;
}

uint64_t hb_tsc_hz_from_text(const char *text, size_t len, const char *marker)
{
	const char *p = find(text, len, marker), *end = text + len;
	uint64_t mhz = 0, frac = 0, scale = 1000000; /* frac in millionths of a MHz, i.e. Hz */
	int colon = 0, digits = 0;

	if (!p)
		return 0;
	p += strlen(marker);
	while (p < end && (*p == ' ' || *p == '\t' || (*p == ':' && !colon++)))
		p++;
	/* Nine digits of MHz cover any TSC; more are not a frequency (and would overflow). */
	while (p < end && *p >= '0' && *p <= '9' && digits < 9) {
		mhz = mhz * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (!digits || (p < end && *p >= '0' && *p <= '9'))
		return 0;
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
		}
	}
	return mhz * 1000000 + frac;
}
