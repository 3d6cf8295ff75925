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
    const nothing = nothingRun(guest, boot, stream);
    if (nothing !== undefined) this.perBootFailures.push({ guest: guest.name, reason: `${prefix}${nothing}` });
    const soFar = guestFigures(guest, this.accel, outcome.boots, this.config);
    outcome.results = soFar.results;
    outcome.failed = [...this.perBootFailures, ...soFar.failed];
    outcome.peers = soFar.peers;
    return outcome;
  }
}

/**
 * Why a boot that ended well gave nothing: the payload finished its stream (STREAM_END) without
 * running, skipping or failing one benchmark, so `benchmarks.include` matched none of the ones it
 * has. Zero figures from a guest that ran is a failure, never a passing run with nothing in it (a
 * benchmark the payload skipped, with its reason, is not this: the run says why). Undefined when
 * the boot gave something, or failed (its own reason says why).
 */
function nothingRun(guest: GuestConfig, boot: BootManifest, stream: GuestStream): string | undefined {
  if (boot.status !== 'done' || !stream.complete) return undefined;
  if (stream.benchmarks.length > 0 || stream.skipped.length > 0 || stream.failed.length > 0) return undefined;
  const include = guest.benchmarks.include.map((glob) => JSON.stringify(glob)).join(', ');
  return `the payload ran no benchmark: benchmarks.include [${include}] matched none of the benchmarks it has (docs/metrics.md lists each guest's metric names; \`*\` runs them all)`;
}
