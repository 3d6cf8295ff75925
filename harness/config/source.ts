import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** One step of a field path: a mapping key or a list index. */
export type PathSegment = string | number;

/** Which part of the YAML a path should point at when reporting a problem. */
export type Anchor =
  /** The value at the path (a bad value); falls back to its key, then to the nearest ancestor present. */
  | 'value'
  /** The key of the last segment (an unknown key). */
  | 'key'
  /** The node at the path itself, or its nearest ancestor present in the file (a missing key's parent). */
  | 'node';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Renders a field path as `guests[0].image.kernel`; the empty path is `(root)`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Renders a value short for messages: JSON, truncated to about 60 characters; `undefined` is "nothing". */
export function renderValue(value: unknown, max = 60): string {
  if (value === undefined) return 'nothing';
  // JSON would say null for YAML's .nan and .inf.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A parsed YAML document together with what is needed to turn field paths into line/column positions. */
export class YamlSource {
  constructor(
    readonly doc: Document.Parsed,
    readonly lineCounter: LineCounter,
  ) {}

  /** Where to point for a problem at `path`; line 1, column 1 when the document is empty. */
  locate(path: readonly PathSegment[], anchor: Anchor): Position {
    const found = this.walk(path);
    let node: Node | null | undefined;
    if (found.complete) {
      if (anchor === 'key') node = found.key ?? found.value;
      else node = hasRange(found.value) ? found.value : (found.key ?? found.value);
    } else {
      node = found.value;
    }
    return this.positionOf(node ?? found.key ?? this.doc.contents);
  }

  /** True when `path` is written out in the file (not merely filled in by a default). */
  has(path: readonly PathSegment[]): boolean {
    return this.walk(path).complete;
  }

  /** Position of an offset into the text. */
  positionAt(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private positionOf(node: Node | null | undefined): Position {
    const start = node?.range?.[0];
    return start === undefined ? { line: 1, column: 1 } : this.positionAt(start);
  }

  /**
   * Follows `path` through the document. `value` is the deepest node reached; `key` the key node of
   * the last mapping entry followed; `complete` whether every segment was found.
   */
  private walk(path: readonly PathSegment[]): { value: Node | null | undefined; key: Node | undefined; complete: boolean } {
    let value: Node | null | undefined = this.doc.contents;
    let key: Node | undefined;
    for (const segment of path) {
      // Aliases are followed to reach inside the anchored collection, but a final alias is reported where it is used.
      const collection = this.deref(value);
      if (isMap(collection)) {
        const pair = collection.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) return { value, key, complete: false };
        key = isScalar(pair.key) ? pair.key : undefined;
        value = (pair.value as Node | null) ?? key;
      } else if (isSeq(collection) && typeof segment === 'number') {
        const item = collection.items[segment] as Node | null | undefined;
        if (item === undefined) return { value, key, complete: false };
        key = undefined;
        value = item;
      } else {
        return { value, key, complete: false };
      }
    }
    return { value, key, complete: true };
  }

  private deref(node: Node | null | undefined): Node | null | undefined {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? node;
    return node;
  }
}

/** True for a node that occupies source text (`key:` with nothing after it yields an empty null scalar). */
function hasRange(node: Node | null | undefined): node is Node {
  const range = node?.range;
  return range != null && range[1] > range[0];
}
