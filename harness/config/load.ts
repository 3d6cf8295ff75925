import { access } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { sha256Hex } from '../hash.js';
import { imagePathIssues, semanticIssues } from './checks.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { rewriteFormerOs } from './former.js';
import { imagePathKinds } from './image-paths.js';
import { applyOverrides, type RunOverrides } from './overrides.js';
import { ajvErrorsToIssues, sortIssues } from './issues.js';
import { pathSettingIssues, resolveConfigPath } from './path-settings.js';
import { cachedValidator, readYamlFile } from './yaml-file.js';
import type { GuestConfig, RunConfig, SshTargetConfig, ValidatedConfig } from './types.js';

export interface LoadOptions {
  /**
   * Number of host CPUs; a pinned CPU number >= this is rejected. Default: `os.availableParallelism()`.
   */
  hostCpus?: number;
  /** MiB of host memory; a guest's memoryMiB above it is rejected. Default: `os.totalmem()`. */
  hostMemoryMiB?: number;
  /**
   * Whether image paths that exist must be the right kind (file or directory), and `resultsDir` and
   * `cacheDir` usable directories (path-settings.ts). Default true; off when reading a run
   * directory's copy of a config, whose paths name another time's files.
   */
  checkImagePaths?: boolean;
  /**
   * The command line's overrides (`harness run --guest --bench --iters --warmup --boots`), applied to
   * the loaded config (overrides.ts); a run's are recorded in its manifest and given again here by
   * what reads the run later.
   */
  overrides?: RunOverrides;
}

/**
 * Reads, parses and validates a YAML run configuration (configs/schema.json plus the checks in
 * checks.ts and path-settings.ts), fills in defaults and makes paths absolute against the file's
 * directory (`~/` is the home directory).
 *
 * Image files need not exist: a guest whose image is missing is skipped at run time. One that
 * exists must be the right kind (a disk image a file, a build directory a directory). Earlier
 * spellings of `os` (former.ts) are read as today's.
 *
 * @throws ConfigError listing every problem found, with file, line and column; for an unreadable
 *   file or a YAML syntax error, `cause` is the underlying error. UsageError for overrides that
 *   do not fit the config or the schema's bounds.
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<RunConfig> {
  const hostCpus = options.hostCpus ?? availableParallelism();
  if (!Number.isInteger(hostCpus) || hostCpus < 1) {
    throw new RangeError(`loadConfig: hostCpus must be an integer >= 1, got ${hostCpus}`);
  }
  const hostMemoryMiB = options.hostMemoryMiB ?? Math.floor(totalmem() / (1024 * 1024));
  if (!(hostMemoryMiB >= 1)) throw new RangeError(`loadConfig: hostMemoryMiB must be >= 1, got ${hostMemoryMiB}`);
  const { file: absolute, text, data, context } = await readYamlFile(file, "a mapping with at least a 'guests' key", (issues, o) => new ConfigError(issues, o));
  const { validate, schema } = await validator();
  const schemaNode = schema as Record<string, unknown>;
  const issues: ConfigIssue[] = rewriteFormerOs(data, context);
  if (!validate(data)) issues.push(...ajvErrorsToIssues(validate.errors ?? [], data, schema, context));
  issues.push(...semanticIssues(data, context, hostCpus, hostMemoryMiB));
  if (options.checkImagePaths !== false) {
    issues.push(...(await imagePathIssues(data, context, path.dirname(absolute), schemaNode)));
    issues.push(...(await pathSettingIssues(data, context, path.dirname(absolute))));
  }
  if (issues.length > 0) throw new ConfigError(sortIssues(issues));

  const config = toRunConfig(data as ValidatedConfig, absolute, text, schemaNode);
  return options.overrides === undefined ? config : applyOverrides(config, options.overrides, schemaNode);
}

function toRunConfig(config: ValidatedConfig, file: string, text: string, schema: Record<string, unknown>): RunConfig {
  const dir = path.dirname(file);
  const guests: GuestConfig[] = config.guests.map((guest) => {
    // Every image value is a string: the schema's per-OS rules, checked above, allow nothing else.
    const image = { ...guest.image } as Record<string, string>;
    for (const key of Object.keys(imagePathKinds(schema, guest as unknown as Record<string, unknown>))) {
      const value = image[key];
      if (value !== undefined) image[key] = path.resolve(dir, value);
    }
    return {
      name: guest.name,
      os: guest.os,
      reach: guest.reach,
      ...(guest.variant === undefined ? {} : { variant: guest.variant }),
      vcpus: guest.vcpus,
      memoryMiB: guest.memoryMiB,
      pin: guest.pin === undefined ? undefined : [...guest.pin],
      ...(guest.anatomy === undefined ? {} : { anatomy: guest.anatomy }),
      benchmarks: {
        boots: guest.benchmarks.boots,
        iterations: guest.benchmarks.iterations,
        warmup: guest.benchmarks.warmup,
        include: [...guest.benchmarks.include],
      },
      peers: [...guest.peers],
      image,
      ...(guest.deploy === undefined ? {} : { deploy: guest.deploy }),
      ...(guest.target === undefined ? {} : { target: resolveTarget(guest.target, dir) }),
    };
  });
  return {
    file,
    text,
    sha256: sha256Hex(text),
    accel: config.accel,
    resultsDir: resolveConfigPath(config.resultsDir, dir),
    cacheDir: resolveConfigPath(config.cacheDir, dir),
    timeouts: { ...config.timeouts },
    bootstrap: { ...config.bootstrap },
    methodology: { ...config.methodology, overheadTolerance: { ...config.methodology.overheadTolerance } },
    report: { ...config.report },
    executor: {
      kind: config.executor.kind,
      split: { ...config.executor.split },
      slurm: { ...config.executor.slurm, extraArgs: [...config.executor.slurm.extraArgs] },
    },
    guests,
  };
}

/** An ssh target with its key path made absolute (`~/` is the home directory, else relative to the config's directory). */
function resolveTarget(target: SshTargetConfig, dir: string): SshTargetConfig {
  return { ...target, key: resolveConfigPath(target.key, dir), ...(target.cpus === undefined ? {} : { cpus: [...target.cpus] }) };
}

/** The compiled validator for configs/schema.json; defaults are filled in as it validates. `x-path` marks image paths (image-paths.ts). */
const validator = cachedValidator(schemaFile, { useDefaults: true, keywords: ['x-path'] });

/**
 * configs/schema.json, found by walking up from this module: it sits at ../../configs from the
 * source and at ../../../configs from the compiled copy under dist/.
 */
export async function schemaFile(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = path.join(dir, 'configs', 'schema.json');
    try {
      await access(candidate);
      return candidate;
    } catch {
      dir = path.dirname(dir);
    }
  }
  throw new Error(`configs/schema.json not found above ${fileURLToPath(import.meta.url)}`);
}
