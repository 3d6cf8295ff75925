import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { sha256Hex } from '../../hash.js';
import { guestsDir } from '../../paths.js';

/** MINIX's tty keeps 256 characters of a line (TTY_IN_BYTES) and drops the rest: no typed line may be longer. */
export const MAX_TYPED_LINE = 250;

/** The here-document delimiter; base64 never produces it. */
export const HEREDOC_END = 'HB_EOF';

export interface SourceArchive {
  /** gzipped ustar archive of guests/common and guests/minix under those names. */
  data: Buffer;
  sha256: string;
}

/** Packs the payload sources deterministically, so the same checkout gives the same archive. */
export async function minixSourceArchive(dirs: readonly string[] = ['common', 'minix']): Promise<SourceArchive> {
  const files: string[] = [];
  for (const dir of dirs) for (const name of (await readdir(join(guestsDir, dir))).sort()) files.push(`${dir}/${name}`);
  const { stdout } = await execa(
    'tar',
    ['--format=ustar', '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '-C', guestsDir, ...files],
    { encoding: 'buffer', stripFinalNewline: false },
  );
  const data = gzipSync(Buffer.from(stdout), { level: 9 });
  return { data, sha256: sha256Hex(data) };
}

/**
 * The lines to type at a POSIX shell so that uudecode (in MINIX's base set) writes `data` to
 * `path`: a `begin-base64` block in a here-document, 76 characters a line as `base64 -w 76` writes.
 * The first line is the command; each following line is typed after the shell's "> " prompt.
 */
export function uudecodeLines(data: Buffer, path: string): string[] {
  const encoded = data.toString('base64');
  const body: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) body.push(encoded.slice(i, i + 76));
  return [`uudecode -o ${path} <<'${HEREDOC_END}'; echo hb-rc=$?`, 'begin-base64 644 src.tgz', ...body, '====', HEREDOC_END];
}

/** Shell-quotes a word with single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:,+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * `NAME='words'` as one or more assignments, each short enough to type: long source lists are
 * built up with NAME="$NAME more".
 */
export function assignInChunks(name: string, words: readonly string[], maxLine = MAX_TYPED_LINE): string[] {
  const lines: string[] = [];
  let current: string[] = [];
  const render = (chunk: string[], first: boolean) => (first ? `${name}='${chunk.join(' ')}'` : `${name}="$${name} ${chunk.join(' ')}"`);
  for (const word of words) {
    const candidate = [...current, word];
    if (current.length > 0 && render(candidate, lines.length === 0).length > maxLine) {
      lines.push(render(current, lines.length === 0));
      current = [word];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0 || lines.length === 0) lines.push(render(current, lines.length === 0));
  return lines;
}
