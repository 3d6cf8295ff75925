import { readFile } from 'node:fs/promises';

const PT_INTERP = 3;

/** True when an ELF64 file asks for no program interpreter, i.e. it runs without a dynamic loader. */
export async function isStaticElf64(path: string): Promise<boolean> {
  const bytes = await readFile(path);
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46 || bytes[4] !== 2) {
    throw new Error(`expected an ELF64 executable at ${path}, got ${bytes.length} bytes starting ${bytes.subarray(0, 4).toString('hex')}`);
  }
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phentsize = bytes.readUInt16LE(0x36);
  const phnum = bytes.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (bytes.readUInt32LE(phoff + i * phentsize) === PT_INTERP) return false;
  }
  return true;
}
