/*
 * The peer cross-check: after its own benchmarks, the payload runs another tool's benchmarks of
 * the same operations in the same boot (hb.peers=perf: `perf bench sched pipe` and `perf bench
 * syscall basic`) and sends what the tool printed in PEER records (wire.h). The harness parses
 * the output and sets the figures beside ours. Nothing here can fail our own figures: a missing
 * or failing tool becomes a PEER record with a reason.
 */
#ifndef HB_PEER_H
#define HB_PEER_H

#include "options.h"
#include "wire_emit.h"

/* Where the harness puts perf in the initramfs (harness/guests/linux/perf.ts); tests override it. */
#ifndef HB_PERF_PATH
#define HB_PERF_PATH "/usr/bin/perf"
#endif

/* Runs every benchmark of every peer in o->peers, one PEER record each. */
void hb_run_peers(struct hb_wire *w, const struct hb_options *o);

#endif
