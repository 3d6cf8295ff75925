// Child process for test/cache/atomic.test.ts: builds one cache key with cachedDirectory, as a
// harness run builds an image, and checks what it got back stays whole while it uses it.
// argv: root key label [die | finish-at:<epoch ms>]: `die` stops mid-build (to be killed),
// `finish-at` ends the build at that instant, so concurrent builders race to put their entry in place.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cachedDirectory } from '../../harness/cache/atomic.js';

const [root, key, label, mode] = process.argv.slice(2) as [string, string, string, string | undefined];
const CONTENT = 'x'.repeat(256 * 1024);
let built = false;
const dir = await cachedDirectory(root, key, async (work) => {
  built = true;
  // Written in pieces with pauses, so a reader of a half-built entry would see it short.
  await writeFile(join(work, 'image'), CONTENT.slice(0, 1000));
  await sleep(Math.random() * 30);
  if (mode === 'die') {
    process.stdout.write('building\n');
    await sleep(60_000);
  }
  await writeFile(join(work, 'image'), CONTENT);
  await writeFile(join(work, 'label'), label);
  if (mode?.startsWith('finish-at:')) await sleep(Math.max(0, Number(mode.slice('finish-at:'.length)) - Date.now()));
  else await sleep(Math.random() * 30);
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
process.stdout.write(`${JSON.stringify({ built, dir, problems })}\n`);
