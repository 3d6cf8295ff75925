// Issue 7, "Concurrency" (docs/reliability.md): the image cache shared by harness runs. Builders
// are real processes (test/support/cache-builder-child.ts), started together and held at the end of
// their builds until every one has built, then let go at once: they put their entries in place at
// the same moment, which is when a cache that is not atomic breaks (no clock decides it).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../harness/cache/atomic.js';
import { projectRoot } from '../../harness/paths.js';

const CHILD = join(projectRoot, 'test', 'support', 'cache-builder-child.ts');

function builder(root: string, key: string, label: string, mode?: string) {
  return execa('node', ['--import', 'tsx', CHILD, root, key, label, ...(mode ? [mode] : [])], {
    cwd: projectRoot,
    reject: false,
    stdin: mode?.startsWith('rounds:') ? 'pipe' : 'ignore',
  });
}

/** A builder's stdout, line by line as it comes: `next()` is the next line, failing if the builder exits first. */
function linesOf(child: ReturnType<typeof builder>): { next: () => Promise<string> } {
  const lines: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let rest = '';
  let ended: Error | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(line);
      else lines.push(line);
    }
  });
  child.once('exit', (code) => {
    ended = new Error(`expected another line from the builder, got its exit (code ${code})`);
    for (const waiter of waiting.splice(0)) waiter.reject(ended);
  });
  return {
    next: () => {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

describe('cachedDirectory', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-cache-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('builds once, then finds the entry', async () => {
    let builds = 0;
    const build = async (work: string) => {
      builds++;
      await writeFile(join(work, 'image'), 'x');
    };
    const first = await cachedDirectory(dir, 'k', build);
    const second = await cachedDirectory(dir, 'k', build);
    expect(second).to.equal(first);
    expect(builds).to.equal(1);
    expect((await readdir(dir)).sort()).to.deep.equal(['k']);
    expect((await readdir(first)).sort()).to.deep.equal(['.complete', 'image']);
  });

  it('leaves nothing behind when the build fails, and builds again next time', async () => {
    let caught: unknown;
    try {
      await cachedDirectory(dir, 'k', async (work) => {
        await writeFile(join(work, 'image'), 'half');
        throw new Error('compiler failed');
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal('compiler failed');
    expect(await readdir(dir)).to.deep.equal([]);
    const entry = await cachedDirectory(dir, 'k', (work) => writeFile(join(work, 'image'), 'whole'));
    expect(await readFile(join(entry, 'image'), 'utf8')).to.equal('whole');
  });

  it('gives 8 processes building one key at the same instant the same whole entry, which never changes under them', async () => {
    const rounds = 3;
    const builders = Array.from({ length: 8 }, (_, k) => builder(dir, 'image-key', `builder-${k}`, `rounds:${rounds}`));
    const output = builders.map(linesOf);
    for (let round = 0; round < rounds; round++) {
      // Every builder has built its own temporary (none can have put it in place yet): let them all go.
      for (const lines of output) expect(await lines.next()).to.equal(`built ${round}`);
      for (const b of builders) b.stdin!.write('go\n');
      const outcomes = await Promise.all(
        output.map(async (lines) => JSON.parse(await lines.next()) as { round: number; built: boolean; dir: string; problems: string[] }),
      );
      for (const outcome of outcomes) expect(outcome).to.deep.include({ round, built: true, problems: [] });
      expect(new Set(outcomes.map((o) => o.dir)).size).to.equal(1);
      // One entry, every temporary directory gone.
      const root = join(dir, `round-${round}`);
      expect(await readdir(root)).to.deep.equal(['image-key']);
      expect((await readdir(join(root, 'image-key'))).sort()).to.deep.equal(['.complete', 'image', 'label']);
    }
    for (const result of await Promise.all(builders)) expect(result.exitCode, result.stderr).to.equal(0);
  });

  it('never uses the entry of a build killed half-way, and clears it away at the next build', async () => {
    const child = spawn('node', ['--import', 'tsx', CHILD, dir, 'k', 'dies', 'die'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    const during = await readdir(dir);
    expect(during).to.have.length(1);
    expect(during[0]).to.match(/^\.tmp-k-/);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // Killed: its half-built directory is still there, but is no entry.
    expect(await readdir(dir)).to.deep.equal(during);
    const next = await builder(dir, 'k', 'next');
    expect(next.exitCode, next.stderr).to.equal(0);
    const outcome = JSON.parse(next.stdout) as { built: boolean; problems: string[] };
    expect(outcome).to.deep.include({ built: true, problems: [] });
    expect(await readdir(dir)).to.deep.equal(['k']);
    expect(await readFile(join(dir, 'k', 'label'), 'utf8')).to.equal('next');
  });

  it('replaces an unfinished directory in the way (an in-place build of an older harness)', async () => {
    await mkdir(join(dir, 'k'));
    await writeFile(join(dir, 'k', 'image'), 'half');
    const entry = await cachedDirectory(dir, 'k', (work) => writeFile(join(work, 'image'), 'whole'));
    expect(await readFile(join(entry, 'image'), 'utf8')).to.equal('whole');
    expect(await readdir(dir)).to.deep.equal(['k']);
  });
});
