import type { Manifest } from '../rundir/manifest.js';

/**
 * Where a run's jobs ran, in a sentence, for runs whose jobs ran elsewhere (Slurm): how many jobs
 * in each state, and the nodes with their CPU models. Undefined for a local run (the run's host is
 * where everything ran).
 */
export function executorSummary(manifest: Pick<Manifest, 'executor'>): string | undefined {
  const executor = manifest.executor;
  if (!executor || executor.kind === 'local') return undefined;
  const states = new Map<string, number>();
  const nodes = new Map<string, number>();
  for (const job of executor.jobs) {
    states.set(job.state, (states.get(job.state) ?? 0) + 1);
    if (job.host) {
      const node = `${job.slurm?.node ?? job.host.hostname} (${job.host.cpuModel})`;
      nodes.set(node, (nodes.get(node) ?? 0) + 1);
    }
  }
  const byState = [...states].map(([state, n]) => `${n} ${state}`).join(', ');
  const byNode = [...nodes].map(([node, n]) => `${node}: ${n}`).join('; ');
  return `Slurm, ${executor.jobs.length} job(s): ${byState}; jobs per node: ${byNode || 'none ran yet'} (manifest.json executor.jobs has each job's node, Slurm state and log)`;
}
