import { constants, type Stats } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';

import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';

import { ConfigError, type ConfigIssue } from './errors.js';
import { issueAt, sortIssues, type IssueContext, type SchemaNode } from './issues.js';
import { renderValue, YamlSource } from './source.js';

/** Makes the error a loader throws, so each kind of file keeps its own error class. */
export type IssuesError = (issues: readonly ConfigIssue[], options?: { cause?: unknown }) => ConfigError;

export interface YamlFile {
  /** Absolute path. */
  file: string;
  text: string;
  data: unknown;
  context: IssueContext;
}

/**
 * Reads a UTF-8 YAML file into plain data, keeping the node positions so that later problems can
 * be reported at file:line:column. Every failure on the way (unreadable file, bad UTF-8, YAML
 * syntax, an empty document) is thrown as `fail(issues)` with the underlying error as `cause`.
 *
 * @param expectedTop what an empty document should have held, e.g. "a mapping with at least a 'guests' key"
 */
export async function readYamlFile(file: string, expectedTop: string, fail: IssuesError): Promise<YamlFile> {
  const absolute = path.resolve(file);
  const text = await readText(absolute, fail);
  const source = parseYaml(absolute, text, fail);
  const context: IssueContext = { file: absolute, source };
  if (source.doc.contents === null) throw fail([issueAt(context, [], 'node', expectedTop, 'an empty document')]);
  try {
    return { file: absolute, text, data: source.doc.toJS({ maxAliasCount: 100 }), context };
  } catch (error) {
    throw fail([{ file: absolute, line: 1, column: 1, path: '(yaml)', expected: 'YAML that can be expanded', got: messageOf(error) }], { cause: error });
  }
}

/**
 * Largest YAML file read, in bytes. Run configs and published references are a few kilobytes; a
 * file far bigger is not one, and parsing megabytes of YAML costs seconds and memory.
 */
export const MAX_YAML_BYTES = 1024 * 1024;

/** The file's kind when it is not a regular file (a pipe, a device), in words. A directory is left to fail its read (EISDIR). */
function specialKind(stats: Stats): string | undefined {
  if (stats.isFile() || stats.isDirectory()) return undefined;
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The file's bytes, refusing what is not a regular file of at most MAX_YAML_BYTES before reading
 * it: a pipe or /dev/zero would never end, and a huge file is not a config.
 */
async function readBounded(file: string): Promise<Buffer | { got: string }> {
  // O_NONBLOCK: opening a named pipe with no writer would otherwise wait for one.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    const kind = specialKind(stats);
    if (kind !== undefined) return { got: kind };
    if (stats.size > MAX_YAML_BYTES) return { got: `${stats.size} bytes` };
    const buffer = Buffer.alloc(MAX_YAML_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      // Grew past the limit while being read.
      if (length > MAX_YAML_BYTES) return { got: `more than ${MAX_YAML_BYTES} bytes` };
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

async function readText(file: string, fail: IssuesError): Promise<string> {
  let bytes: Buffer;
  try {
    const read = await readBounded(file);
    if (!Buffer.isBuffer(read)) {
      const expected = read.got.endsWith('bytes') ? `a YAML file of at most ${MAX_YAML_BYTES} bytes` : 'a readable YAML file';
      throw fail([{ file, line: 0, column: 0, path: '(file)', expected, got: read.got }]);
    }
    bytes = read;
  } catch (error) {
    if (error instanceof Error && 'issues' in error) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const got =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a directory'
          : code === 'EACCES'
            ? 'a file this user may not read'
            : code === 'ELOOP'
              ? 'a symbolic link loop'
              : messageOf(error);
    throw fail([{ file, line: 0, column: 0, path: '(file)', expected: 'a readable YAML file', got }], { cause: error });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw fail([{ file, line: 0, column: 0, path: '(file)', expected: 'UTF-8 text', got: 'bytes that are not valid UTF-8' }], { cause: error });
  }
}

function parseYaml(file: string, text: string, fail: IssuesError): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const source = new YamlSource(doc, lineCounter);
  if (doc.errors.length > 0) {
    const lines = text.split(/\r?\n/);
    const issues = doc.errors.map((error: YAMLError): ConfigIssue => {
      const { line, column } = source.positionAt(error.pos[0]);
      const reason = error.message.split(/ at line \d+, column \d+/)[0]?.trim() ?? error.code;
      return { file, line, column, path: '(yaml)', expected: `valid YAML (${reason})`, got: renderValue((lines[line - 1] ?? '').trim()) };
    });
    throw fail(sortIssues(issues), { cause: doc.errors[0] });
  }
  return source;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface CompiledSchema {
  validate: ValidateFunction;
  schema: SchemaNode;
}

/** A JSON Schema compiled once, on first use; a failed compile is retried next time. */
export function cachedValidator(schemaFile: () => Promise<string>, options: AjvOptions = {}): () => Promise<CompiledSchema> {
  let compiled: Promise<CompiledSchema> | undefined;
  return () => {
    compiled ??= (async () => {
      const schema = JSON.parse(await readFile(await schemaFile(), 'utf8')) as SchemaNode;
      const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, ...options });
      return { validate: ajv.compile(schema), schema };
    })();
    compiled.catch(() => {
      compiled = undefined;
    });
    return compiled;
  };
}
