/**
 * One thing wrong with a config file.
 *
 * `line` and `column` are 1-based and point at the offending YAML node: the value for a bad value,
 * the key for an unknown key, the enclosing mapping for a missing key. They are 0 when the problem
 * has no position (the file could not be read).
 */
export interface ConfigIssue {
  /** Absolute path of the config file. */
  file: string;
  line: number;
  column: number;
  /** Field path such as `guests[0].vcpus`; `(root)` for the whole document, `(file)` for the file itself, `(yaml)` for syntax. */
  path: string;
  /** What would have been accepted, as a phrase: "an integer from 1 to 64". */
  expected: string;
  /** What was found, rendered short (JSON, truncated), or "nothing". */
  got: string;
}

/** Renders one issue as `file:line:column: path: expected X, got Y` (position omitted when unknown). */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return `${where}: ${issue.path}: expected ${issue.expected}, got ${issue.got}`;
}

/** A config file that cannot be used; `issues` lists every problem found, in file order. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    if (issues.length === 0) throw new TypeError('ConfigError needs at least one issue');
    super(issues.map(formatIssue).join('\n'), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
