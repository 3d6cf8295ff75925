import { execa } from 'execa';
import type { AnatomySymbols } from './adapter.js';

/**
 * An ELF's symbols as `nm -n` prints them (binutils, installed with gcc), for naming the anatomy's
 * blocks. A file nm cannot read (absent, stripped, not an ELF) gives an entry with `missing` set
 * instead of a rejection: a guest without symbols still has its anatomy, only unnamed.
 */
export async function elfSymbols(file: string, entry: Omit<AnatomySymbols, 'nmText' | 'missing'>): Promise<AnatomySymbols> {
  const result = await execa('nm', ['-n', '--defined-only', file], { reject: false });
  if (result.failed) return { ...entry, missing: `nm -n ${file} failed: ${firstLine(String(result.stderr || result.message))}` };
  if (result.stdout.trim() === '') return { ...entry, missing: `${file} has no symbols (stripped)` };
  return { ...entry, nmText: result.stdout };
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** An ELF's .text: where it is linked and how long it is. */
export interface TextSection {
  address: bigint;
  size: bigint;
}

/**
 * The .text section of an ELF from its section headers (`readelf -SW`, binutils), stripped or not;
 * undefined when readelf cannot read it. Symbols from another file name a kernel only if its code
 * lies where the booted kernel's does (a debug package can hold a different build).
 */
export async function textSection(file: string): Promise<TextSection | undefined> {
  const result = await execa('readelf', ['-SW', file], { reject: false });
  if (result.failed) return undefined;
  const match = /\]\s+\.text\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(String(result.stdout));
  return match ? { address: BigInt(`0x${match[1]}`), size: BigInt(`0x${match[2]}`) } : undefined;
}

/** A .text section as `0xADDRESS+0xSIZE`, for messages. */
export const formatText = (text: TextSection | undefined) => (text ? `0x${text.address.toString(16)}+0x${text.size.toString(16)}` : 'unreadable');
