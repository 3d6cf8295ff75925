import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import { ADAPTERS, findAdapter } from '../../harness/guests/registry.js';
import { metricGlob } from '../../harness/wire/expectation.js';

const root = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** C source without comments; string literals kept as they are (a comment marker inside one is text). */
function stripComments(source: string): string {
  return source.replace(/"(?:[^"\\\n]|\\.)*"|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (token) => (token.startsWith('"') ? token : ' '));
}

interface Macro {
  params: string[];
  body: string;
}

/** The arguments of a macro call whose `(` is at `open`, split at top-level commas, and the index after its `)`. */
function callArguments(text: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = text.indexOf('"', i + 1);
      while (text[i - 1] === '\\') i = text.indexOf('"', i + 1);
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      args.push(text.slice(start, i).trim());
      return { args, end: i + 1 };
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error(`unbalanced macro call at ${open}`);
}

/** One macro's body with the call's arguments in place: `#p` stringified, `a ## b` pasted, as cpp does. */
function substitute(macro: Macro, args: string[]): string {
  const arg = (name: string) => args[macro.params.indexOf(name)] ?? name;
  const replaced = macro.body.replace(/##|#\s*(\w+)|\b(\w+)\b/g, (token, stringified?: string, word?: string) => {
    if (stringified !== undefined && macro.params.includes(stringified)) return JSON.stringify(arg(stringified));
    if (word !== undefined && macro.params.includes(word)) return arg(word);
    return token;
  });
  return replaced.replace(/\s*##\s*/g, '');
}

/**
 * The C file with the function-like macros it defines expanded, enough of the preprocessor for the
 * benchmark tables (IPC, IPC4 and the like): no gcc in the unit tier (docs/testing.md).
 */
function expandMacros(source: string): string {
  const macros = new Map<string, Macro>();
  const lines = stripComments(source)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => {
      const define = /^\s*#\s*define\s+(\w+)\(([^)]*)\)(.*)$/.exec(line);
      if (define) macros.set(define[1]!, { params: define[2]!.split(',').map((p) => p.trim()), body: define[3]! });
      return !/^\s*#/.test(line);
    });
  let text = lines.join('\n');
  for (let pass = 0; pass < 16; pass++) {
    let changed = false;
    let out = '';
    let at = 0;
    for (const call of text.matchAll(/\b(\w+)\s*\(/g)) {
      const macro = macros.get(call[1]!);
      if (macro === undefined || call.index < at) continue;
      const { args, end } = callArguments(text, call.index + call[0].length - 1);
      out += text.slice(at, call.index) + substitute(macro, args);
      at = end;
      changed = true;
    }
    text = out + text.slice(at);
    if (!changed) return text;
  }
  throw new Error('macros still expanding after 16 passes');
}

/** The metric names a payload's benchmark table registers (`.metric = "…" "…"`, adjacent literals joined), in its order. */
export function payloadMetrics(os: string): string[] {
  const expanded = expandMacros(readFileSync(root(`guests/${os}/benchmarks.c`), 'utf8'));
  return [...expanded.matchAll(/\.metric\s*=\s*((?:"(?:[^"\\]|\\.)*"\s*)+)/g)].map((m) => [...m[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => s[1]).join(''));
}

/**
 * The metric names docs/metrics.md gives an OS: the first column of the tables of what lies between
 * the two timer reads (headed `| metric | inside the window |` or `… between the reads …`) in the
 * section of that OS (`## <display name>`), brace groups spelt out (`{pipe,unix}`); a `*` keeps its
 * glob meaning (`*.cross`).
 */
function documentedMetrics(heading: string): string[] {
  const doc = readFileSync(root('docs/metrics.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  if (section === undefined) return [];
  const names: string[] = [];
  let inTable = false;
  for (const line of section.split('\n')) {
    if (/^\| metric \|.*(inside the window|between the reads)/.test(line)) inTable = true;
    else if (!line.startsWith('|')) inTable = false;
    else if (inTable && !line.startsWith('| ---')) names.push(...[...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].flatMap((m) => braces(m[1]!)));
  }
  return names;
}

/** `a.{b,c}.{d,e}` as the four names it stands for. */
function braces(text: string): string[] {
  const group = /\{([^{}]*)\}/.exec(text);
  if (group === null) return [text];
  return group[1]!.split(',').flatMap((choice) => braces(text.slice(0, group.index) + choice + text.slice(group.index + group[0].length)));
}

describe("each guest adapter's benchmark names", () => {
  for (const adapter of ADAPTERS) {
    describe(`${adapter.id} (guests/${adapter.os}/benchmarks.c)`, () => {
      it('are the metric names its payload registers, no more, no fewer, in the same order', () => {
        const registered = payloadMetrics(adapter.os);
        expect(registered, 'names read from the C table').to.have.length.above(0);
        expect([...adapter.benchmarks]).to.deep.equal(registered);
      });

      it('name each metric once', () => {
        expect(new Set(adapter.benchmarks).size).to.equal(adapter.benchmarks.length);
      });

      it('are what docs/metrics.md says of its OS', () => {
        // The doc has a section per OS, titled with the display name of the OS's default adapter.
        const heading = findAdapter({ os: adapter.os })!.displayName;
        const documented = documentedMetrics(heading);
        expect(documented, `docs/metrics.md "## ${heading}"'s tables of what lies between the reads`).to.have.length.above(0);
        const matches = (entry: string, metric: string) => metricGlob(entry).test(metric);
        expect(
          adapter.benchmarks.filter((metric) => !documented.some((entry) => matches(entry, metric))),
          'in the adapter, not in the doc',
        ).to.deep.equal([]);
        expect(
          documented.filter((entry) => !adapter.benchmarks.some((metric) => matches(entry, metric))),
          'in the doc, not in the adapter',
        ).to.deep.equal([]);
      });
    });
  }

  it('reads macro-built names as the compiler does (IPC4 in guests/linux/benchmarks.c)', () => {
    const linux = payloadMetrics('linux');
    expect(linux).to.include('ipc.roundtrip.unix.process.cross');
    expect(linux.filter((m) => m.startsWith('ipc.roundtrip.'))).to.have.length(16);
  });
});
