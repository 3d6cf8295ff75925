import { access, readdir } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { ajvErrorsToIssues, issueAt, sortIssues } from '../config/issues.js';
import { renderValue } from '../config/source.js';
import { cachedValidator, readYamlFile } from '../config/yaml-file.js';
import { UsageError } from '../errors/usage-error.js';
import { projectRoot } from '../paths.js';
import { referenceIssues } from './checks.js';
import type { PublishedReference } from './types.js';

/** Where the reference files live, one per reference, named <id>.yaml. */
export const publishedDir = path.join(projectRoot, 'configs', 'published');
export const publishedSchemaFile = path.join(publishedDir, 'schema.json');

/** A reference file that cannot be used; `issues` name file, line, field, expected and got, as for configs. */
export class PublishedReferenceError extends ConfigError {
  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(issues, options);
    this.name = 'PublishedReferenceError';
  }
}

/** The ids of the reference files in `dir`, sorted. */
export async function listReferenceIds(dir = publishedDir): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * A reference given as an id (configs/published/<id>.yaml) or as a path to a YAML file.
 *
 * @throws UsageError listing the known ids when `idOrFile` is neither.
 */
export async function resolveReference(idOrFile: string, dir = publishedDir): Promise<PublishedReference> {
  if (/\.ya?ml$/.test(idOrFile) || idOrFile.includes('/')) return loadReference(idOrFile);
  const known = await listReferenceIds(dir);
  if (!known.includes(idOrFile)) {
    throw new UsageError(`expected a published reference id (one of ${known.join(', ')}) or a path to a .yaml file, got ${JSON.stringify(idOrFile)}`);
  }
  return loadReference(path.join(dir, `${idOrFile}.yaml`));
}

/**
 * Reads and validates one reference file against configs/published/schema.json and the checks in
 * checks.ts; its defaultConfig must exist.
 *
 * @throws PublishedReferenceError listing every problem with file, line and column; for an unreadable
 *   file or a YAML syntax error, `cause` is the underlying error.
 */
export async function loadReference(file: string): Promise<PublishedReference> {
  const {
    file: absolute,
    data,
    context,
  } = await readYamlFile(
    file,
    "a mapping with keys 'id', 'title', 'citation', 'figures' and the rest of configs/published/schema.json",
    (issues, o) => new PublishedReferenceError(issues, o),
  );
  const { validate, schema } = await validator();
  const issues: ConfigIssue[] = [];
  if (!validate(data)) issues.push(...ajvErrorsToIssues(validate.errors ?? [], data, schema, context));
  issues.push(...referenceIssues(data, context));
  const reference = data as Omit<PublishedReference, 'file' | 'ratios'> & { ratios?: PublishedReference['ratios'] };
  if (issues.length === 0 && !(await exists(path.resolve(projectRoot, reference.defaultConfig)))) {
    issues.push(
      issueAt(
        context,
        ['defaultConfig'],
        'value',
        `a config file relative to the project root ${projectRoot}`,
        `${renderValue(reference.defaultConfig)} (no such file)`,
      ),
    );
  }
  if (issues.length > 0) throw new PublishedReferenceError(sortIssues(issues));
  return { ...reference, ratios: reference.ratios ?? [], file: absolute };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The compiled validator for configs/published/schema.json. */
const validator = cachedValidator(async () => publishedSchemaFile);
