import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Base64, sha256File, sha256Hex } from '../harness/hash.js';

describe('sha256 helpers', () => {
  it('give the FIPS 180-2 digest of "abc" in hex and base64', () => {
    expect(sha256Hex('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Base64('abc')).to.equal('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });

  it('hash a string as UTF-8, and parts as their concatenation', () => {
    expect(sha256Hex('é')).to.equal(createHash('sha256').update(Buffer.from('é', 'utf8')).digest('hex'));
    expect(sha256Hex(['gcc 12', Buffer.from([0, 1, 2]), 'x'])).to.equal(
      sha256Hex(Buffer.concat([Buffer.from('gcc 12'), Buffer.from([0, 1, 2]), Buffer.from('x')])),
    );
    expect(sha256Hex([])).to.equal(sha256Hex(''));
  });

  it('hash a file as its bytes, read in chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hb-hash-'));
    try {
      // Larger than one read-stream chunk (64 KiB), so the chunks are joined.
      const bytes = Buffer.alloc(200_000, 7);
      bytes.write('start');
      await writeFile(join(dir, 'f'), bytes);
      expect(await sha256File(join(dir, 'f'))).to.equal(sha256Hex(bytes));
      await writeFile(join(dir, 'empty'), '');
      expect(await sha256File(join(dir, 'empty'))).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
