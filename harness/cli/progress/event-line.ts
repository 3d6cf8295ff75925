import type { RunEvent } from '../../lifecycle/events.js';

/**
 * The line a person reading a log wants for an event, or undefined for events that only move a
 * live status line (sample counts: benchmark-end already says how many arrived).
 */
export function eventLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return `run ${event.runId}: ${event.guests.length} guest(s) -> ${event.runDir}`;
    case 'accel-chosen':
      return `accelerator: ${event.accel} (${event.reason})`;
    case 'guest-skipped':
      return `[${event.guest}] skipped: ${event.reason}${event.howTo ? `; ${event.howTo}` : ''}`;
    case 'host-warning':
      return `[${event.guest}] host: ${event.warning}`;
    case 'guest-warning':
      return `[${event.guest}] warning: ${event.warning}`;
    case 'guest-preparing':
      return `[${event.guest}] ${event.message}`;
    case 'guest-booting':
      return `[${event.guest}] boot ${event.boot}/${event.boots}: booting with ${event.vcpus} vCPU(s)`;
    case 'vcpus-pinned':
      return `[${event.guest}] vCPU threads: ${event.affinity.map((a) => `vCPU${a.vcpu}=tid ${a.threadId} on CPU ${a.hostCpus}`).join(', ')}`;
    case 'guest-started':
      return `[${event.guest}] payload started (kernel ${event.kernel})`;
    case 'benchmark-begin':
      return `[${event.guest}] ${event.metric} ...`;
    case 'benchmark-progress':
      return undefined;
    case 'benchmark-end':
      return `[${event.guest}] ${event.benchmark.metric}: ${event.benchmark.samples.length} samples`;
    case 'benchmark-skipped':
      return `[${event.guest}] ${event.skipped.metric} skipped: ${event.skipped.reason}`;
    case 'benchmark-failed':
      return `[${event.guest}] ${event.failed.metric} FAILED: ${event.failed.reason}`;
    case 'payload-done':
      return `[${event.guest}] payload done, shutting down`;
    case 'guest-done':
      return `[${event.guest}] done in ${event.seconds.toFixed(1)} s`;
    case 'guest-failed':
      return `[${event.guest}] FAILED: ${event.error.message}`;
    case 'job-submitted':
      return `[${event.guest}] job ${event.job} submitted: Slurm job ${event.slurmJobId}, log ${event.log}`;
    case 'job-state': {
      const where = event.node ? ` on ${event.node}` : '';
      const why = event.reason && event.state !== 'done' ? `: ${event.reason.split('\n')[0]}` : '';
      return `[${event.guest}] job ${event.job}: ${event.slurmState}${where} -> ${event.state}${why} (${event.ended}/${event.total} jobs ended)`;
    }
    case 'run-done':
      if (event.interrupted) return `run INTERRUPTED (${event.interrupted}): ${event.runDir}; finish it with: harness run --resume ${event.runDir}`;
      return `run ${event.complete ? 'complete' : 'INCOMPLETE'}: ${event.runDir}`;
  }
}

/**
 * Whether a live terminal keeps the event's line above the status line. The others (boot steps,
 * a benchmark starting, sample counts) only change the status line, so the screen holds what
 * happened, not every step taken.
 */
export function isLasting(event: RunEvent): boolean {
  switch (event.type) {
    case 'guest-booting':
    case 'vcpus-pinned':
    case 'benchmark-begin':
    case 'benchmark-progress':
    case 'payload-done':
      return false;
    default:
      return true;
  }
}
