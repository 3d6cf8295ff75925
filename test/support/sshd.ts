// A real OpenSSH server on loopback for the SSH tests: `/usr/sbin/sshd -D -e -f <temp config>` as the
// current user, with a host key and authorized_keys of its own in a temporary directory. `stop()`
// ends it and every session process it forked, and says which were still there.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKeyPair, type KeyPair } from '../../harness/ssh/keys.js';

export const SSHD = '/usr/sbin/sshd';

export interface LoopbackSshd {
  port: number;
  user: string;
  dir: string;
  hostKey: KeyPair;
  clientKey: KeyPair;
  /** Processes descending from sshd now (its per-connection session processes). */
  sessions(): number[];
  /** Ends sshd and any session left; returns the pids of sessions that were still alive. */
  stop(): Promise<number[]>;
}

/** A port nothing listens on at the moment (bound and released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('expected a TCP address from a loopback listener');
  return address.port;
}

export async function sshdAvailable(): Promise<boolean> {
  return access(SSHD).then(
    () => true,
    () => false,
  );
}

function parentOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Every live descendant of `root`, read from /proc. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parents.set(Number(name), parentOf(readFileSync(`/proc/${name}/stat`, 'latin1')));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Starts sshd on a free loopback port; `clientKey` (the key it lets in) defaults to a new one made here. */
export async function startSshd(options: { clientKey?: KeyPair } = {}): Promise<LoopbackSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-sshd-'));
  const hostKey = await generateKeyPair(join(dir, 'host_ed25519'), 'hb-test-sshd');
  const clientKey = options.clientKey ?? (await generateKeyPair(join(dir, 'client_ed25519'), 'hb-test-client'));
  await writeFile(join(dir, 'authorized_keys'), `${clientKey.publicKey.line}\n`, { mode: 0o600 });
  const user = userInfo().username;
  // As root, sshd wants its privilege separation directory (the ssh service creates it at boot).
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
    ].join('\n');
    await writeFile(join(dir, 'sshd_config'), `${config}\n`);
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.length > 1 << 20) log = log.slice(-(1 << 19));
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!/Server listening on 127\.0\.0\.1 port/.test(log) && child.exitCode === null && Date.now() < deadline) await sleep(50);
    if (!/Server listening/.test(log)) {
      child.kill('SIGKILL');
      await exited;
      if (tries < 3 && /Address already in use/.test(log)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`expected ${SSHD} to listen on 127.0.0.1:${port}, got:\n${log}`);
    }
    const pid = child.pid!;
    return {
      port,
      user,
      dir,
      hostKey,
      clientKey,
      sessions: () => descendants(pid),
      async stop() {
        const left = descendants(pid);
        for (const p of left) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
        await exited;
        await rm(dir, { recursive: true, force: true });
        return left;
      },
    };
  }
}
