import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../harness/paths.js';
import { atomicFs, writeAtomic } from '../../harness/rundir/atomic.js';

describe('results files are written atomically (write, flush, rename)', function () {
  this.timeout(60_000);
  let dir: string;
  const original = { ...atomicFs };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-atomic-'));
  });
  afterEach(async () => {
    Object.assign(atomicFs, original);
    await rm(dir, { recursive: true, force: true });
  });

  it('a write that fails half-way leaves the previous results.json whole, no temporary, and names the file', async () => {
    const path = join(dir, 'results.json');
    await writeAtomic(path, '{"version":1}\n');
    const steps: string[] = [];
    atomicFs.writeFile = (async (file: string, content: string) => {
      steps.push(`write ${file}`);
      await original.writeFile(file, content.slice(0, content.length / 2)); // half of it reaches the disk
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof atomicFs.writeFile;
    atomicFs.rename = (async (from: string, to: string) => {
      steps.push(`rename ${from} ${to}`);
      return original.rename(from, to);
    }) as typeof atomicFs.rename;
    let error: Error | undefined;
    await writeAtomic(path, `{"version":2,"padding":"${'y'.repeat(1000)}"}\n`).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`could not write ${path}: ENOSPC: no space left on device, write`);
    expect(steps).to.deep.equal([`write ${path}.tmp-${process.pid}`]);
    expect(await readFile(path, 'utf8')).to.equal('{"version":1}\n');
    expect(await readdir(dir)).to.deep.equal(['results.json']);
  });

  it('writes to a temporary beside the file and renames it over the file, never writing the file itself', async () => {
    const path = join(dir, 'results.json');
    await writeFile(path, 'old');
    const steps: string[] = [];
    atomicFs.writeFile = (async (file: string, content: string, options: unknown) => {
      steps.push(`write ${file} ${JSON.stringify(options)}`);
      return original.writeFile(file, content, options as never);
    }) as typeof atomicFs.writeFile;
    atomicFs.rename = (async (from: string, to: string) => {
      steps.push(`rename ${from} -> ${to}`);
      expect(await readFile(path, 'utf8')).to.equal('old'); // untouched until the rename
      return original.rename(from, to);
    }) as typeof atomicFs.rename;
    await writeAtomic(path, 'new');
    expect(steps).to.deep.equal([`write ${path}.tmp-${process.pid} {"flush":true}`, `rename ${path}.tmp-${process.pid} -> ${path}`]);
    expect(await readFile(path, 'utf8')).to.equal('new');
  });

  describe('content given as chunks (a file that grows with the samples)', () => {
    it('writes the chunks one after another, flushed, through the temporary and the rename', async () => {
      const path = join(dir, 'samples.csv');
      await writeFile(path, 'old');
      const steps: string[] = [];
      atomicFs.writeFile = (async (file: string, content: Iterable<Uint8Array>, options: unknown) => {
        steps.push(`write ${file} ${JSON.stringify(options)}`);
        return original.writeFile(file, content, options as never);
      }) as typeof atomicFs.writeFile;
      atomicFs.rename = (async (from: string, to: string) => {
        steps.push(`rename ${from} -> ${to}`);
        expect(await readFile(path, 'utf8')).to.equal('old');
        return original.rename(from, to);
      }) as typeof atomicFs.rename;
      const pieces = ['guest,boot\n', 'linux,1\n', '', 'sel4,2\n'];
      await writeAtomic(path, { [Symbol.iterator]: () => pieces.map((p) => Buffer.from(p))[Symbol.iterator]() });
      expect(steps).to.deep.equal([`write ${path}.tmp-${process.pid} {"flush":true}`, `rename ${path}.tmp-${process.pid} -> ${path}`]);
      expect(await readFile(path, 'utf8')).to.equal(pieces.join(''));
    });

    it('a chunk that fails to be produced after others were written leaves the previous file whole, no temporary, and names the file', async () => {
      const path = join(dir, 'samples.csv');
      await writeAtomic(path, 'guest,boot\nlinux,1\n');
      let written = 0;
      function* failing(): Generator<Uint8Array> {
        for (let i = 0; i < 3; i++) {
          written += 1;
          yield Buffer.from(`line ${i}\n`.repeat(1000));
        }
        throw new Error('samples ran out');
      }
      let error: Error | undefined;
      await writeAtomic(path, { [Symbol.iterator]: failing }).catch((e: Error) => (error = e));
      expect(written).to.equal(3);
      expect(error?.message).to.equal(`could not write ${path}: samples ran out`);
      expect(await readFile(path, 'utf8')).to.equal('guest,boot\nlinux,1\n');
      expect(await readdir(dir)).to.deep.equal(['samples.csv']);
    });
  });

  // The writer stops at a known point of its rewrite (test/support/atomic-writer.ts) and says so on
  // its stdout; it is SIGKILLed exactly there, so every kill lands where it is meant to. The three
  // writers start together, each in a directory of its own, as starting one takes a while.
  describe('a process SIGKILLed while rewriting results.json', () => {
    const killedAt = [
      { stage: 'mid-write', version: 0, temporary: 'partial' },
      { stage: 'before-rename', version: 0, temporary: 'whole' },
      { stage: 'after-rename', version: 1, temporary: 'none' },
    ] as const;
    const writers = new Map<string, { dir: string; child: ChildProcess; exited: Promise<number | null>; stopped: Promise<string> }>();
    before(async () => {
      for (const { stage } of killedAt) {
        const dir = await mkdtemp(join(tmpdir(), 'hb-atomic-kill-'));
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', join(projectRoot, 'test', 'support', 'atomic-writer.ts'), join(dir, 'results.json'), '256', stage],
          { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        const stopped = new Promise<string>((resolve, reject) => {
          let said = '';
          child.stdout!.setEncoding('utf8').on('data', (text: string) => {
            said += text;
            if (said.includes(`stopped ${stage}\n`)) resolve(said);
          });
          void exited.then((code) => reject(new Error(`expected the writer to stop at ${stage}, got exit code ${code} after: ${said}`)));
        });
        stopped.catch(() => undefined); // awaited by its test
        writers.set(stage, { dir, child, exited, stopped });
      }
    });
    after(async () => {
      for (const { dir, child, exited } of writers.values()) {
        child.kill('SIGKILL');
        await exited;
        await rm(dir, { recursive: true, force: true });
      }
    });

    for (const { stage, version, temporary } of killedAt) {
      it(`${stage}: never leaves it half-written`, async () => {
        const { dir, child, exited, stopped } = writers.get(stage)!;
        expect(await stopped).to.equal(`written 0\nstopped ${stage}\n`);
        child.kill('SIGKILL');
        await exited;
        const doc = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { version: number; end: boolean };
        expect(doc).to.include({ version, end: true });
        const leftovers = (await readdir(dir)).filter((name) => name !== 'results.json');
        if (temporary === 'none') {
          expect(leftovers).to.deep.equal([]);
        } else {
          // The kill really cut the sequence: the temporary is there, half-written or not yet renamed.
          expect(leftovers).to.deep.equal([`results.json.tmp-${child.pid}`]);
          const text = await readFile(join(dir, leftovers[0]!), 'utf8');
          expect(text.endsWith('"end":true}\n'), `temporary ${temporary}`).to.equal(temporary === 'whole');
          if (temporary === 'partial') expect(text.length).to.be.above(0);
        }
      });
    }
  });
});
