import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import type { Manifest } from './manifest.js';
import { isPlainRelativePath } from './raw-inputs.js';
import { sha256Hex } from '../hash.js';

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
    if (!stats.isFile()) {
      const kind = stats.isDirectory()
        ? 'a directory'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : stats.isFIFO()
            ? 'a FIFO'
            : 'a special file';
      throw new Error(`expected ${file} (${what}) to be a regular file, got ${kind}`);
    }
    return { handle, size: stats.size, file };
  } catch (error) {
    await handle.close();
    throw error;
  }
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

/**
 * What of a manifest the commands that read a run rely on: one declaration, checked wherever a
 * manifest is read back (report, archive, verify), so an edited one is refused with the field named.
 */
const MANIFEST_SHAPE = {
  type: 'object',
  required: ['schemaVersion', 'runId', 'config', 'guests'],
  properties: {
    schemaVersion: { const: 1 },
    runId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
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
          accel: { enum: ['kvm', 'tcg', 'tcg-icount', 'native'] },
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

const validateManifest = new Ajv({ allErrors: true, strict: false }).compile(MANIFEST_SHAPE);

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

/** manifest.json's text parsed and checked; `file` names it in every error. */
export function parseRunManifest(text: string, file: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`expected ${file} to be JSON, got text that does not parse`, { cause: error });
  }
  if (!validateManifest(data)) {
    throw new Error(
      `expected ${file} to be a run manifest as the harness writes it, got one edited or damaged: ${describeSchemaErrors(validateManifest.errors, data)}`,
    );
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
