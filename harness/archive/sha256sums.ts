import { sha256Hex } from '../hash.js';

/** The checksum list's name inside the archive's top folder. */
export const SHA256SUMS = 'SHA256SUMS';

/**
 * `sha256sum` output for the given files, one `<hex>  <path>` line each in the order given, so
 * `cd <run id> && sha256sum -c SHA256SUMS` checks the archive without the harness.
 */
export function formatSha256Sums(files: readonly ({ path: string; bytes: Uint8Array } | { path: string; sha256: string })[]): string {
  return files
    .map((file) => {
      // sha256sum escapes such names with a leading backslash; run directories never hold them.
      if (/[\\\n\r]/.test(file.path)) throw new Error(`expected file names without backslashes or line breaks, got ${JSON.stringify(file.path)}`);
      return `${'sha256' in file ? file.sha256 : sha256Hex(file.bytes)}  ${file.path}\n`;
    })
    .join('');
}

/** Path -> hex digest. Accepts text and binary mode lines (`  ` or ` *`), as `sha256sum -c` does. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) throw new Error(`expected SHA256SUMS line ${index + 1} to be "<64 hex digits>  <path>", got ${JSON.stringify(line)}`);
    const [, hex, path] = match as unknown as [string, string, string];
    if (sums.has(path)) throw new Error(`expected each file once in SHA256SUMS, got ${path} again on line ${index + 1}`);
    sums.set(path, hex);
  });
  return sums;
}
