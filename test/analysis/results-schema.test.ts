import { readFile } from 'node:fs/promises';

import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'chai';

import { crossOsTables } from '../../harness/analysis/cross-os.js';
import { guestFigures } from '../../harness/analysis/guest-figures.js';
import { DEFAULT_METHODOLOGY, type NotRun, type RawBoot } from '../../harness/analysis/results.js';
import { figureSamplesFromStreams, type BootStream } from '../../harness/analysis/figure-samples.js';
import { withComparison } from '../../harness/report/results-json.js';
import { resultsDocument, resultsSchemaPath } from '../../harness/report/write.js';
import { createRandom } from '../../harness/stats/index.js';
import type { PeerRun, RawBenchmark } from '../../harness/wire/stream.js';
import { syntheticManifest } from '../report/html/synthetic-report.js';

type Json = Record<string, unknown>;

const BOOTSTRAP = { resamples: 200, seed: 1 };

/** Raw ticks around `center`, a few in a tail up to four times it (interrupts); seeded. */
function samples(center: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: 300 }, () => Math.round(center * (1 + (random() - 0.5) * 0.05 + (random() < 0.02 ? 3 : 0))));
}

function bench(metric: string, mechanism: string, center: number, seed: number, overhead: [number, number] = [20, 21]): RawBenchmark {
  return {
    metric,
    mechanism,
    unit: 'ticks',
    iterations: 300,
    warmup: 30,
    opsPerSample: 1,
    vcpus: '0',
    affinity: '0',
    timerOverhead: overhead[0],
    timerOverheadAfter: overhead[1],
    samples: Float64Array.from(samples(center, seed)),
  };
}

function perf(bench: string, compareWith: string, usecsPerOp: number, failure?: string): PeerRun {
  const output =
    failure === undefined ? `# Running '${bench}' benchmark: | Total time: 0.073 [sec] | ${usecsPerOp} usecs/op | 136823 ops/sec` : 'perf: not found';
  return {
    peer: 'perf',
    bench,
    compareWith,
    command: `perf bench ${bench}`,
    loops: 100000,
    vcpus: '0',
    affinity: '0',
    exit: failure === undefined ? '0' : '127',
    output,
    ...(failure === undefined ? {} : { reason: failure }),
  };
}

/**
 * Two boots of a Linux guest under KVM (TSC frequency known, so figures in ns; a timer that went
 * backwards, an unstable overhead flagged; perf beside it, failing once) and one of seL4 under TCG
 * (emulator ticks with their caveat; an unstable overhead withheld as failed by `unstableOverhead: fail`).
 */
function syntheticBoots(): { linux: RawBoot[]; sel4: RawBoot[] } {
  const kvmInfo = {
    timer: 'rdtscp',
    tsc_hz: '3000000000',
    tsc_hz_source: 'cpuid',
    clock_check_ns: '50000000',
    clock_check_ticks: '150000000',
    timer_check_reads: '1000',
    timer_backwards: '1',
    timer_max_backwards: '3',
  };
  const linux = [1, 2].map((boot) => ({
    boot,
    stream: {
      info: kvmInfo,
      benchmarks: [
        bench('syscall.null', 'getppid', 350, boot),
        bench('ipc.roundtrip.pipe.process.same', 'pipe', 10800, 10 + boot),
        bench('ctxswitch.yield', 'sched_yield', 2100, 20 + boot, [20, 60]),
      ],
      skipped: [],
      failed: [],
      peers: [
        perf('sched-pipe', 'ipc.roundtrip.pipe.process.same', 3.6),
        perf('syscall-basic', 'syscall.null', 0.11, boot === 2 ? 'perf exited with status 127' : undefined),
      ],
      complete: true,
    },
  }));
  const sel4 = [
    {
      boot: 1,
      stream: {
        info: { timer: 'rdtsc' },
        benchmarks: [
          bench('syscall.null', 'seL4_Yield', 290, 31),
          bench('ipc.roundtrip.sel4call.thread.same', 'seL4_Call/seL4_ReplyRecv', 480, 32),
          bench('ctxswitch.yield', 'seL4_Yield', 270, 33, [20, 80]),
        ],
        skipped: [],
        failed: [],
        peers: [],
        complete: true,
      },
    },
  ];
  return { linux, sel4 };
}

/** results.json of the synthetic run, built by the functions the runner builds it with. */
function syntheticResultsJson(): Json {
  const boots = syntheticBoots();
  const linux = guestFigures({ name: 'linux', os: 'linux' }, 'kvm', boots.linux, { bootstrap: BOOTSTRAP, methodology: DEFAULT_METHODOLOGY });
  const sel4 = guestFigures({ name: 'sel4', os: 'sel4' }, 'tcg', boots.sel4, {
    bootstrap: BOOTSTRAP,
    methodology: { ...DEFAULT_METHODOLOGY, unstableOverhead: 'fail' },
  });
  const skipped: NotRun[] = [
    { guest: 'minix', reason: 'no disk image at images/minix/minix.img', howTo: 'make one as docs/guests/minix.md says' },
    { guest: 'linux', metric: 'ipc.roundtrip.pipe.thread.cross', reason: 'needs 2 vCPUs, the guest has 1 online' },
  ];
  const manifest = syntheticManifest('2026-01-02T03-04-05Z-schema', [
    { name: 'linux', os: 'linux', boots: 2 },
    { name: 'sel4', os: 'sel4', boots: 1 },
  ]);
  const doc = resultsDocument(manifest, {
    results: [...linux.results, ...sel4.results],
    skipped,
    failed: [...linux.failed, ...sel4.failed, { guest: 'sel4', reason: 'boot 2: QEMU exited with status 1' }],
    peers: [...linux.peers, ...sel4.peers],
  });
  const streams: BootStream[] = [...boots.linux.map((b) => ({ guest: 'linux', ...b })), ...boots.sel4.map((b) => ({ guest: 'sel4', ...b }))];
  const crossOs = crossOsTables(figureSamplesFromStreams(doc, streams), { bootstrap: BOOTSTRAP });
  return JSON.parse(JSON.stringify(withComparison(doc, crossOs))) as Json;
}

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
}

const child = (at: string, key: string) => (at === '' ? key : `${at}.${key}`);

/** Every property path the schema describes ("results[].nanoseconds.median"), through $refs and each branch of a oneOf. */
function schemaPaths(root: SchemaNode, node: SchemaNode, at = ''): string[] {
  const s = node.$ref === undefined ? node : root.definitions![node.$ref.replace('#/definitions/', '')]!;
  return [
    ...Object.entries(s.properties ?? {}).flatMap(([key, sub]) => [child(at, key), ...schemaPaths(root, sub, child(at, key))]),
    ...(s.items === undefined ? [] : schemaPaths(root, s.items, `${at}[]`)),
    ...(s.oneOf ?? []).flatMap((branch) => schemaPaths(root, branch, at)),
  ];
}

/** Every property path present in a JSON value, in the same notation. */
function valuePaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuePaths(item, `${at}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, sub]) => [child(at, key), ...valuePaths(sub, child(at, key))]);
}

const first = (doc: Json, list: string): Json => (doc[list] as Json[])[0]!;

/** Mistakes a writer of results.json could make, each with where the schema must report it. */
const MISTAKES: [what: string, instancePath: string, spoil: (doc: Json) => void][] = [
  ['a figure without its median', '/results/0', (doc) => delete first(doc, 'results')['median']],
  [
    'an OS that is not a lowercase name (the guest adapters, not this schema, know the OSes)',
    '/results/0/os',
    (doc) => void (first(doc, 'results')['os'] = 'Windows 11'),
  ],
  ['a confidence interval of three numbers', '/results/0/ci95', (doc) => void (first(doc, 'results')['ci95'] as number[]).push(1)],
  ['nanoseconds with a median but no interval', '/results/0/nanoseconds', (doc) => void (first(doc, 'results')['nanoseconds'] = { median: 1 })],
  ['a misspelt key', '/skipped/0', (doc) => void Object.assign(first(doc, 'skipped'), { resaon: 'x' })],
  ['another schema version', '/schemaVersion', (doc) => void (doc['schemaVersion'] = 3)],
  ['a peer ratio written as text', '/peers/0/ratio', (doc) => void (first(doc, 'peers')['ratio'] = '1.2')],
];

describe('harness/analysis/results.schema.json against a synthetic results.json', () => {
  let validate: ValidateFunction;
  let schema: SchemaNode;
  let doc: Json;
  before(async () => {
    schema = JSON.parse(await readFile(resultsSchemaPath, 'utf8')) as SchemaNode;
    validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    doc = syntheticResultsJson();
  });

  it('the results.json the runner would write is valid', () => {
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).to.equal(true);
  });

  it('has every property the schema describes, optional ones and both branches of each oneOf', () => {
    // `failed` shares its definition with `skipped`, but only a skipped guest comes with a howTo.
    // `interrupted` is only in an interrupted run's (test/report/interrupted-boot.test.ts), with neither metric nor howTo.
    const interrupted = ['interrupted', 'interrupted[].guest', 'interrupted[].metric', 'interrupted[].reason', 'interrupted[].howTo'];
    const present = new Set([...valuePaths(doc), 'failed[].howTo', ...interrupted]);
    expect(schemaPaths(schema, schema).filter((p) => !present.has(p))).to.deep.equal([]);
  });

  for (const [what, instancePath, spoil] of MISTAKES) {
    it(`rejects ${what}, at ${instancePath}`, () => {
      const spoilt = structuredClone(doc);
      spoil(spoilt);
      expect(validate(spoilt)).to.equal(false);
      expect(validate.errors?.map((e) => e.instancePath)).to.include(instancePath);
    });
  }
});
