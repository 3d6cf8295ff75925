import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import type { Manifest } from './manifest.js';
import { isPlainRelativePath } from './raw-inputs.js';
import { sha256Hex } from '../hash.js';
import type { Accel } from '../units.js';

/**
 * The most bytes of a run file read whole (manifest.json, results.json, the config copy, an anatomy
 * document): far beyond what a run writes, and a bound on what an edited or hostile one can cost.
 */
export const MAX_RUN_FILE_BYTES = 256 * 2 ** 20;

/** Whether `path` is `dir` or inside it (both absolute, already resolved). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Opens a file of a run directory named by something read from it (the manifest), refusing what
 * would read outside the run or forever: a path with `..` or absolute, a symbolic link (the last
 * part, or one of its folders leading out of the run), and anything but a regular file (a FIFO,
 * /dev/zero). Each refusal names the file. The caller closes the handle.
 */
export async function openRunFile(runDir: string, path: string, what: string) {
  const file = join(runDir, path);
  if (!isPlainRelativePath(path)) throw new Error(`expected ${what} to be a path inside the run directory ${runDir}, got ${JSON.stringify(path)}`);
  const real = await realpath(file).catch(() => undefined);
  const root = await realpath(runDir).catch(() => runDir);
  if (real !== undefined && !isInside(root, real)) throw new Error(`expected ${file} to lie inside the run directory ${runDir}, got a link to ${real}`);
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ELOOP') throw new Error(`expected ${file} to be a regular file, got a symbolic link`, { cause: error });
    throw error;
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`expected ${file} (${what}) to be a regular file, got ${kindOf(stats)}`);
    return { handle, size: stats.size, file };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** A run file's bytes, 1 MiB at a time, opened with the same checks as readRunFile (inside the run, a regular file). */
export async function* runFileChunks(runDir: string, path: string, what: string): AsyncGenerator<Uint8Array> {
  const { handle } = await openRunFile(runDir, path, what);
  try {
    for (;;) {
      const buffer = Buffer.alloc(2 ** 20);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** What a file is, for an error that expected another kind. */
function kindOf(stats: Stats): string {
  return stats.isFile()
    ? 'a regular file'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isSymbolicLink()
        ? 'a symbolic link'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : stats.isFIFO()
            ? 'a FIFO'
            : stats.isSocket()
              ? 'a socket'
              : 'a special file';
}

/** The most entries checkTree looks at: a boot's folder holds a handful; more is not what a job writes. */
export const MAX_TREE_ENTRIES = 10_000;

/**
 * Checks a file or folder that a run will take from a directory it does not trust (a Slurm job's,
 * written on another machine) before it is moved or read: `path` must be plain (no `..`, not
 * absolute), every folder on the way a real folder (not a link), and it and everything under it a
 * folder, a regular file or a socket (QEMU's, left in a boot's folder): no symbolic link (which
 * would lead out of `root`), FIFO or device (which would read forever). Returns what it is, or
 * 'absent' when it (or a folder on the way) does not exist. Each refusal names the file and `what`.
 * `shallow`: `path` must be a folder, and what lies inside it is not looked at (it is checked when taken).
 */
export async function checkTree(root: string, path: string, what: string, options: { shallow?: boolean } = {}): Promise<'absent' | 'file' | 'directory'> {
  if (!isPlainRelativePath(path)) throw new Error(`expected ${what} to be a path inside ${root}, got ${JSON.stringify(path)}`);
  const refuse = async (file: string, stats: Stats, expected: string) => {
    const target = stats.isSymbolicLink() ? await readlink(file).catch(() => '?') : undefined;
    return new Error(`expected ${file} (${what}) to be ${expected} inside ${root}, got ${kindOf(stats)}${target === undefined ? '' : ` to ${target}`}`);
  };
  const parts = path.split('/');
  let file = root;
  let stats: Stats | undefined;
  for (const [i, part] of parts.entries()) {
    file = join(file, part);
    stats = await lstat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stats) return 'absent';
    if (i < parts.length - 1 && !stats.isDirectory()) throw await refuse(file, stats, 'a folder');
  }
  if (stats!.isFile() && !options.shallow) return 'file';
  if (!stats!.isDirectory()) throw await refuse(file, stats!, options.shallow ? 'a folder' : 'a regular file or folder');
  const folders = options.shallow ? [] : [file];
  let seen = 0;
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (++seen > MAX_TREE_ENTRIES) throw new Error(`expected ${file} (${what}) to hold at most ${MAX_TREE_ENTRIES} files and folders, got more`);
      const inner = join(folder, entry.name);
      if (entry.isDirectory()) folders.push(inner);
      else if (!entry.isFile() && !entry.isSocket()) throw await refuse(inner, await lstat(inner), 'a regular file or folder');
    }
  }
  return 'directory';
}

/** A run file read whole, checked as openRunFile does and to be at most `maxBytes`. */
export async function readRunFile(runDir: string, path: string, what: string, maxBytes = MAX_RUN_FILE_BYTES): Promise<Buffer> {
  const { handle, size, file } = await openRunFile(runDir, path, what);
  try {
    if (size > maxBytes) throw new Error(`expected ${file} (${what}) to hold at most ${maxBytes} bytes, got ${size}`);
    const bytes = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** A run id: the run directory's name (rundir/create.ts). A Slurm job's manifest holds `RUN_ID/JOB_ID` (executor/slurm/job.ts). */
const RUN_ID = '[A-Za-z0-9][A-Za-z0-9._-]*';

/** The accelerators a guest's boots, or a job, can have run under (units.ts `Accel`). */
const ACCELS = ['kvm', 'tcg', 'tcg-icount', 'native'] satisfies Accel[];

/**
 * What of a manifest the commands that read a run rely on: one declaration, checked wherever a
 * manifest is read back (report, archive, verify, and the gathering of a Slurm job's manifest),
 * so an edited one is refused with the field named. Only the run id's form differs between a
 * run's manifest and a job's, hence the parameter.
 */
function manifestShape(runIdPattern: string) {
  return {
    type: 'object',
    required: ['schemaVersion', 'runId', 'config', 'guests'],
    properties: {
      schemaVersion: { const: 1 },
      runId: { type: 'string', pattern: runIdPattern },
      startedAt: { type: 'string' },
      complete: { type: 'boolean' },
      config: {
        type: 'object',
        required: ['copy', 'sha256'],
        properties: { copy: { type: 'string', pattern: '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$' }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      },
      guests: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'os', 'status', 'boots'],
          properties: {
            // The config's guest name (configs/schema.json): it names the guest's folder in the run.
            name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' },
            os: { type: 'string' },
            status: { enum: ['done', 'failed', 'skipped', 'running', 'interrupted'] },
            accel: { enum: ACCELS },
            boots: {
              type: 'array',
              items: {
                type: 'object',
                required: ['boot', 'status', 'dataBytes'],
                properties: {
                  boot: { type: 'integer', minimum: 1 },
                  status: { enum: ['done', 'failed', 'interrupted'] },
                  dataBytes: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
                },
              },
            },
          },
        },
      },
    },
  } as const;
}

/**
 * What gathering a Slurm job (executor/gather.ts) relies on beyond what every manifest must hold:
 * the node it ran on, its accelerator, how it ended, and its guest's node conditions and reasons,
 * which go into the run's manifest and reports.
 */
const JOB_MANIFEST_NEEDS = {
  type: 'object',
  required: ['host', 'accel'],
  properties: {
    finishedAt: { type: 'string' },
    interrupted: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
    host: { type: 'object', required: ['hostname', 'cpuModel'], properties: { hostname: { type: 'string' }, cpuModel: { type: 'string' } } },
    accel: { type: 'object', properties: { chosen: { enum: ACCELS }, reason: { type: 'string' } } },
    executor: {
      type: 'object',
      required: ['jobs'],
      properties: {
        jobs: {
          type: 'array',
          items: { type: 'object', required: ['id', 'state'], properties: { id: { type: 'string' }, state: { type: 'string' }, reason: { type: 'string' } } },
        },
      },
    },
    guests: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          reason: { type: 'string' },
          hostConditions: { type: 'object', required: ['warnings'], properties: { warnings: { type: 'array', items: { type: 'string' } } } },
          boots: { type: 'array', items: { type: 'object', properties: { reason: { type: 'string' } } } },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateManifest = ajv.compile(manifestShape(`^${RUN_ID}$`));
const validateJobManifest = ajv.compile({ allOf: [manifestShape(`^${RUN_ID}/${RUN_ID}$`), JOB_MANIFEST_NEEDS] });

/** ajv's errors as `field: expected X, got Y`, at most four. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined, data: unknown): string {
  const lines = (errors ?? []).slice(0, 4).map((error) => {
    if (error.keyword === 'required') {
      const missing = `${error.instancePath}/${String(error.params.missingProperty)}`.replace(/^\//, '').replace(/\//g, '.');
      return `${missing}: expected a value, got none`;
    }
    const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(the document)';
    let got: unknown = data;
    for (const part of error.instancePath.split('/').slice(1)) got = (got as Record<string, unknown> | undefined)?.[part];
    const expected =
      error.keyword === 'const'
        ? `${JSON.stringify(error.params.allowedValue)}`
        : (error.message ?? error.keyword).replace(/^must be /, '').replace(/^must /, 'to ');
    const shown = JSON.stringify(got);
    return `${field}: expected ${expected}, got ${shown === undefined ? 'nothing' : shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}`;
  });
  return lines.join('; ');
}

/**
 * manifest.json's text parsed and checked; `file` names it in every error. `kind: 'job'` is a Slurm
 * job's own manifest (RUN_DIR/jobs/ID/manifest.json), whose run id is `RUN_ID/JOB_ID`.
 */
export function parseRunManifest(text: string, file: string, kind: 'run' | 'job' = 'run'): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`expected ${file} to be JSON, got text that does not parse (${(error as Error).message})`, { cause: error });
  }
  const validate = kind === 'job' ? validateJobManifest : validateManifest;
  if (!validate(data)) {
    const what = kind === 'job' ? 'a job manifest as `harness job` writes it' : 'a run manifest as the harness writes it';
    throw new Error(`expected ${file} to be ${what}, got one edited or damaged: ${describeSchemaErrors(validate.errors, data)}`);
  }
  return data as unknown as Manifest;
}

/** The run's manifest, read and checked. */
export async function readCheckedManifest(runDir: string): Promise<Manifest> {
  const bytes = await readRunFile(runDir, 'manifest.json', 'the run manifest');
  return parseRunManifest(bytes.toString('utf8'), join(runDir, 'manifest.json'));
}

/** Refuses a config copy that is no longer the one the manifest records (someone edited it since). */
export function checkConfigCopy(runDir: string, manifest: Manifest, bytes: Uint8Array): void {
  const got = sha256Hex(bytes);
  if (got !== manifest.config.sha256) {
    throw new Error(
      `expected ${join(runDir, manifest.config.copy)} to be the config the run was started with (manifest.json config.sha256 ${manifest.config.sha256}), got one with SHA-256 ${got}: the copy was edited since the run`,
    );
  }
}

/** `path` made absolute with every symbolic link resolved, for the part of it that exists. */
export async function resolveReal(path: string): Promise<string> {
  const absolute = resolve(path);
  const rest: string[] = [];
  let existing = absolute;
  for (;;) {
    const real = await realpath(existing).catch(() => undefined);
    if (real !== undefined) return join(real, ...rest.reverse());
    const parent = dirname(existing);
    if (parent === existing) return absolute;
    rest.push(basename(existing));
    existing = parent;
  }
}

/**
 * Refuses an output path (symbolic links resolved) that is inside one of `runDirs`, or that is or
 * lies inside any run directory (a folder holding manifest.json): a command's output must never
 * change a run, nor end up in its next archive.
 */
export async function checkOutputOutsideRuns(output: string, runDirs: readonly string[], what: string): Promise<string> {
  const real = await resolveReal(output);
  for (const dir of runDirs) {
    const run = await resolveReal(dir);
    if (isInside(run, real)) {
      throw new Error(
        `expected ${what} outside the run directory ${dir}, got ${output}${real !== resolve(output) ? ` (${real} once links are resolved)` : ''}`,
      );
    }
  }
  for (let dir = real; ; dir = dirname(dir)) {
    if (
      await stat(join(dir, 'manifest.json')).then(
        (s) => s.isFile(),
        () => false,
      )
    ) {
      throw new Error(
        `expected ${what} outside every run directory, got ${output}, ${dir === real ? 'an existing run directory' : `inside the run directory ${dir}`}`,
      );
    }
    if (dirname(dir) === dir) break;
  }
  return real;
}
