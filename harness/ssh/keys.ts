import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../cache/atomic.js';
import { sha256Base64 } from '../hash.js';

/** An OpenSSH public key line, "type base64 [comment]", taken apart. */
export interface PublicKey {
  type: string;
  /** The key blob (what the base64 encodes), as the server sends it in the handshake. */
  blob: Buffer;
  /** The line as given, without surrounding white space. */
  line: string;
}

/** A key pair on disk: the private key file and its public half. */
export interface KeyPair {
  privateKeyPath: string;
  publicKey: PublicKey;
  fingerprint: string;
}

/** Parses an OpenSSH public key line ("ssh-ed25519 AAAA... comment"); throws naming what was wrong. */
export function parsePublicKey(line: string): PublicKey {
  const trimmed = line.trim();
  const [type, base64] = trimmed.split(/\s+/);
  if (!type || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new Error(`expected an OpenSSH public key line ("ssh-ed25519 AAAA..."), got ${JSON.stringify(trimmed.slice(0, 80))}`);
  }
  const blob = Buffer.from(base64, 'base64');
  // The blob starts with its own type as an SSH string: a check that the line is not garbled.
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (length < 0 || blob.subarray(4, 4 + length).toString('latin1') !== type) {
    throw new Error(`expected the key blob of ${JSON.stringify(trimmed.slice(0, 80))} to start with its type ${type}, got something else`);
  }
  return { type, blob, line: trimmed };
}

/** OpenSSH's SHA-256 fingerprint of a key blob, as `ssh-keygen -l` prints it: "SHA256:" and unpadded base64. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${sha256Base64(blob).replace(/=+$/, '')}`;
}

/** A fingerprint as a user may write it: "SHA256:xxx" (the prefix is required, and the base64 unpadded). */
export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** Writes a new passphrase-less ed25519 key pair with ssh-keygen at `path` (and `path`.pub). */
export async function generateKeyPair(path: string, comment: string): Promise<KeyPair> {
  try {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  } catch (error) {
    throw new Error(`expected ssh-keygen (Debian package openssh-client) to write an ed25519 key to ${path}, but it failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return readKeyPair(path);
}

export async function readKeyPair(privateKeyPath: string): Promise<KeyPair> {
  const publicKey = parsePublicKey(await readFile(`${privateKeyPath}.pub`, 'utf8'));
  return { privateKeyPath, publicKey, fingerprint: fingerprintOf(publicKey.blob) };
}

/**
 * The harness's own SSH client key: generated once into the cache (never into the checkout), then
 * reused, so every image built with it lets the harness in. `<cacheDir>/ssh/harness-ed25519/id_ed25519`.
 */
export async function harnessKey(cacheDir: string): Promise<KeyPair> {
  const dir = await cachedDirectory(join(cacheDir, 'ssh'), 'harness-ed25519', async (work) => {
    await generateKeyPair(join(work, 'id_ed25519'), 'microkernel-bench-harness');
  });
  return readKeyPair(join(dir, 'id_ed25519'));
}
