// Child process for test/rundir/atomic.test.ts: rewrites one file with writeAtomic, as the runner
// rewrites results.json after every boot, until it is killed. Each version is a JSON document of a
// few megabytes whose `end` field comes last, so a half-written file cannot parse or lacks it.
import { writeAtomic } from '../../harness/rundir/atomic.js';

const [path, megabytes] = process.argv.slice(2) as [string, string];
const filler = 'x'.repeat(Number(megabytes) * 1024 * 1024);
let version = 0;
const content = () => `${JSON.stringify({ version, filler, end: true })}\n`;
await writeAtomic(path, content());
process.stdout.write('ready\n');
for (;;) {
  version++;
  await writeAtomic(path, content());
}
