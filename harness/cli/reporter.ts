import type { RunEvent } from '../runner/events.js';

/** Prints run events as one line each, for a person watching a long run. */
export function createReporter(write: (line: string) => void): (event: RunEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'run-start':
        return write(`run ${event.runId}: ${event.guests.length} guest(s) -> ${event.runDir}`);
      case 'accel-chosen':
        return write(`accelerator: ${event.accel} (${event.reason})`);
      case 'guest-skipped':
        return write(`[${event.guest}] skipped: ${event.reason}${event.howTo ? `; ${event.howTo}` : ''}`);
      case 'host-warning':
        return write(`[${event.guest}] host: ${event.warning}`);
      case 'guest-preparing':
        return write(`[${event.guest}] ${event.message}`);
      case 'guest-booting':
        return write(`[${event.guest}] boot ${event.boot}: booting with ${event.vcpus} vCPU(s)`);
      case 'vcpus-pinned':
        return write(`[${event.guest}] vCPU threads: ${event.affinity.map((a) => `vCPU${a.vcpu}=tid ${a.threadId} on CPU ${a.hostCpus}`).join(', ')}`);
      case 'guest-started':
        return write(`[${event.guest}] payload started (kernel ${event.kernel})`);
      case 'benchmark-begin':
        return write(`[${event.guest}] ${event.metric} ...`);
      case 'benchmark-end':
        return write(`[${event.guest}] ${event.benchmark.metric}: ${event.benchmark.samples.length} samples`);
      case 'benchmark-skipped':
        return write(`[${event.guest}] ${event.skipped.metric} skipped: ${event.skipped.reason}`);
      case 'benchmark-failed':
        return write(`[${event.guest}] ${event.failed.metric} FAILED: ${event.failed.reason}`);
      case 'guest-done':
        return write(`[${event.guest}] done in ${event.seconds.toFixed(1)} s`);
      case 'guest-failed':
        return write(`[${event.guest}] FAILED: ${event.error.message}`);
      case 'run-done':
        return write(`run ${event.complete ? 'complete' : 'INCOMPLETE'}: ${event.runDir}`);
    }
  };
}
