/*
 * TEST-ONLY fault injection: hb.fault=NAME makes the payload misbehave on purpose, so the
 * harness's reliability tests (test/runner/faults.integration.test.ts) can check that a real guest
 * that hangs or panics is detected, killed and reported. Nothing in a config can set it: the
 * harness adds the word only when the HB_TEST_FAULT environment variable names this guest (see
 * docs/reliability.md). Without the word the payload behaves exactly as before.
 */
#ifndef HB_FAULT_H
#define HB_FAULT_H

#include <stddef.h>

enum hb_fault {
	HB_FAULT_NONE = 0,
	HB_FAULT_HANG_AT_BOOT,       /* hang before the first record (STREAM_BEGIN) */
	HB_FAULT_HANG_MID_BENCHMARK, /* after the first benchmark, send the next one's BENCH_BEGIN and hang */
	HB_FAULT_PANIC,              /* after the first benchmark, panic the kernel (sysrq 'c') */
};

/* Returns 0, or -1 with a message in err when value is no fault name. */
int hb_fault_parse(const char *value, size_t value_len, enum hb_fault *out, char *err, size_t err_size);

const char *hb_fault_name(enum hb_fault fault);

/* Says so on the console, then never returns (the harness's timeout must end it). */
void hb_fault_hang(enum hb_fault fault) __attribute__((noreturn));

/*
 * Says so on the console and panics the kernel through /proc/sysrq-trigger; drain (may be NULL)
 * is called first so records already written reach the host. Hangs if the panic does not happen.
 */
void hb_fault_panic(void (*drain)(void *ctx), void *ctx) __attribute__((noreturn));

#endif
