import type { BootstrapConfig, MethodologyConfig } from '../config/types.js';
import type { Accel } from '../units.js';
import { peerResults, type PeerEntry } from './peers.js';
import { guestResultsWithGroups, type NotRun, type RawBoot, type ResultEntry } from './results.js';

export interface GuestFigures {
  results: ResultEntry[];
  /**
   * For each of `results`, the per-operation values it was computed from, each boot's sorted: what
   * figureGroups() (figure-samples.ts) derives again from the raw samples, kept so that the report
   * need not (8 bytes a sample more). Undefined for a figure whose boots announced different
   * operations per sample: figureGroups() divides all by the first boot's, so only it says what
   * the report shows.
   */
  groups: (Float64Array[] | undefined)[];
  /** Figures withheld by `methodology.unstableOverhead: fail`. */
  failed: NotRun[];
  peers: PeerEntry[];
}

/**
 * Everything a guest's boots yield for the report. The runner calls it after each boot and the
 * report regenerator on archived data, so both derive the same figures from the same bytes.
 */
export function guestFigures(
  guest: { name: string; os: string },
  accel: Accel,
  boots: readonly RawBoot[],
  config: { bootstrap: BootstrapConfig; methodology: MethodologyConfig },
): GuestFigures {
  const results: ResultEntry[] = [];
  const groups: (Float64Array[] | undefined)[] = [];
  const failed: NotRun[] = [];
  for (const result of guestResultsWithGroups(guest.name, guest.os, accel, boots, config.bootstrap, config.methodology)) {
    const { entry } = result;
    if (!entry.timerOverhead.stable && config.methodology.unstableOverhead === 'fail') {
      failed.push({ guest: guest.name, metric: entry.metric, reason: `not reported: ${entry.timerOverhead.message} (methodology.unstableOverhead: fail)` });
    } else {
      results.push(entry);
      groups.push(sameOpsPerSample(boots, entry) ? result.groups : undefined);
    }
  }
  return { results, groups, failed, peers: peerResults(guest.name, guest.os, accel, boots, results) };
}

function sameOpsPerSample(boots: readonly RawBoot[], entry: ResultEntry): boolean {
  return boots.every(({ stream }) => stream.benchmarks.every((b) => b.metric !== entry.metric || b.opsPerSample === entry.opsPerSample));
}
