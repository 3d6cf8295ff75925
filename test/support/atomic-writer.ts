// Child process for test/rundir/atomic.test.ts: rewrites one file with writeAtomic, as the runner
// rewrites results.json after every boot, and stops for good at a chosen point of the second
// rewrite, so the test can SIGKILL it exactly there (no guessing when a kill lands).
// argv: path kilobytes stage, where stage is where the second rewrite stops:
//   mid-write      half of the new content is in the temporary file, the rest not yet written
//   before-rename  the temporary is whole and flushed, the rename not yet done
//   after-rename   the rename is done (writeAtomic has finished)
// Each version is a JSON document whose `end` field comes last, so a half-written file cannot
// parse or lacks it. Prints "written <version>" after the first version and "stopped <stage>" at
// the stop, then waits to be killed.
import { atomicFs, writeAtomic } from '../../harness/rundir/atomic.js';

type Stage = 'mid-write' | 'before-rename' | 'after-rename';
const [path, kilobytes, stage] = process.argv.slice(2) as [string, string, Stage];
const filler = 'x'.repeat(Number(kilobytes) * 1024);
const content = (version: number) => `${JSON.stringify({ version, filler, end: true })}\n`;

/** Says where it is and never returns: the parent kills the process here. */
async function stop(): Promise<never> {
  process.stdout.write(`stopped ${stage}\n`);
  return new Promise<never>(() => setInterval(() => undefined, 60_000));
}

await writeAtomic(path, content(0));
process.stdout.write('written 0\n');

const { writeFile } = atomicFs;
if (stage === 'mid-write') {
  // The real writeFile, given the content in two pieces: it has written the first to the
  // temporary when it asks for the second, and the second never comes.
  atomicFs.writeFile = ((file: string, data: string, options: Parameters<typeof writeFile>[2]) => {
    async function* pieces() {
      yield data.slice(0, data.length >> 1);
      await stop();
    }
    return writeFile(file, pieces(), options);
  }) as typeof atomicFs.writeFile;
}
if (stage === 'before-rename') {
  atomicFs.rename = (async () => stop()) as typeof atomicFs.rename;
}
await writeAtomic(path, content(1));
if (stage === 'after-rename') await stop();
