import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { applyOverrides, overridesCommandLine, parseOverrides, type RunOverrides } from '../../harness/config/overrides.js';
import type { GuestConfig, RunConfig } from '../../harness/config/types.js';
import { UsageError } from '../../harness/errors/usage-error.js';
import { projectRoot } from '../../harness/paths.js';

const schema = JSON.parse(readFileSync(join(projectRoot, 'configs', 'schema.json'), 'utf8')) as Record<string, unknown>;

function guest(name: string, os: GuestConfig['os']): GuestConfig {
  return {
    name,
    os,
    reach: 'qemu',
    vcpus: 2,
    memoryMiB: 512,
    pin: undefined,
    benchmarks: { boots: 1, iterations: 10000, warmup: 1000, include: ['*'] },
    peers: [],
    image: {},
  };
}

function config(): RunConfig {
  return {
    file: '/configs/all.yaml',
    text: '',
    sha256: 'x',
    accel: 'auto',
    resultsDir: '/results',
    cacheDir: '/cache',
    report: {},
    guests: [guest('linux', 'linux'), guest('sel4', 'sel4'), guest('gnumach', 'gnumach')],
  } as unknown as RunConfig;
}

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return error as UsageError;
  }
  expect.fail('expected a UsageError');
}

describe('command-line overrides of a config', () => {
  it('keeps only the guests --guest names, in the order of the config', () => {
    const out = applyOverrides(config(), { guest: ['gnumach', 'linux'] }, schema);
    expect(out.guests.map((g) => g.name)).to.deep.equal(['linux', 'gnumach']);
  });

  it("replaces every kept guest's include, iterations, warm-up and boots, and nothing else", () => {
    const before = config();
    const out = applyOverrides(before, { guest: ['sel4'], bench: ['ipc.*', 'syscall.null'], iters: 100000, warmup: 0, boots: 3 }, schema);
    expect(out.guests).to.have.length(1);
    expect(out.guests[0]!.benchmarks).to.deep.equal({ boots: 3, iterations: 100000, warmup: 0, include: ['ipc.*', 'syscall.null'] });
    expect({ ...out.guests[0]!, benchmarks: undefined }).to.deep.equal({ ...before.guests[1]!, benchmarks: undefined });
    expect(out.accel).to.equal('auto');
  });

  it('changes one setting at a time, for every guest', () => {
    expect(applyOverrides(config(), { iters: 5 }, schema).guests.map((g) => g.benchmarks.iterations)).to.deep.equal([5, 5, 5]);
    expect(applyOverrides(config(), { warmup: 7 }, schema).guests.map((g) => g.benchmarks.warmup)).to.deep.equal([7, 7, 7]);
    expect(applyOverrides(config(), { boots: 2 }, schema).guests.map((g) => g.benchmarks.boots)).to.deep.equal([2, 2, 2]);
    expect(applyOverrides(config(), { bench: ['ctxswitch.*'] }, schema).guests.map((g) => g.benchmarks.include)).to.deep.equal([
      ['ctxswitch.*'],
      ['ctxswitch.*'],
      ['ctxswitch.*'],
    ]);
    expect(applyOverrides(config(), {}, schema)).to.deep.equal(config());
  });

  it('drops a report.baseline that --guest leaves out, and keeps one it keeps', () => {
    const withBaseline = { ...config(), report: { baseline: 'sel4' } };
    expect(applyOverrides(withBaseline, { guest: ['linux', 'gnumach'] }, schema).report).to.deep.equal({});
    expect(applyOverrides(withBaseline, { guest: ['sel4', 'linux'] }, schema).report).to.deep.equal({ baseline: 'sel4' });
    expect(withBaseline.report).to.deep.equal({ baseline: 'sel4' });
  });

  it('leaves the config it was given as it was', () => {
    const before = config();
    applyOverrides(before, { guest: ['linux'], bench: ['ipc.*'], iters: 3 }, schema);
    expect(before).to.deep.equal(config());
  });

  it('refuses a guest the config does not have, naming those it has', () => {
    const error = usageError(() => applyOverrides(config(), { guest: ['linux', 'minix'] }, schema));
    expect(error.message).to.equal('expected --guest to name guests of all.yaml (linux, sel4, gnumach), got minix');
  });

  it("refuses values outside configs/schema.json's bounds, saying what was expected and what it got", () => {
    const cases: [RunOverrides, string][] = [
      [{ iters: 0 }, 'expected --iters to be an integer from 1 to 10000000 (benchmarks.iterations in configs/schema.json), got 0'],
      [{ iters: 10000001 }, 'expected --iters to be an integer from 1 to 10000000 (benchmarks.iterations in configs/schema.json), got 10000001'],
      [{ warmup: -1 }, 'expected --warmup to be an integer from 0 to 10000000 (benchmarks.warmup in configs/schema.json), got -1'],
      [{ boots: 101 }, 'expected --boots to be an integer from 1 to 100 (benchmarks.boots in configs/schema.json), got 101'],
      [{ boots: 1.5 }, 'expected --boots to be an integer from 1 to 100 (benchmarks.boots in configs/schema.json), got 1.5'],
      [
        { bench: ['ipc.*', 'IPC/x'] },
        "expected --bench to be metric names or globs of lowercase letters, digits, '.', '_', '-' and '*' (e.g. 'ipc.*'), got IPC/x",
      ],
    ];
    for (const [overrides, message] of cases) expect(usageError(() => applyOverrides(config(), overrides, schema)).message).to.equal(message);
    expect(applyOverrides(config(), { iters: 10000000, warmup: 0, boots: 100 }, schema).guests[0]!.benchmarks).to.include({
      iterations: 10000000,
      warmup: 0,
      boots: 100,
    });
  });

  it('reads the options as typed: lists split at commas, whole numbers', () => {
    expect(parseOverrides({})).to.equal(undefined);
    expect(parseOverrides({ guest: 'sel4,linux', bench: 'ipc.*', iters: '100000', warmup: '0', boots: '3' })).to.deep.equal({
      guest: ['sel4', 'linux'],
      bench: ['ipc.*'],
      iters: 100000,
      warmup: 0,
      boots: 3,
    });
    expect(usageError(() => parseOverrides({ iters: '1e5' })).message).to.equal("expected --iters to be a whole number, got '1e5'");
    expect(usageError(() => parseOverrides({ boots: 'three' })).message).to.equal("expected --boots to be a whole number, got 'three'");
    expect(usageError(() => parseOverrides({ guest: 'linux,' })).message).to.equal(
      "expected --guest to be a comma-separated list of names, none empty, got 'linux,'",
    );
  });

  it('writes them back as a command line gives them, in a fixed order', () => {
    expect(overridesCommandLine({ iters: 100000, bench: ['ipc.*', 'syscall.null'], guest: ['sel4', 'linux'], boots: 3, warmup: 0 })).to.equal(
      '--guest sel4,linux --bench ipc.*,syscall.null --iters 100000 --warmup 0 --boots 3',
    );
  });
});
