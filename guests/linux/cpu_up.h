/*
 * Bringing the guest's other CPUs online from the payload (hb.cpuup=pause), for SMP guests under
 * QEMU 7.2's -icount. There QEMU runs all vCPUs round-robin in one host thread and gives the vCPU
 * whose turn it is every instruction left until the next timer deadline; the next vCPU in the list
 * then starts its turn at that deadline with none left, so it only ever runs when the ones before
 * it stop early, on PAUSE, HLT or MWAIT. Linux's boot CPU waits for a starting CPU in a loop that
 * calls schedule() and executes none of those, so the starting CPU never runs again and the boot
 * hangs (docs/icount-smp.md). The harness therefore boots such guests with maxcpus=1 and the payload
 * writes 1 to /sys/devices/system/cpu/cpuN/online from a second thread while its own thread spins
 * on PAUSE on the same CPU: each PAUSE ends the boot CPU's turn and hands the starting CPU one.
 */
#ifndef HB_CPU_UP_H
#define HB_CPU_UP_H

#include <stddef.h>

enum hb_cpu_up {
	HB_CPU_UP_NONE = 0, /* leave the CPUs as the kernel brought them up (the default) */
	HB_CPU_UP_PAUSE,    /* bring every offline CPU online, spinning on PAUSE meanwhile */
};

/* Returns 0, or -1 with a message in err when value is no method name ("pause"). */
int hb_cpu_up_parse(const char *value, size_t value_len, enum hb_cpu_up *out, char *err, size_t err_size);

/*
 * Brings every CPU under /sys/devices/system/cpu that is offline online, one after the other, as
 * method says (nothing for HB_CPU_UP_NONE). Returns how many it brought up, or -1 with a message
 * in err (the CPUs brought up before the failure stay up).
 */
int hb_cpu_up(enum hb_cpu_up method, char *err, size_t err_size);

#endif
