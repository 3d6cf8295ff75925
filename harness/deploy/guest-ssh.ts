import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { BenchmarkSelection } from '../config/types.js';
import { connectSsh, type SshClient } from '../ssh/connect.js';
import { closeClient, execText } from '../ssh/exec.js';
import type { PublicKey } from '../ssh/keys.js';
import { payloadArgs, placePayload, runPayload } from './remote-payload.js';
import type { DeployBoot, DeployStep, GuestDeploy, PayloadSource } from './types.js';

/** The data serial port inside the guest: the records take the same path as in the initramfs guest. */
export const GUEST_DATA_DEVICE = '/dev/ttyS1';

/** SSH log of a boot: the harness's steps, the payload's stderr, how it ended. */
export const SSH_LOG = 'ssh.log';

/** A TCP port free on loopback at the moment (bound and released), for QEMU to forward. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('expected a TCP port from a loopback listener, got none');
  return address.port;
}

/**
 * QEMU user-mode networking (slirp) with only the guest's SSH port reachable, from 127.0.0.1:port
 * on the host; `restrict=on` keeps the guest from reaching the host or anything beyond.
 */
export function sshNetworkArgs(port: number, guestPort = 22): string[] {
  return ['-netdev', `user,id=hbnet,restrict=on,hostfwd=tcp:127.0.0.1:${port}-:${guestPort}`, '-device', 'virtio-net-pci,netdev=hbnet'];
}

export interface SshGuestDeployOptions {
  /** The guest's host key, recorded when its image was built: any other is refused. */
  hostKey: PublicKey;
  /** The harness's private key, which the image lets in as `user`. */
  privateKeyPath: string;
  user: string;
  payload: PayloadSource;
  benchmarks: BenchmarkSelection;
  /** Command that powers the guest off cleanly (QEMU runs with -no-reboot, so it then exits). */
  poweroff: string;
  /** Longest one connection attempt may take; the guest answers slowly while it boots. Default 30 s. */
  attemptTimeoutMs?: number;
}

/**
 * `deploy: ssh` for a QEMU guest with an SSH server: per boot, a free loopback port forwarded to
 * the guest's port 22; once the guest runs, the harness waits for SSH (within the boot timeout,
 * checking the host key recorded at build time), uploads the payload over SFTP, starts it with its
 * records going to the data serial port (so they take the same path as in the initramfs guest and
 * the session reads them the same way), logs its stderr to ssh.log, and powers the guest off.
 */
export function sshGuestDeploy(options: SshGuestDeployOptions): GuestDeploy {
  return {
    method: 'ssh',
    async begin(boot: DeployBoot): Promise<DeployStep> {
      const port = await freeLoopbackPort();
      const log = createWriteStream(join(boot.guestDir, SSH_LOG));
      const note = (text: string) => log.write(text);
      const stop = new AbortController();
      const onAbort = () => stop.abort(boot.signal?.reason);
      boot.signal?.addEventListener('abort', onAbort, { once: true });
      let client: SshClient | undefined;
      let tail = '';
      const started = Date.now();
      const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      return {
        qemuArgs: sshNetworkArgs(port),
        async run() {
          const endpoint = { host: '127.0.0.1', port, username: options.user, privateKeyPath: options.privateKeyPath, hostKey: { publicKey: options.hostKey } };
          note(`hb-harness: waiting for the guest's SSH server on 127.0.0.1:${port} (forwarded to its port 22), up to ${boot.timeouts.bootSeconds} s\n`);
          // Gives up a little before the boot timeout, so a guest whose SSH never answers fails with why.
          const timeoutMs = Math.max(1000, boot.timeouts.bootSeconds * 1000 - 2000);
          client = await connectSsh(endpoint, { timeoutMs, attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000, signal: stop.signal });
          note(`hb-harness: logged in as ${options.user} after ${elapsed()} (host key ${options.hostKey.type} checked)\n`);
          const placed = await placePayload(client, options.payload, note, stop.signal);
          const args = payloadArgs(options.benchmarks, GUEST_DATA_DEVICE);
          note(`hb-harness: running ${placed.binary} ${args.join(' ')}\n`);
          const outcome = await runPayload(client, placed, args, {
            signal: stop.signal,
            onStdout: (chunk) => note(chunk.toString('utf8')),
            onStderr: (chunk) => {
              const text = chunk.toString('utf8');
              tail = (tail + text).slice(-2048);
              note(text);
            },
          });
          const status = outcome.code === null ? `killed (signal ${outcome.signal ?? 'unknown'})` : `status ${outcome.code}`;
          note(`hb-harness: the payload ended with ${status} after ${elapsed()}\n`);
          if (outcome.code !== 0) {
            throw new Error(`expected the payload started over SSH to exit with status 0, got ${status}; its last output:\n${tail.trim() || '(none)'}`);
          }
          note(`hb-harness: ${options.poweroff}\n`);
          // The connection may drop before the command reports back: the guest is going down either way.
          await execText(client, options.poweroff, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
        },
        async close() {
          boot.signal?.removeEventListener('abort', onAbort);
          stop.abort(new Error('the boot is over'));
          // A payload still running goes with the guest, which QEMU's end takes down (nothing was written to the image: -snapshot).
          if (client) await closeClient(client);
          await new Promise<void>((resolve) => log.end(() => resolve()));
        },
      };
    },
  };
}
