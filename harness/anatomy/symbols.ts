import type { AnatomyBlock, AnatomyFunction, AnatomyMetric } from '../analysis/anatomy.js';
import type { AnatomySymbols } from '../guests/adapter.js';

/**
 * Names for the anatomy's blocks (docs/anatomy.md, "Symbols"): symbol tables parsed from `nm -n`
 * text (a System.map is the same format), each block's address resolved to the function that
 * contains it, and the blocks of a region summed into functions. Pure: the adapters find the text
 * (harness/guests/<id>/anatomy-symbols.ts).
 */

/** A function: where it starts and where the next symbol of any kind starts (its end when nm gives no size). */
export interface FunctionSymbol {
  name: string;
  address: bigint;
  /** Exclusive; undefined for the image's last symbol. */
  end: bigint | undefined;
}

/** One image's functions, sorted by address, with what names them and the offset they run at. */
export interface SymbolTable {
  space: 'kernel' | 'user';
  prefix: string;
  functions: FunctionSymbol[];
  /** Added to every link address: the KASLR offset found for a randomized kernel, else 0. */
  offset: bigint;
}

/** nm's types of code symbols: text (global, local) and weak ones (which nm shows for weak functions). */
const CODE_TYPES = new Set(['T', 't', 'W', 'w']);

/**
 * The functions in `nm -n` text: lines `address type name`. Every symbol (data too) ends the code
 * symbol before it, so code followed by data is not stretched over the data; symbols without an
 * address (undefined ones) are skipped. Sorted by address whatever the text's order.
 */
export function parseNm(text: string): FunctionSymbol[] {
  const all: { address: bigint; code: boolean; name: string }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-fA-F]+)\s+(\S)\s+(\S+)/.exec(line.trim());
    if (!match) continue;
    all.push({ address: BigInt(`0x${match[1]}`), code: CODE_TYPES.has(match[2]!), name: match[3]! });
  }
  all.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const functions: FunctionSymbol[] = [];
  for (let i = 0; i < all.length; i++) {
    const symbol = all[i]!;
    if (!symbol.code) continue;
    // Aliases share an address: the first one nm sorted there names it, and the end is the next higher address.
    if (functions.at(-1)?.address === symbol.address) continue;
    let next = i + 1;
    while (next < all.length && all[next]!.address === symbol.address) next++;
    functions.push({ name: symbol.name, address: symbol.address, end: all[next]?.address });
  }
  return functions;
}

/** The function of `functions` (sorted) that contains the link address, by binary search; undefined outside every one. */
export function functionAt(functions: readonly FunctionSymbol[], address: bigint): FunctionSymbol | undefined {
  let low = 0;
  let high = functions.length - 1;
  let found: FunctionSymbol | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (functions[mid]!.address <= address) {
      found = functions[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  return found && (found.end === undefined || address < found.end) ? found : undefined;
}

/** How sure the offset found for a randomized kernel is: the blocks that start exactly at a function under it, and under the runner-up. */
export interface FoundOffset {
  offset: bigint;
  votes: number;
  runnerUp: number;
}

/**
 * The offset a randomized kernel (KASLR) runs at, from the executed blocks alone. The offset is a
 * multiple of `align`, so an address keeps its low bits; and a translation block starts wherever a
 * call lands, i.e. at a function's first instruction. Each block that shares its low bits with a
 * function's start votes for the difference; the right offset gets a vote from nearly every
 * function called in the windows, a wrong one only from coincidences. Undefined without a clear
 * winner (at least 3 votes, twice the runner-up's).
 */
export function findOffset(functions: readonly FunctionSymbol[], addresses: readonly bigint[], align: bigint): FoundOffset | undefined {
  const byLowBits = new Map<bigint, bigint[]>();
  for (const f of functions) byLowBits.set(f.address % align, [...(byLowBits.get(f.address % align) ?? []), f.address]);
  const votes = new Map<bigint, number>();
  for (const address of new Set(addresses)) {
    for (const start of byLowBits.get(address % align) ?? []) {
      if (start <= address) votes.set(address - start, (votes.get(address - start) ?? 0) + 1);
    }
  }
  const ranked = [...votes].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 3 || best[1] < 2 * (second?.[1] ?? 0)) return undefined;
  return { offset: best[0], votes: best[1], runnerUp: second?.[1] ?? 0 };
}

/** A table from an adapter's entry with its symbols; the offset is the caller's (findOffset for a randomized kernel). */
export function symbolTable(source: AnatomySymbols, offset = 0n): SymbolTable {
  return { space: source.space, prefix: source.prefix, functions: parseNm(source.nmText ?? ''), offset };
}

/** The name of the function at a run-time address: the first table of the address's space that has one. */
export function nameAddress(tables: readonly SymbolTable[], address: bigint, kernelBase: bigint): string | undefined {
  const space = address >= kernelBase ? 'kernel' : 'user';
  for (const table of tables.filter((t) => t.space === space)) {
    const found = functionAt(table.functions, address - table.offset);
    if (found) return `${table.prefix}${found.name}`;
  }
  return undefined;
}

/** Blocks with `symbol` set where a table names their address. */
export function nameBlocks(blocks: readonly AnatomyBlock[], tables: readonly SymbolTable[], kernelBase: bigint): AnatomyBlock[] {
  return blocks.map((block) => {
    const symbol = nameAddress(tables, BigInt(block.address), kernelBase);
    return symbol === undefined ? block : { ...block, symbol };
  });
}

/** At most this many functions per metric; the rest, and whatever no reported block holds, is one `(other)` line. */
export const TOP_FUNCTIONS = 100;

/** The line that holds the instructions of the functions after the top ones and of the blocks the plugin did not list. */
export const OTHER_FUNCTIONS = '(other)';

/**
 * A region's blocks summed by function, most instructions first (ties by name), the top `limit`
 * and an `(other)` line with the rest of the region's instructions, so the lines add up to the
 * region's total. A block without a symbol counts as `?kernel` or `?payload`, by its address.
 */
export function sumFunctions(metric: Pick<AnatomyMetric, 'blocks' | 'instructions'>, kernelBase: bigint, limit = TOP_FUNCTIONS): AnatomyFunction[] {
  const sums = new Map<string, number>();
  for (const block of metric.blocks) {
    const symbol = block.symbol ?? (BigInt(block.address) >= kernelBase ? '?kernel' : '?payload');
    sums.set(symbol, (sums.get(symbol) ?? 0) + block.instructions);
  }
  const ranked = [...sums]
    .map(([symbol, instructions]) => ({ symbol, instructions }))
    .sort((a, b) => b.instructions - a.instructions || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const top = ranked.slice(0, limit);
  const rest = metric.instructions - top.reduce((sum, f) => sum + f.instructions, 0);
  return rest > 0 ? [...top, { symbol: OTHER_FUNCTIONS, instructions: rest }] : top;
}

/** The metrics with their blocks named and their functions summed, and one line per symbol source saying what was used. */
export interface NamedMetrics {
  metrics: AnatomyMetric[];
  symbolSources: string[];
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

/**
 * Names every metric's blocks from the adapter's symbol sources and sums them into functions. A
 * randomized kernel's offset is found from all the metrics' kernel blocks together. A source without
 * symbols, or whose offset is not found, names nothing and says why in its line; without any table
 * the metrics are returned as they are.
 */
export function applySymbols(metrics: readonly AnatomyMetric[], sources: readonly AnatomySymbols[], kernelBase: bigint): NamedMetrics {
  const tables: SymbolTable[] = [];
  const symbolSources = sources.map((source) => {
    if (source.nmText === undefined) return `${source.description}: none (${source.missing ?? 'no symbols'})`;
    const table = symbolTable(source);
    const count = `${table.functions.length} functions`;
    if (source.randomizedAlign === undefined) {
      tables.push(table);
      return `${source.description}: ${count}`;
    }
    const addresses = metrics.flatMap((m) => m.blocks.map((b) => BigInt(b.address))).filter((a) => a >= kernelBase === (source.space === 'kernel'));
    const found = findOffset(table.functions, addresses, BigInt(source.randomizedAlign));
    if (!found) return `${source.description}: ${count}, unused (no KASLR offset stood out among the blocks' addresses)`;
    tables.push({ ...table, offset: found.offset });
    return `${source.description}: ${count}, KASLR offset ${hex(found.offset)} (${found.votes} blocks start a function at it, ${found.runnerUp} at the next likeliest)`;
  });
  if (tables.length === 0) return { metrics: [...metrics], symbolSources };
  const named = metrics.map((metric) => {
    const blocks = nameBlocks(metric.blocks, tables, kernelBase);
    const functionCount = new Set(blocks.flatMap((b) => (b.symbol === undefined ? [] : [b.symbol]))).size;
    return { ...metric, blocks, functions: sumFunctions({ blocks, instructions: metric.instructions }, kernelBase), functionCount };
  });
  return { metrics: named, symbolSources };
}
