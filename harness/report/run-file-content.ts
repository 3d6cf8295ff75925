/**
 * A report file's bytes: its text, or, for a file that grows with the samples (samples.csv), its
 * bytes as chunks produced on demand, so that no more than a chunk of it is ever held. Chunks can
 * be iterated again, each iteration giving the whole file afresh (one to write it, one to compare it).
 */
export type RunFileContent = string | Iterable<Uint8Array>;

/** The content as bytes, a chunk at a time (text as one chunk: the files held as text are small). */
export function contentChunks(content: RunFileContent): Iterable<Uint8Array> {
  return typeof content === 'string' ? [Buffer.from(content, 'utf8')] : content;
}

/** The whole content as text: it holds the file at once, so for tests, small files and messages. */
export function contentText(content: RunFileContent): string {
  return typeof content === 'string' ? content : Buffer.concat([...content]).toString('utf8');
}

/** Whether the content is exactly `bytes`, compared a chunk at a time without joining the chunks. */
export function contentEquals(content: RunFileContent, bytes: Uint8Array): boolean {
  const held = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (const chunk of contentChunks(content)) {
    if (at + chunk.length > held.length || held.compare(chunk, 0, chunk.length, at, at + chunk.length) !== 0) return false;
    at += chunk.length;
  }
  return at === held.length;
}
