import type { ErrorObject } from 'ajv';

import type { ConfigIssue } from './errors.js';
import { formatPath, renderValue, type Anchor, type PathSegment, type YamlSource } from './source.js';

/** The parts of a JSON Schema (configs/schema.json) that are used to phrase what was expected. */
export interface SchemaNode {
  $ref?: string;
  /**
   * On scalar (string, number) schemas: the phrase shown as `expected`, e.g. "a path to the seL4
   * kernel image". On objects: the name of their generated type (scripts/generate-schema-types.ts).
   */
  title?: string;
  description?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  definitions?: Record<string, SchemaNode>;
}

/** Everything needed to turn a problem at a field path into a positioned ConfigIssue. */
export interface IssueContext {
  file: string;
  source: YamlSource;
}

export function issueAt(context: IssueContext, path: readonly PathSegment[], anchor: Anchor, expected: string, got: string): ConfigIssue {
  const { line, column } = context.source.locate(path, anchor);
  return { file: context.file, line, column, path: formatPath(path), expected, got };
}

/** Orders issues as they appear in the file. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

/**
 * Translates ajv's errors (compiled with `allErrors` and `verbose`) into issues: one per offending
 * field, pointing at the value, the unknown key, or the mapping a required key is missing from.
 *
 * `data` is what was validated; `root` the schema, for following `$ref`s.
 */
export function ajvErrorsToIssues(errors: readonly ErrorObject[], data: unknown, root: SchemaNode, context: IssueContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: ConfigIssue): void => {
    // Several keywords can fail on one value (say `minimum` and `multipleOf`); the phrase covers all.
    if (seen.has(issue.path)) return;
    seen.add(issue.path);
    issues.push(issue);
  };

  for (const error of errors) {
    const path = pointerToPath(error.instancePath, data);
    const parent = resolve(root, error.parentSchema as SchemaNode | undefined);
    switch (error.keyword) {
      case 'if':
        // "must match then schema": the errors from inside `then` are reported on their own.
        break;
      case 'required': {
        const key = (error.params as { missingProperty: string }).missingProperty;
        const property = resolve(root, parent?.properties?.[key]);
        const expected = property === undefined ? 'a value (required)' : `${describeSchema(root, property)} (required)`;
        add(issueAt(context, [...path, key], 'node', expected, 'nothing'));
        break;
      }
      case 'additionalProperties': {
        const key = (error.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys(parent?.properties ?? {});
        add(issueAt(context, [...path, key], 'key', unknownKeyPhrase(key, allowed, osOf(path, data)), `key '${key}'`));
        break;
      }
      case 'uniqueItems': {
        const { i, j } = error.params as { i: number; j: number };
        const [first, again] = i < j ? [i, j] : [j, i];
        const list = error.data as unknown[];
        add(
          issueAt(
            context,
            [...path, again],
            'value',
            `an entry different from ${formatPath([...path, first])} (entries must be distinct)`,
            renderValue(list[again]),
          ),
        );
        break;
      }
      default: {
        const expected = parent === undefined ? (error.message ?? 'a valid value') : describeSchema(root, parent);
        const got = error.keyword === 'maxItems' && Array.isArray(error.data) ? `${error.data.length} entries` : renderValue(error.data);
        add(issueAt(context, path, 'value', expected, got));
      }
    }
  }
  return issues;
}

/** A short phrase for what `schema` accepts: "an integer from 1 to 64", "one of kvm, tcg". */
export function describeSchema(root: SchemaNode, schema: SchemaNode): string {
  const s = resolve(root, schema) ?? schema;
  if (s.enum !== undefined) return `one of ${s.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
  if (s.const !== undefined) return `exactly ${JSON.stringify(s.const)}`;
  const scalar = s.type === 'string' || s.type === 'integer' || s.type === 'number';
  if (scalar && s.title !== undefined) return s.title;
  // A list allowed no entries (e.g. `peers` for os sel4) says why in its title.
  if (s.type === 'array' && s.maxItems === 0 && s.title !== undefined) return s.title;
  switch (s.type) {
    case 'integer':
    case 'number':
      return `${s.type === 'integer' ? 'an integer' : 'a number'}${rangePhrase(s.minimum, s.maximum)}`;
    case 'string':
      if (s.pattern !== undefined) return `a string matching /${s.pattern}/`;
      if (s.minLength !== undefined && s.minLength > 0) return 'a non-empty string';
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object': {
      const required = s.required ?? [];
      if (required.length === 0) return 'a mapping';
      return `a mapping with ${required.length === 1 ? 'key' : 'keys'} ${required.map((k) => `'${k}'`).join(', ')}`;
    }
    case 'array': {
      const distinct = s.uniqueItems === true ? 'distinct ' : '';
      const items = s.items === undefined ? 'entries' : pluralNoun(resolve(root, s.items) ?? s.items);
      const min = s.minItems ?? 0;
      const max = s.maxItems;
      if (max !== undefined && min > 0) return `a list of ${min} to ${max} ${distinct}${items}`;
      if (max !== undefined) return `a list of at most ${max} ${distinct}${items}`;
      if (min === 1) return `a non-empty list of ${distinct}${items}`;
      if (min > 1) return `a list of at least ${min} ${distinct}${items}`;
      return `a list of ${distinct}${items}`;
    }
    default:
      return 'a valid value';
  }
}

function rangePhrase(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function pluralNoun(schema: SchemaNode): string {
  switch (schema.type) {
    case 'integer':
      return 'integers';
    case 'number':
      return 'numbers';
    case 'string':
      return 'strings';
    case 'object':
      return 'mappings';
    case 'array':
      return 'lists';
    default:
      return 'entries';
  }
}

function unknownKeyPhrase(key: string, allowed: readonly string[], os: string | undefined): string {
  const scope = os === undefined ? '' : ` for os ${os}`;
  const list = allowed.length === 0 ? `no keys are allowed${scope}` : `allowed${scope}: ${allowed.join(', ')}`;
  const suggestion = closest(key, allowed);
  return `no key '${key}' (${list}${suggestion === undefined ? '' : `; did you mean '${suggestion}'?`})`;
}

/** For an unknown key inside a guest's `image`, the guest's os, which decides the allowed keys. */
function osOf(path: readonly PathSegment[], data: unknown): string | undefined {
  if (path[path.length - 1] !== 'image') return undefined;
  const guest = valueAt(data, path.slice(0, -1));
  const os = isRecord(guest) ? guest['os'] : undefined;
  return typeof os === 'string' ? os : undefined;
}

/** The allowed key a misspelt `key` was most likely meant to be, if any is close. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = norm(candidate) === norm(key) ? 0 : editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = key.length <= 4 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let k = 1; k <= b.length; k++) {
      const substitution = (previous[k - 1] ?? 0) + (a[i - 1] === b[k - 1] ? 0 : 1);
      current[k] = Math.min((previous[k] ?? 0) + 1, (current[k - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Follows a local `$ref` (`#/definitions/x`) to the schema it names. */
function resolve(root: SchemaNode, schema: SchemaNode | undefined): SchemaNode | undefined {
  let current = schema;
  for (let depth = 0; current?.$ref !== undefined && depth < 16; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) return current;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isRecord(target) ? target[key] : undefined;
    }
    current = isRecord(target) ? (target as SchemaNode) : undefined;
  }
  return current;
}

/** Turns ajv's JSON Pointer (`/guests/0/vcpus`) into path segments, indices as numbers. */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(part)) {
      const index = Number(part);
      path.push(index);
      current = current[index];
    } else {
      path.push(part);
      current = isRecord(current) ? current[part] : undefined;
    }
  }
  return path;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
