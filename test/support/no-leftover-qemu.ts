// Mocha root hook plugin (.mocharc.json "require"): after the whole suite, no QEMU this suite
// started may still run (issue 7, docs/reliability.md). Loaded before any test file, it gives the
// suite a tag of its own and a temporary directory of its own (TMPDIR, so every mkdtemp(tmpdir())
// of the tests, and every QMP socket and console file the harness puts there, lies inside it); a
// QEMU counts as the suite's when any of these holds:
//   - its environment carries HB_TEST_SUITE=<this suite's tag> (inherited through every child,
//     even one orphaned when its parent died);
//   - its command line mentions the suite's temporary directory;
//   - it descends from this mocha process.
// The same goes for the daemons of the Slurm clusters tests start (munged, slurmctld, slurmd,
// slurmstepd). QEMUs of anything else on the machine (another suite, another engineer's run) match none and are
// never touched. Leftovers are killed (SIGKILL) and the suite fails, naming them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SUITE_TAG_ENV = 'HB_TEST_SUITE';

/**
 * The suite of this process, made once per process: the module can be loaded twice in one process
 * (as the --require'd plugin and as an import of a test, which the TypeScript loader may give two
 * module instances), and a second suite would take over TMPDIR and the tag from the first.
 */
/** The directory tsx caches compiled files in, under TMPDIR. */
const TSX_CACHE = `tsx-${process.geteuid?.() ?? userInfo().username}`;

function processSuite(): { tag: string; tmp: string } {
  const key = Symbol.for('hb-test-suite');
  const shared = globalThis as { [key]?: { tag: string; tmp: string } };
  if (shared[key]) return shared[key];
  const tag = `hb-suite-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(tmpdir(), tag);
  mkdirSync(tmp, { recursive: true });
  // tsx keeps its compiled files in TMPDIR/tsx-<uid>: the suite's points at the one outside, so the
  // TypeScript children of the tests (and mocha's parallel workers) do not compile everything anew.
  const compiled = join(tmpdir(), TSX_CACHE);
  mkdirSync(compiled, { recursive: true });
  symlinkSync(compiled, join(tmp, TSX_CACHE));
  process.env[SUITE_TAG_ENV] = tag;
  process.env.TMPDIR = tmp;
  // Emptied after the tests (see afterAll) and removed as the process ends. In mocha's parallel
  // mode each worker process loads this plugin, and runs afterAll after each of its files: the
  // directory must still be there for the worker's next file.
  process.on('exit', () => {
    try {
      rmSync(join(tmp, TSX_CACHE), { force: true });
      rmdirSync(tmp);
    } catch {
      // Not empty: a QEMU was left, and what it had there is kept to be looked at.
    }
  });
  return (shared[key] = { tag, tmp });
}

/** This mocha process's tag; each suite (also one run inside a test) makes its own. */
export const suiteTag = processSuite().tag;
/** The suite's own temporary directory, made TMPDIR for the tests and everything they start. */
export const suiteTmp = processSuite().tmp;

export interface SuiteQemu {
  pid: number;
  args: string;
  /** Which criteria made it the suite's. */
  why: string[];
}

function readProc(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const stat = readProc(String(pid), 'stat');
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const ppid = stat === undefined ? Number.NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

function descendsFrom(pid: number, ancestor: number): boolean {
  let current: number | undefined = pid;
  for (let depth = 0; depth < 64 && current !== undefined && current > 1; depth++) {
    current = parentOf(current);
    if (current === ancestor) return true;
  }
  return false;
}

/**
 * Running qemu-system-* processes (by argv[0], or argv[1] for a script run by an interpreter such
 * as the tests' fake QEMU) that belong to the suite tagged `tag`. Zombies (already dead, not yet
 * reaped) have no command line and are not counted.
 */
export function suiteQemus(tag = suiteTag, tmp = suiteTmp, root = process.pid, programs: RegExp = QEMU_PROGRAM): SuiteQemu[] {
  const found: SuiteQemu[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = readProc(entry, 'cmdline');
    if (!cmdline) continue;
    const argv = cmdline.split('\0').filter(Boolean);
    if (!argv.slice(0, 2).some((arg) => programs.test(basename(arg)))) continue;
    const pid = Number(entry);
    const why: string[] = [];
    const environ = readProc(entry, 'environ');
    if (environ?.split('\0').includes(`${SUITE_TAG_ENV}=${tag}`)) why.push('environment');
    if (argv.some((arg) => arg.includes(tmp))) why.push('command line');
    if (descendsFrom(pid, root)) why.push('descendant');
    if (why.length > 0) found.push({ pid, args: argv.join(' '), why });
  }
  return found;
}

/** QEMU, by its program name. */
const QEMU_PROGRAM = /^qemu-system/;
/** The daemons of the tests' Slurm clusters (test/support/slurm-cluster.ts) and their job steps ("slurmstepd: [4.batch]"). */
export const SLURM_PROGRAM = /^(munged|slurmctld|slurmd|slurmstepd)\b/;

/** The suite's QEMUs (or other `programs`) still running `graceMs` from now (a QEMU being stopped as a test ends gets that long). */
export async function leftoverQemus(graceMs = 3000, programs: RegExp = QEMU_PROGRAM): Promise<SuiteQemu[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = suiteQemus(suiteTag, suiteTmp, process.pid, programs);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(100);
  }
}

/**
 * How long a QEMU being stopped as the last test ends may take to go; HB_LEFTOVER_GRACE_MS
 * overrides it (test/support/no-leftover-qemu.test.ts sets 0 for a suite whose QEMU never goes).
 */
const LEFTOVER_GRACE_MS = Number(process.env.HB_LEFTOVER_GRACE_MS ?? 3000);

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(LEFTOVER_GRACE_MS + 30_000);
    // A Slurm cluster a test started and did not stop counts too (issue 9: nothing of Slurm outlives the tests).
    const left = [...(await leftoverQemus(LEFTOVER_GRACE_MS)), ...suiteQemus(suiteTag, suiteTmp, process.pid, SLURM_PROGRAM)];
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone in the meantime.
      }
    }
    if (left.length === 0) {
      for (const entry of readdirSync(suiteTmp)) if (entry !== TSX_CACHE) rmSync(join(suiteTmp, entry), { recursive: true, force: true });
    }
    if (left.length > 0) {
      const list = left.map((q) => `  pid ${q.pid} (${q.why.join(', ')}): ${q.args.slice(0, 300)}`).join('\n');
      throw new Error(`expected no QEMU or Slurm daemon left running after the test suite, got ${left.length} (now killed):\n${list}`);
    }
  },
};
