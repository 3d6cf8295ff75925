import { expect } from 'chai';
import type { GuestManifest, Manifest } from '../../harness/rundir/manifest.js';
import { parseRunArgument } from '../../harness/cli/commands/report.js';
import type { RunConfig } from '../../harness/config/types.js';
import { mergeRuns, type MergeSource } from '../../harness/report/merge.js';
import type { RunData } from '../../harness/report/regenerate.js';
import type { Accel } from '../../harness/units.js';
import { resultEntry } from '../support/result-entry.js';
import { gnumachAnatomy } from './anatomy-fixture.js';

function run(runId: string, guests: { name: string; accel: Accel }[], bootstrap = { resamples: 500, seed: 1 }): RunData {
  const manifestGuests: GuestManifest[] = guests.map(({ name, accel }) => ({
    name,
    os: name === 'sel4' ? 'sel4' : 'linux',
    status: 'done',
    accel,
    vcpusConfigured: 1,
    boots: [],
  }));
  const manifest = { runId, startedAt: '2026-01-01T00:00:00.000Z', guests: manifestGuests } as unknown as Manifest;
  const config = { bootstrap, report: {} } as unknown as RunConfig;
  const results = guests.map(({ name, accel }) =>
    resultEntry(name, 'syscall.null', 10, { accel, unit: accel === 'tcg' ? 'emulator-ticks' : 'guest-instructions' }),
  );
  const doc = {
    $schema: 'results.schema.json',
    schemaVersion: 3,
    runId,
    complete: true,
    results,
    skipped: [{ guest: guests[0]!.name, metric: 'x', reason: 'r' }],
    failed: [],
    peers: [],
  } as unknown as RunData['doc'];
  return {
    dir: `/runs/${runId}`,
    manifest,
    config,
    doc,
    streams: guests.map(({ name }) => ({ guest: name, boot: 1, stream: { info: {}, benchmarks: [], skipped: [], failed: [], peers: [], complete: true } })),
    // Each guest has an anatomy document: a merge keeps those of the guests it takes.
    anatomy: guests.map(({ name }) => ({ ...gnumachAnatomy(), guest: name })),
    damaged: [],
  };
}

const sources = (...items: [RunData, string[]?][]): MergeSource[] => items.map(([data, guests]) => ({ data, ...(guests ? { guests } : {}) }));
const options = { runId: 'merged', allowMixedModes: false };

describe('merging runs into one report', () => {
  it("takes each run's guests, figures and streams, and names the runs they came from", () => {
    const { input, from } = mergeRuns(
      sources(
        [run('a', [{ name: 'linux', accel: 'tcg-icount' }])],
        [
          run('b', [
            { name: 'sel4', accel: 'tcg-icount' },
            { name: 'other', accel: 'tcg-icount' },
          ]),
          ['sel4'],
        ],
      ),
      options,
    );
    expect(input.doc.runId).to.equal('merged');
    expect(input.doc.results.map((r) => r.guest)).to.deep.equal(['linux', 'sel4']);
    expect(input.doc.skipped.map((s) => s.guest)).to.deep.equal(['linux', 'sel4']);
    expect(input.streams.map((s) => s.guest)).to.deep.equal(['linux', 'sel4']);
    expect(input.anatomy?.map((d) => d.guest)).to.deep.equal(['linux', 'sel4']);
    expect(input.manifests.map((m) => m.guests.map((g) => g.name))).to.deep.equal([['linux'], ['sel4']]);
    expect(from).to.deep.equal([
      { dir: '/runs/a', runId: 'a', guests: ['linux'] },
      { dir: '/runs/b', runId: 'b', guests: ['sel4'] },
    ]);
  });

  it('refuses a guest name present in two runs, saying how to pick', () => {
    expect(() =>
      mergeRuns(sources([run('a', [{ name: 'linux', accel: 'tcg-icount' }])], [run('b', [{ name: 'linux', accel: 'tcg-icount' }])]), options),
    ).to.throw('guest linux is in both /runs/a and /runs/b; take only some guests of a run with RUN:guest,guest');
  });

  it('refuses figures of different units unless asked, with the reason', () => {
    const mixed = sources([run('a', [{ name: 'linux', accel: 'tcg-icount' }])], [run('b', [{ name: 'sel4', accel: 'tcg' }])]);
    expect(() => mergeRuns(mixed, options)).to.throw(
      /^refusing to merge figures of different units: guest-instructions \(tcg-icount\): linux of a; emulator-ticks \(tcg\): sel4 of b\. A ratio between them would compare different quantities; pass --allow-mixed-modes/,
    );
    expect(mergeRuns(mixed, { ...options, allowMixedModes: true }).input.doc.results).to.have.length(2);
  });

  it('refuses a guest a run does not have, listing what it has', () => {
    expect(() => mergeRuns(sources([run('a', [{ name: 'linux', accel: 'tcg-icount' }]), ['sel4']]), options)).to.throw(
      'expected guest sel4 in /runs/a, got linux',
    );
  });

  it('refuses runs with different bootstraps, as the merged CIs use one', () => {
    expect(() =>
      mergeRuns(
        sources([run('a', [{ name: 'linux', accel: 'tcg-icount' }])], [run('b', [{ name: 'sel4', accel: 'tcg-icount' }], { resamples: 2000, seed: 1 })]),
        options,
      ),
    ).to.throw('expected every merged run to use one bootstrap (500 resamples, seed 1), got 2000 resamples, seed 1 in /runs/b');
  });

  it('refuses a baseline that is not a merged guest', () => {
    expect(() => mergeRuns(sources([run('a', [{ name: 'linux', accel: 'tcg-icount' }])]), { ...options, baseline: 'sel4' })).to.throw(
      'expected the baseline to be one of the merged guests (linux), got sel4',
    );
  });
});

describe('run arguments of harness report', () => {
  it('reads DIR and DIR:guest,guest', () => {
    expect(parseRunArgument('results/x')).to.deep.equal({ dir: 'results/x' });
    expect(parseRunArgument('results/x:linux,sel4')).to.deep.equal({ dir: 'results/x', guests: ['linux', 'sel4'] });
  });

  it('does not take a path with a colon for a selection', () => {
    expect(parseRunArgument('results/2026-01-01T00:00:00/x')).to.deep.equal({ dir: 'results/2026-01-01T00:00:00/x' });
  });
});
