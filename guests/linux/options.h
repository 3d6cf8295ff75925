/*
 * Settings come from the kernel command line in the guest (the harness cannot pass argv to a
 * program started by init) and from argv on the host, where argv wins. The hb.* words every
 * payload shares are parsed by guests/common/settings.c; the data channel path and the peers
 * (hb.peers=perf: a comma list of other tools whose benchmarks run after ours) and hb.cpuup=pause
 * (bring the offline CPUs online first: cpu_up.h) are Linux's own.
 */
#ifndef HB_OPTIONS_H
#define HB_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_up.h"
#include "fault.h"
#include "settings.h"

/* Bits of hb_options.peers: other tools' benchmarks to run after ours (peer.h). */
#define HB_PEER_PERF 1u

struct hb_options {
	struct hb_settings settings;
	char data[256]; /* data channel device or file */
	unsigned peers; /* HB_PEER_* bits, from hb.peers=perf; 0 by default */
	enum hb_cpu_up cpu_up; /* hb.cpuup=pause; HB_CPU_UP_NONE by default */
	enum hb_fault fault; /* TEST-ONLY (fault.h): hb.fault=NAME; HB_FAULT_NONE by default */
};

void hb_options_defaults(struct hb_options *o);

/*
 * Applies the hb.iterations=, hb.warmup=, hb.bench=, hb.data=, hb.peers=, hb.cpuup= (and the test-only hb.fault=) words of a kernel command line
 * (the contents of /proc/cmdline). Returns 0, or -1 with a message in err.
 */
int hb_options_from_cmdline(struct hb_options *o, const char *cmdline, char *err, size_t err_size);

/*
 * Applies --iterations N, --warmup N, --bench LIST, --data PATH, --peers LIST, --cpuup METHOD. Returns 0, 1 for
 * --help, or -1.
 */
int hb_options_from_argv(struct hb_options *o, int argc, char **argv, char *err, size_t err_size);

#endif
