import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSsh, HostKeyMismatchError, SshError, type SshEndpoint } from '../../harness/ssh/connect.js';
import { closeClient, execChecked, execStream, execText, shellQuote, uploadFiles } from '../../harness/ssh/exec.js';
import { fingerprintOf, generateKeyPair, harnessKey, parsePublicKey } from '../../harness/ssh/keys.js';
import { countingProxy } from '../support/counting-proxy.js';
import { freePort, sshdAvailable, startSshd, type LoopbackSshd } from '../support/sshd.js';

describe('@host SSH (ssh2) against a real sshd on loopback', function () {
  this.timeout(60_000);
  let sshd: LoopbackSshd;
  let endpoint: SshEndpoint;
  before(async function () {
    if (!(await sshdAvailable())) throw new Error('expected /usr/sbin/sshd (Debian package openssh-server; scripts/setup.sh installs it)');
    sshd = await startSshd();
    endpoint = {
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      privateKeyPath: sshd.clientKey.privateKeyPath,
      hostKey: { publicKey: sshd.hostKey.publicKey },
    };
  });
  after(async () => {
    const left = await sshd?.stop();
    expect(left ?? [], 'sshd session processes left behind').to.deep.equal([]);
  });

  it('logs in when the host key is the recorded one (by key or by fingerprint), runs commands, uploads over SFTP', async () => {
    for (const hostKey of [endpoint.hostKey, { fingerprint: sshd.hostKey.fingerprint }]) {
      const client = await connectSsh({ ...endpoint, hostKey }, { timeoutMs: 10_000 });
      try {
        expect(await execText(client, 'echo hello; echo oops >&2; exit 3')).to.deep.include({ code: 3, stdout: 'hello\n', stderr: 'oops\n' });
        const dir = (await execChecked(client, 'mktemp -d', 'mktemp')).trim();
        const local = join(sshd.dir, 'upload.bin');
        await writeFile(local, Buffer.from([0, 1, 2, 255, 10, 13]));
        await uploadFiles(client, [{ local, remote: `${dir}/x`, mode: 0o755 }]);
        const stat = await execChecked(client, `stat -c %a ${shellQuote(`${dir}/x`)}; od -An -tx1 ${dir}/x; rm -r ${dir}`, 'stat');
        expect(stat.split('\n')[0]).to.equal('755');
        expect(stat).to.contain('00 01 02 ff 0a 0d');
      } finally {
        await closeClient(client);
      }
    }
  });

  it('passes binary stdout through unchanged (no terminal)', async () => {
    const client = await connectSsh(endpoint, { timeoutMs: 10_000 });
    try {
      const chunks: Buffer[] = [];
      const outcome = await execStream(client, "printf '\\000\\001\\r\\n\\377'", { onStdout: (c) => chunks.push(c) });
      expect(outcome.code).to.equal(0);
      expect([...Buffer.concat(chunks)]).to.deep.equal([0, 1, 13, 10, 255]);
    } finally {
      await closeClient(client);
    }
  });

  it('refuses a server whose host key is not the recorded one, at once, naming both fingerprints', async () => {
    const other = await generateKeyPair(join(sshd.dir, 'other'), 'other');
    // Through a proxy that counts connections: "at once" is one connection, not a retry loop.
    const proxy = await countingProxy(sshd.port);
    let error: unknown;
    try {
      await connectSsh({ ...endpoint, port: proxy.port, hostKey: { publicKey: other.publicKey } }, { timeoutMs: 20_000 });
    } catch (caught) {
      error = caught;
    } finally {
      await proxy.close();
    }
    expect(error).to.be.instanceOf(HostKeyMismatchError);
    expect((error as Error).message)
      .to.contain(`refusing the SSH server at ${sshd.user}@127.0.0.1:${proxy.port}`)
      .and.to.contain(other.fingerprint)
      .and.to.contain(sshd.hostKey.fingerprint);
    expect(proxy.connections(), 'connections (not retried)').to.equal(1);
    // By fingerprint alone, too.
    const byFingerprint = await connectSsh({ ...endpoint, hostKey: { fingerprint: other.fingerprint } }, { timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(byFingerprint).to.be.instanceOf(HostKeyMismatchError);
  });

  it('says when the server refuses the key', async () => {
    const stranger = await generateKeyPair(join(sshd.dir, 'stranger'), 'stranger');
    const error = await connectSsh({ ...endpoint, privateKeyPath: stranger.privateKeyPath }, { timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SshError);
    expect((error as Error).message).to.match(/refused the key .*stranger for user/);
  });

  it('gives a clear error within its timeout when nothing listens (connection refused)', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await connectSsh({ ...endpoint, port }, { timeoutMs: 3000, retryMs: 300 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).to.be.instanceOf(SshError);
    expect((error as Error).message)
      .to.match(new RegExp(`expected an SSH server at .*:${port} within 3 s, got none after \\d+ attempts`))
      .and.to.contain('connection refused');
    // It kept trying until its timeout (less the last retry interval) rather than giving up at the
    // first refusal. How long after it gave up is the machine's business: a hang is the test's timeout.
    expect(elapsed).to.be.at.least(2000);
  });

  it('gives a clear error within its timeout when the server accepts but never speaks SSH', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const error = await connectSsh({ ...endpoint, port }, { timeoutMs: 3000, retryMs: 300 }).catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).to.be.instanceOf(SshError);
      expect((error as Error).message)
        .to.match(/within 3 s, got none/)
        .and.to.match(/no SSH handshake/);
      expect(elapsed).to.be.at.least(2500);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('stops waiting when aborted', async () => {
    // Aborted once it has been turned away once, mid-wait: the abort's own error ends it (its
    // timeout would have ended it with "expected an SSH server ..."), whenever the abort comes.
    const proxy = await countingProxy(await freePort());
    const controller = new AbortController();
    proxy.onConnection(() => controller.abort(new Error('stop now')));
    try {
      const error = await connectSsh({ ...endpoint, port: proxy.port }, { timeoutMs: 30_000, retryMs: 200, signal: controller.signal }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).to.equal('stop now');
    } finally {
      await proxy.close();
    }
  });

  it('leaves no session process behind once clients are closed', async () => {
    const client = await connectSsh(endpoint, { timeoutMs: 10_000 });
    await execChecked(client, 'true', 'true');
    expect(sshd.sessions().length).to.be.greaterThan(0);
    await closeClient(client);
    // sshd ends the session processes once it sees the close; how soon is the machine's business.
    const deadline = Date.now() + 30_000;
    while (sshd.sessions().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(sshd.sessions()).to.deep.equal([]);
  });
});

describe('@host SSH keys (ssh-keygen)', () => {
  it('parses public key lines and computes the fingerprint ssh-keygen prints', async function () {
    this.timeout(20_000);
    const dir = await mkdtemp(join(tmpdir(), 'hb-keys-'));
    try {
      const pair = await generateKeyPair(join(dir, 'k'), 'a comment');
      const { execa } = await import('execa');
      const { stdout } = await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'k.pub')]);
      expect(stdout.split(' ')[1]).to.equal(pair.fingerprint);
      expect(fingerprintOf(parsePublicKey(await readFile(join(dir, 'k.pub'), 'utf8')).blob)).to.equal(pair.fingerprint);
      expect(pair.publicKey.type).to.equal('ssh-ed25519');
      expect(() => parsePublicKey('ssh-ed25519 not*base64')).to.throw(/expected an OpenSSH public key line/);
      expect(() => parsePublicKey(`ssh-rsa ${pair.publicKey.line.split(' ')[1]}`)).to.throw(/to start with its type ssh-rsa/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('generates the harness key once into the cache and reuses it', async function () {
    this.timeout(20_000);
    const cacheDir = await mkdtemp(join(tmpdir(), 'hb-cache-'));
    try {
      const first = await harnessKey(cacheDir);
      const second = await harnessKey(cacheDir);
      expect(second.fingerprint).to.equal(first.fingerprint);
      expect(first.privateKeyPath).to.equal(join(cacheDir, 'ssh', 'harness-ed25519', 'id_ed25519'));
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
