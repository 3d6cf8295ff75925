import { expect } from 'chai';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../harness/paths.js';
import type { ResultsDocument } from '../../harness/analysis/results.js';
import { writeSyntheticRun } from '../archive/synthetic-run.js';

// The package's own bin, as `npx harness` runs it (npm test compiles dist/ first).
const harness = (args: string[]) => execa('node', [join(projectRoot, 'bin', 'harness.js'), ...args], { reject: false, cwd: projectRoot });

describe('harness report and compare of edited runs, and where report writes (CLI)', function () {
  this.timeout(60_000);
  let root: string;
  let runA: string;
  let runB: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hb-hostile-report-'));
    runA = await writeSyntheticRun(join(root, 'a'));
    runB = await writeSyntheticRun(join(root, 'b'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A copy of run A with results.json changed by `change`. */
  async function editedRun(name: string, change: (doc: ResultsDocument) => void): Promise<string> {
    const dir = join(root, name);
    await cp(runA, dir, { recursive: true });
    const doc = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
    change(doc);
    await writeFile(join(dir, 'results.json'), JSON.stringify(doc));
    return dir;
  }

  it('refuses report --out that is one of the merged runs, inside one, or another run directory, leaving the run as it was', async () => {
    const before = await readFile(join(runB, 'manifest.json'), 'utf8');
    for (const [out, expected] of [
      [runB, `expected the merged report (--out) to be written outside the run directory ${runB}, got ${runB}`],
      [join(runB, 'merged'), `expected the merged report (--out) to be written outside the run directory ${runB}, got ${join(runB, 'merged')}`],
    ] as const) {
      const result = await harness(['report', `${runA}:linux`, `${runB}:linux`, '--out', out]);
      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.include(expected);
    }
    const other = await writeSyntheticRun(join(root, 'other'));
    const result = await harness(['report', `${runA}:linux`, '--out', other]);
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.include(`expected the merged report (--out) to be written outside every run directory, got ${other}, an existing run directory`);
    expect(await readFile(join(runB, 'manifest.json'), 'utf8')).to.equal(before);
  });

  it('names an unknown guest given to compare --guests', async () => {
    const result = await harness(['compare', runA, '--guests', 'linux,nosuch']);
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.include('expected guest nosuch in run 2026-01-02T03-04-05Z-synthetic-abc123, got only linux');
  });

  it('refuses a median edited to 1e308 rather than printing "no change"', async () => {
    const dir = await editedRun('median', (doc) => (doc.results[0]!.median = 1e308));
    const result = await harness(['compare', runA, dir]);
    expect(result.exitCode).to.equal(1);
    expect(result.stdout).not.to.include('no change');
    expect(result.stderr).to.match(
      /expected results\.0\.median in .*median\/results\.json \(linux [a-z.]+\) to be a median of its samples in samples\.csv \(between \d+ and \d+\), got 1e\+308: results\.json was edited or damaged/,
    );
  });

  it('names results.json and the field when results is not a list, or a unit is not its accelerator’s', async () => {
    const notList = await editedRun('not-list', (doc) => ((doc as unknown as { results: unknown }).results = {}));
    let result = await harness(['compare', runA, notList]);
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.match(
      /expected .*not-list\/results\.json to be a results document \(results\.schema\.json\), got one edited or damaged: results: expected array, got \{\}/,
    );
    const unit = await editedRun('unit', (doc) => (doc.results[0]!.unit = 'emulator-ticks'));
    result = await harness(['compare', runA, unit]);
    expect(result.stderr).to.match(
      /expected results\.0\.unit in .*unit\/results\.json \(linux [a-z.]+\) to be guest-instructions, the unit of accelerator tcg-icount, got emulator-ticks/,
    );
  });

  it('names samples.csv when a row of it does not parse', async () => {
    const dir = await editedRun('csv', () => undefined);
    await writeFile(join(dir, 'samples.csv'), `${await readFile(join(dir, 'samples.csv'), 'utf8')}linux,1\n`);
    const result = await harness(['compare', runA, dir]);
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.match(
      /expected .*csv\/samples\.csv to be the run's samples \(guest,boot,metric,index,raw_ticks\), got: Invalid Record Length: columns length is 5, got 2 on line \d+/,
    );
  });
});
