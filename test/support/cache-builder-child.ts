// Child process for test/cache/atomic.test.ts: builds one cache key with cachedDirectory, as a
// harness run builds an image, and checks what it got back stays whole while it uses it.
// argv: root key label [die | rounds:N]:
//   (none)    builds (or finds) <root>/<key> once;
//   die       stops mid-build, prints "building" and waits to be killed;
//   rounds:N  builds <root>/round-<r>/<key> for r = 0..N-1; in each round it prints "built <r>"
//             once its build is done and waits for a line on stdin before it puts the entry in
//             place, so the test can let concurrent builders do that at the same moment.
// Prints one JSON line { round, built, dir, problems } per build.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { cachedDirectory } from '../../harness/cache/atomic.js';

const [root, key, label, mode = ''] = process.argv.slice(2) as [string, string, string, string | undefined];
const CONTENT = 'x'.repeat(256 * 1024);
const rounds = mode.startsWith('rounds:') ? Number(mode.slice('rounds:'.length)) : undefined;
const lines = rounds === undefined ? undefined : createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function buildOnce(round: number, where: string): Promise<void> {
  let built = false;
  const dir = await cachedDirectory(where, key, async (work) => {
    built = true;
    // Written in two pieces, so a reader of a half-built entry would see it short.
    await writeFile(join(work, 'image'), CONTENT.slice(0, 1000));
    if (mode === 'die') {
      process.stdout.write('building\n');
      await new Promise(() => setInterval(() => undefined, 60_000));
    }
    await writeFile(join(work, 'image'), CONTENT);
    await writeFile(join(work, 'label'), label);
    if (lines) {
      process.stdout.write(`built ${round}\n`);
      await lines.next();
    }
  });
  // Used for a while after it was returned, as QEMU uses a kernel: it must not change or vanish.
  const problems: string[] = [];
  for (let k = 0; k < 5; k++) {
    try {
      const image = await readFile(join(dir, 'image'), 'utf8');
      if (image !== CONTENT) problems.push(`image of ${image.length} bytes`);
      await readFile(join(dir, 'label'), 'utf8');
    } catch (error) {
      problems.push((error as Error).message);
    }
    await sleep(10);
  }
  process.stdout.write(`${JSON.stringify({ round, built, dir, problems })}\n`);
}

if (rounds === undefined) await buildOnce(0, root);
else for (let round = 0; round < rounds; round++) await buildOnce(round, join(root, `round-${round}`));
process.stdin.destroy();
