import type { Manifest } from '../../../harness/rundir/manifest.js';
import { crossOsTables } from '../../../harness/analysis/cross-os.js';
import type { FigureSamples } from '../../../harness/analysis/figure-samples.js';
import type { HtmlReportInput } from '../../../harness/report/html/report-html.js';
import { createRandom, median } from '../../../harness/stats/index.js';
import { resultEntry } from '../../support/result-entry.js';

/** The figures of a Linux + seL4 run, as the real guests report them: 17 in all. */
const FIGURES: [guest: string, metric: string, mechanism: string, median: number][] = [
  ['linux', 'syscall.null', 'getppid', 335],
  ['linux', 'ipc.roundtrip.pipe.thread.same', 'pipe', 10802],
  ['linux', 'ipc.roundtrip.pipe.process.same', 'pipe', 10850],
  ['linux', 'ipc.roundtrip.futex.thread.same', 'futex', 7262],
  ['linux', 'ipc.roundtrip.futex.process.same', 'futex', 9209],
  ['linux', 'ipc.roundtrip.eventfd.thread.same', 'eventfd', 8888],
  ['linux', 'ipc.roundtrip.eventfd.process.same', 'eventfd', 8936],
  ['linux', 'ipc.roundtrip.unix.thread.same', 'unix', 21453],
  ['linux', 'ipc.roundtrip.unix.process.same', 'unix', 21705],
  ['linux', 'ctxswitch.yield', 'sched_yield', 2123],
  ['linux', 'ctxswitch.futex', 'futex', 5085],
  ['sel4', 'ipc.roundtrip.sel4call.thread.same', 'seL4_Call/seL4_ReplyRecv', 481],
  ['sel4', 'ipc.roundtrip.sel4call.process.same', 'seL4_Call/seL4_ReplyRecv', 483],
  ['sel4', 'ipc.oneway.sel4call.thread.same', 'seL4_Call', 228],
  ['sel4', 'ipc.oneway.sel4reply.thread.same', 'seL4_ReplyRecv', 253],
  ['sel4', 'syscall.null', 'seL4_Yield (no other runnable thread)', 292],
  ['sel4', 'ctxswitch.yield', 'seL4_Yield', 271],
];

/**
 * One boot's per-operation samples: mostly within a few ticks of the figure, a few percent in a
 * tail up to three times it (interrupts), as a KVM run looks. Seeded, so every call agrees.
 */
function bootSamples(center: number, n: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    const r = random();
    if (r < 0.03) return Math.round(center * (1.2 + 1.8 * random()));
    return center + Math.round((random() + random() + random() - 1.5) * Math.max(2, center * 0.01));
  });
}

export function syntheticManifest(runId: string, guests: readonly { name: string; os: 'linux' | 'sel4'; boots: number }[]): Manifest {
  return {
    schemaVersion: 1,
    runId,
    complete: true,
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:05:00.000Z',
    command: ['harness', 'run', 'configs/x.yaml'],
    host: { hostname: 'h', kernel: 'Linux 6.1.0', cpuModel: 'Test CPU @ 3.0GHz', cpuFlags: ['vmx', 'rdtscp'], logicalCpus: 8, memoryBytes: 16 * 2 ** 30 },
    project: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false, nodeVersion: 'v20.20.2' },
    config: { file: 'configs/x.yaml', sha256: 'ab'.repeat(32), copy: 'config.yaml' },
    accel: { requested: 'kvm', chosen: 'kvm', reason: 'kvm was asked for' },
    bootstrap: { resamples: 200, seed: 1, method: 'percentile bootstrap of the median' },
    guests: guests.map((g) => ({
      name: g.name,
      os: g.os,
      status: 'done',
      accel: 'kvm',
      vcpusConfigured: 2,
      vcpusUsed: 2,
      qemuVersion: 'QEMU emulator version 7.2.0',
      hostConditions: {
        cpus: [2, 3],
        governors: { '2': 'performance' },
        turbo: false,
        smtSiblings: {},
        isolated: '2-3',
        nohzFull: '',
        loadBefore: {},
        warnings: g.name === 'linux' ? ['CPU 2 <was> 12% busy'] : [],
      },
      boots: Array.from({ length: g.boots }, (_, i) => ({
        boot: i + 1,
        status: 'done' as const,
        argv: ['qemu-system-x86_64'],
        hostAffinity: [],
        guestInfo: { kernel: `${g.name} kernel 1.0` },
        guestAffinity: {},
        seconds: 10,
        dataBytes: 100,
      })),
    })),
  };
}

/**
 * A complete HtmlReportInput of 17 figures with `samplesPerBoot` samples in each of `boots` boots.
 * The cross-OS ratios are bootstrapped from the first `crossOsSamplesPerBoot` samples of each boot
 * (default all of them), which keeps a report of many samples quick to make when its ratio CIs
 * are not what a test is about.
 */
export function syntheticReport(options: { samplesPerBoot: number; boots: number; crossOsSamplesPerBoot?: number }): HtmlReportInput {
  const runId = '2026-01-02T03-04-05Z-synthetic';
  const figures: FigureSamples[] = FIGURES.map(([guest, metric, mechanism, center], f) => {
    const groups = Array.from({ length: options.boots }, (_, b) => bootSamples(center, options.samplesPerBoot, 1000 * f + b));
    // Figure groups are sorted, as the analysis makes them; the median is of the pooled, sorted values.
    const m = median(Float64Array.from(groups.flat()).sort());
    const entry = resultEntry(guest, metric, m, {
      mechanism,
      unit: 'tsc-ticks',
      accel: 'kvm',
      n: groups.flat().length,
      boots: options.boots,
      ciMethod: options.boots > 1 ? 'hierarchical bootstrap' : 'bootstrap',
      ci95: [m - Math.max(1, m * 0.002), m + Math.max(1, m * 0.003)],
      flags: metric === 'ctxswitch.futex' ? ['timer overhead **unstable**: 20 vs 31'] : [],
    });
    return { runId, entry, groups: groups.map((g) => Float64Array.from(g).sort()) };
  });
  // Ratios are bootstrapped over every sample; a few resamples are enough to give the table its shape.
  const ratioFigures =
    options.crossOsSamplesPerBoot === undefined
      ? figures
      : figures.map((f) => ({ ...f, groups: f.groups.map((g) => g.slice(0, options.crossOsSamplesPerBoot)) }));
  const crossOs = crossOsTables(ratioFigures, { bootstrap: { resamples: 20, seed: 1 } });
  const guests = [
    { name: 'linux', os: 'linux' as const, boots: options.boots },
    { name: 'sel4', os: 'sel4' as const, boots: options.boots },
  ];
  return {
    doc: {
      $schema: './results.schema.json',
      schemaVersion: 2,
      runId,
      complete: true,
      results: figures.map((f) => f.entry),
      skipped: [{ guest: 'linux', metric: 'ipc.roundtrip.pipe.thread.cross', reason: 'needs 2 vCPUs, <guest> has 1 online' }],
      failed: [],
      peers: [
        {
          guest: 'linux',
          os: 'linux',
          peer: 'perf',
          bench: 'syscall basic',
          compareWith: 'syscall.null',
          command: 'perf bench syscall basic',
          accel: 'kvm',
          unit: 'tsc-ticks',
          conversion: '3000 ticks per µs, from the clock check',
          boots: [
            {
              boot: 1,
              loops: 1000,
              exit: '0',
              raw: '# Running | 0.110 usecs/op',
              usecsPerOp: 0.11,
              perOp: 330,
              ticksPerUs: 3000,
              totalSeconds: null,
              opsPerSec: null,
            },
          ],
          perOp: 330,
          ourMedian: 335,
          ratio: 335 / 330,
        },
      ],
    },
    context: {
      createdAt: '2026-01-02T03:04:05.000Z',
      mergedFrom: [],
      executors: [],
      guests: guests.map((g) => ({
        name: g.name,
        runId,
        accel: 'kvm',
        accelReason: 'kvm was asked for',
        vcpus: 2,
        boots: g.boots,
        kernel: `${g.name} kernel 1.0`,
        timer: 'rdtscp; TSC frequency 3000.000 MHz (cpuid)',
        hostWarnings: [],
        terms: {
          mode: 'kvm',
          cpuModel: 'host',
          mitigations: "the kernel's default; in effect: spectre_v2: Retpolines",
          mitigationsOn: true,
          kernelBuild: `${g.name} kernel 1.0`,
          debugBuild: false,
          processors: '2 vCPUs',
          payload: 'gcc 12.2.0, -O2',
          timer: 'rdtscp; overhead 20 subtracted',
        },
      })),
    },
    figures,
    crossOs,
    manifests: [syntheticManifest(runId, guests)],
  };
}
