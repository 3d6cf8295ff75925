import type { BootstrapConfig, MethodologyConfig } from '../config/types.js';
import type { Accel } from '../units.js';
import { peerResults, type PeerEntry } from './peers.js';
import { guestResults, type NotRun, type RawBoot, type ResultEntry } from './results.js';

export interface GuestFigures {
  results: ResultEntry[];
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
  const failed: NotRun[] = [];
  for (const result of guestResults(guest.name, guest.os, accel, boots, config.bootstrap, config.methodology)) {
    if (!result.timerOverhead.stable && config.methodology.unstableOverhead === 'fail') {
      failed.push({ guest: guest.name, metric: result.metric, reason: `not reported: ${result.timerOverhead.message} (methodology.unstableOverhead: fail)` });
    } else {
      results.push(result);
    }
  }
  return { results, failed, peers: peerResults(guest.name, guest.os, accel, boots, results) };
}
