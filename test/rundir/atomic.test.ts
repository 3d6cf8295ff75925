import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../harness/paths.js';
import { atomicFs, writeAtomic } from '../../harness/rundir/atomic.js';

describe('results files are written atomically (write, flush, rename)', function () {
  this.timeout(120_000);
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

  it('a process SIGKILLed while rewriting results.json never leaves it half-written', async () => {
    const path = join(dir, 'results.json');
    let midWrite = 0;
    const kills = 12;
    for (let i = 0; i < kills; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'support', 'atomic-writer.ts'), path, '8'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`expected the writer to start, got exit code ${code}`)));
      });
      await sleep(50 + Math.floor(Math.random() * 400));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const text = await readFile(path, 'utf8');
      const doc = JSON.parse(text) as { version: number; end: boolean };
      expect(doc.end).to.equal(true);
      // The kill landed between opening the temporary and renaming it: the sequence really was cut.
      const leftovers = (await readdir(dir)).filter((name) => name !== 'results.json');
      for (const name of leftovers) {
        const partial = await readFile(join(dir, name), 'utf8');
        if (!partial.endsWith('"end":true}\n')) midWrite++;
        await rm(join(dir, name));
      }
    }
    // Most kills land inside the 8 MB write (the loop does little else); one is enough to show it.
    expect(midWrite, 'kills that cut a write short').to.be.greaterThan(0);
  });
});
