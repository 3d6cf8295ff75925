import type { GuestConfig, RunConfig } from '../config/types.js';
import type { BootManifest } from '../rundir/manifest.js';
import type { Accel } from '../units.js';
import type { GuestStream } from '../wire/stream.js';
import { guestFigures } from './guest-figures.js';
import type { PeerEntry } from './peers.js';
import type { NotRun, RawBoot, ResultEntry } from './results.js';

/** What a guest's boots have produced so far; the runner saves it after every boot. */
export interface GuestOutcome {
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  boots: RawBoot[];
  /** Peer tools' benchmarks (config `peers`) beside our figures; a failed peer never fails the guest. */
  peers: PeerEntry[];
}

/**
 * A guest's outcome built up boot by boot, the same way whether a boot has just run or was read
 * back from its data.bin on resume, so a resumed run gives the figures an uninterrupted one does.
 */
export class GuestAccumulator {
  readonly outcome: GuestOutcome = { results: [], skipped: [], failed: [], boots: [], peers: [] };
  private readonly perBootFailures: NotRun[] = [];

  constructor(
    private readonly guest: GuestConfig,
    private readonly accel: Accel,
    private readonly vcpusNote: string | undefined,
    private readonly config: RunConfig,
    private readonly totalBoots: number,
  ) {}

  add(boot: BootManifest, stream: GuestStream): GuestOutcome {
    const { guest, outcome } = this;
    outcome.boots.push({ boot: boot.boot, stream });
    for (const s of stream.skipped) {
      if (!outcome.skipped.some((k) => k.metric === s.metric)) {
        outcome.skipped.push({ guest: guest.name, metric: s.metric, reason: this.vcpusNote ? `${s.reason} (${this.vcpusNote})` : s.reason });
      }
    }
    const prefix = this.totalBoots > 1 ? `boot ${boot.boot}: ` : '';
    for (const f of stream.failed) this.perBootFailures.push({ guest: guest.name, metric: f.metric, reason: `${prefix}${f.reason}` });
    // A boot a signal stopped is not a failure: results.json lists it under `interrupted` (report/write.ts), as the manifest does.
    if (boot.reason !== undefined && boot.status !== 'interrupted') this.perBootFailures.push({ guest: guest.name, reason: `${prefix}${boot.reason}` });
    const soFar = guestFigures(guest, this.accel, outcome.boots, this.config);
    outcome.results = soFar.results;
    outcome.failed = [...this.perBootFailures, ...soFar.failed];
    outcome.peers = soFar.peers;
    return outcome;
  }
}
