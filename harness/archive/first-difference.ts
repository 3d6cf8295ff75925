/** Where two texts first differ, by line (1-based) and column, each side shown around that column. */
export interface LineDifference {
  line: number;
  /** 1-based column of the first differing character in the line. */
  column: number;
  /** Excerpt of the line in the file as held (archived or on disk); undefined past its end. */
  expected: string | undefined;
  /** Excerpt of the line as regenerated; undefined past its end. */
  got: string | undefined;
}

const BEFORE = 30;
const AFTER = 70;

/** The part of a line around `at`, so a long line (a CSV header, JSON) still shows where it differs. */
function excerpt(line: string | undefined, at: number): string | undefined {
  if (line === undefined) return undefined;
  const start = Math.max(0, at - BEFORE);
  const end = Math.min(line.length, at + AFTER);
  return `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
}

/** undefined when the texts are equal. */
export function firstDifference(expected: string, got: string): LineDifference | undefined {
  if (expected === got) return undefined;
  const a = expected.split('\n');
  const b = got.split('\n');
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  const lineA = a[index];
  const lineB = b[index];
  let column = 0;
  if (lineA !== undefined && lineB !== undefined) while (column < lineA.length && column < lineB.length && lineA[column] === lineB[column]) column++;
  return { line: index + 1, column: column + 1, expected: excerpt(lineA, column), got: excerpt(lineB, column) };
}

export function describeDifference(difference: LineDifference, sides = { expected: 'archived', got: 'regenerated' }): string {
  const side = (label: string, line: string | undefined) => `${label} ${line === undefined ? '(no such line)' : JSON.stringify(line)}`;
  return `first differs at line ${difference.line}, column ${difference.column}: ${side(sides.expected, difference.expected)}, ${side(sides.got, difference.got)}`;
}
