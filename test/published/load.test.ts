import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listReferenceIds, loadReference, publishedDir, PublishedReferenceError, resolveReference } from '../../harness/published/load.js';
import { matchesSelector } from '../../harness/published/match.js';
import { isHarnessOs } from '../../harness/published/missing.js';
import type { PublishedReference } from '../../harness/published/types.js';
import { findAdapter } from '../../harness/guests/registry.js';

const VALID = `id: test-ref
title: A test reference
citation:
  authors: [A. Author]
  title: A paper
  where: Somewhere 2000
  year: 2000
  url: https://example.org/paper
figuresDate: "2000"
retrieved: 2026-11-27
hardware:
  box:
    cpu: Test CPU
    clock: 1 GHz
unit: tsc-ticks
method: a loop
defaultConfig: configs/sel4.yaml
figures:
  - name: Null syscall
    hardware: box
    value: 100
    statistic: median
    class: syscall.null
    matches:
      - os: sel4
        metric: syscall.null
verification: checked by hand
`;

async function withFile(name: string, text: string, body: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-published-'));
  try {
    const file = join(dir, name);
    await writeFile(file, text);
    await body(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rejection(file: string): Promise<PublishedReferenceError> {
  try {
    await loadReference(file);
  } catch (error) {
    expect(error).to.be.instanceOf(PublishedReferenceError);
    return error as PublishedReferenceError;
  }
  throw new Error(`expected ${file} to be rejected, got it accepted`);
}

describe('published references (configs/published)', () => {
  let references: PublishedReference[];
  before(async () => {
    references = await Promise.all((await listReferenceIds()).map((id) => resolveReference(id)));
  });

  it('has the references the harness reproduces, and every file validates', () => {
    expect(references.map((r) => r.id)).to.include.members([
      'sel4-website-2026-08',
      'sel4-website-2025',
      'sel4bench-results-2026-06-12',
      'elphinstone-heiser-sosp13',
      'liedtke-sosp93',
      'lmbench-usenix96',
    ]);
    for (const reference of references) {
      expect(reference.figures, reference.id).not.to.be.empty;
      expect(reference.verification.length, `${reference.id} says what was verified`).to.be.above(40);
    }
  });

  it('asks only for metrics the guests report (or planned guests)', () => {
    for (const reference of references) {
      const selectors = [...reference.figures.flatMap((f) => f.matches), ...reference.ratios.flatMap((r) => [r.numerator, r.denominator])];
      for (const selector of selectors) {
        if (!isHarnessOs(selector.os)) continue;
        // The adapter's list is the payload's (test/guests/benchmarks.test.ts); so `harness reproduce`'s includes pass the runner's pre-flight check.
        const known = findAdapter({ os: selector.os })!.benchmarks.filter((metric) => matchesSelector(selector, { os: selector.os as 'linux', metric }));
        expect(known, `${reference.id}: ${selector.os} ${selector.metric}`).not.to.be.empty;
      }
    }
  });

  it('keeps the seL4 figures the sources give', () => {
    const byName = (id: string) => new Map(references.find((r) => r.id === id)!.figures.map((f) => [f.name, f.value]));
    expect(byName('sel4-website-2026-08').get('IPC Call (Skylake, no Meltdown mitigation)')).to.equal(718);
    expect(byName('sel4-website-2026-08').get('IPC ReplyRecv (Haswell)')).to.equal(646);
    expect(byName('sel4bench-results-2026-06-12').get('Null syscall (Skylake, no mitigation)')).to.equal(134);
    expect(byName('elphinstone-heiser-sosp13').get('seL4 one-way IPC (i7-4770, 32-bit)')).to.equal(301);
    expect(references.find((r) => r.id === 'liedtke-sosp93')!.ratios[0]).to.include({ value: 22 });
  });

  it('accepts a minimal valid file', async () => {
    await withFile('test-ref.yaml', VALID, async (file) => {
      const reference = await loadReference(file);
      expect(reference).to.include({ id: 'test-ref', unit: 'tsc-ticks', file });
      expect(reference.ratios).to.deep.equal([]);
    });
  });

  it('rejects a malformed file naming file, line, field, expected and got', async () => {
    const text = VALID.replace('    value: 100', '    value: fast').replace('    class: syscall.null', '    class: syscall.nul\n    colour: red');
    await withFile('test-ref.yaml', text, async (file) => {
      const error = await rejection(file);
      const lines = text.split('\n');
      const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
      expect(error.issues.map((i) => i.path)).to.have.members(['figures[0].value', 'figures[0].class', 'figures[0].colour']);
      expect(error.message).to.contain(
        `${file}:${lineOf('value: fast')}:12: figures[0].value: expected the published figure, a number >= 0, in the reference's unit, got "fast"`,
      );
      expect(error.message).to.contain(
        `${file}:${lineOf('class: syscall.nul')}:12: figures[0].class: expected one of ipc.roundtrip, ipc.oneway, syscall.null, ctxswitch, got "syscall.nul"`,
      );
      expect(error.message).to.match(new RegExp(`${lineOf('colour')}:5: figures\\[0\\]\\.colour: expected no key 'colour' \\(allowed: name, hardware, value`));
    });
  });

  it('rejects an id that is not the file name and a figure on undeclared hardware', async () => {
    const text = VALID.replace('    hardware: box', '    hardware: laptop');
    await withFile('other-name.yaml', text, async (file) => {
      const error = await rejection(file);
      expect(error.message).to.contain(`${file}:1:5: id: expected the file name without .yaml ("other-name"), got "test-ref"`);
      expect(error.message).to.match(/figures\[0\]\.hardware: expected a key of hardware \(box\), got "laptop"/);
    });
  });

  it('rejects missing required fields, impossible dates and unordered intervals', async () => {
    const text = VALID.replace('verification: checked by hand\n', '')
      .replace('retrieved: 2026-11-27', 'retrieved: 2026-02-30')
      .replace('    statistic: median', '    statistic: median\n    spread: { iqr: [5, 3] }');
    await withFile('test-ref.yaml', text, async (file) => {
      const error = await rejection(file);
      expect(error.message).to.match(/:1:1: verification: expected what was checked against which source, and how \(required\), got nothing/);
      expect(error.message).to.match(/retrieved: expected a date that exists \(month 01-12, a day the month has\), got "2026-02-30"/);
      expect(error.message).to.match(/figures\[0\]\.spread\.iqr: expected \[low, high\] with low <= high, got \[5,3\]/);
    });
  });

  it('reports a YAML syntax error with its position and keeps the cause', async () => {
    await withFile('test-ref.yaml', 'id: [unclosed\n', async (file) => {
      const error = await rejection(file);
      expect(error.issues[0]).to.include({ path: '(yaml)', file });
      expect(error.cause).to.exist;
    });
  });

  it('names the known ids for an unknown reference', async () => {
    try {
      await resolveReference('sel4-2099');
      expect.fail('expected an unknown id to be rejected');
    } catch (error) {
      expect((error as Error).message).to.match(
        /expected a published reference id \(one of .*elphinstone-heiser-sosp13.*sel4-website-2026-08.*\) or a path to a \.yaml file, got "sel4-2099"/,
      );
    }
  });

  it('is the schema configs/published/schema.json, not the run config schema', async () => {
    const schema = JSON.parse(await readFile(join(publishedDir, 'schema.json'), 'utf8')) as { required: string[] };
    expect(schema.required).to.include.members(['citation', 'figures', 'verification']);
  });
});
