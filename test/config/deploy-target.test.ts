import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { ConfigError, loadConfig, type ConfigIssue } from '../../harness/config/index.js';

const FINGERPRINT = 'SHA256:qDsw+K08q0rt+uY+0wJcwOaB71Dn5FrWza5hf0OZNtg';

describe('config: reach, variant, deploy and ssh targets', () => {
  let dir: string;
  let counter = 0;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'harness-deploy-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function load(lines: string[]) {
    const file = path.join(dir, `c-${++counter}.yaml`);
    await writeFile(file, `${lines.join('\n')}\n`);
    return loadConfig(file, { hostCpus: 4 });
  }

  async function issues(lines: string[]): Promise<readonly ConfigIssue[]> {
    try {
      await load(lines);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as ConfigError).issues;
    }
    return expect.fail('the config loaded, but a ConfigError was expected');
  }

  const target = ['    target:', '      host: 127.0.0.1', '      user: bench', '      key: keys/id_ed25519', `      hostKey: ${FINGERPRINT}`];

  it('loads an ssh target with its defaults, the key path made absolute', async () => {
    const config = await load(['guests:', '  - name: box', '    os: linux', '    reach: ssh', ...target]);
    const guest = config.guests[0]!;
    expect(guest).to.include({ os: 'linux', reach: 'ssh' });
    expect(guest.target).to.deep.equal({
      host: '127.0.0.1',
      port: 22,
      user: 'bench',
      key: path.join(dir, 'keys', 'id_ed25519'),
      hostKey: FINGERPRINT,
      build: 'local',
      connectSeconds: 30,
    });
    expect(guest.deploy).to.equal(undefined);
  });

  it('takes ~/ in target.key as the home directory, target.cpus, a public key line as hostKey and build: target', async () => {
    const config = await load([
      'guests:',
      '  - name: box',
      '    os: linux',
      '    reach: ssh',
      '    deploy: ssh',
      '    target:',
      '      host: box.example.org',
      '      port: 2222',
      '      user: root',
      '      key: ~/.ssh/hb',
      '      hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMrt7XX9oVI6bo2Pv0tPkCtq0W6SoOlLNp6dTKaJ0uiI hb',
      '      build: target',
      '      cpus: [2, 3]',
    ]);
    expect(config.guests[0]!.target).to.include({ key: path.join(homedir(), '.ssh', 'hb'), port: 2222, build: 'target' });
    expect(config.guests[0]!.target!.cpus).to.deep.equal([2, 3]);
    expect(config.guests[0]!.deploy).to.equal('ssh');
  });

  it('loads a disk-variant linux guest and keeps a linux guest as it was (no deploy key added)', async () => {
    const config = await load([
      'guests:',
      '  - name: linux',
      '    os: linux',
      '  - name: disk',
      '    os: linux',
      '    variant: disk',
      '    deploy: ssh',
      '    image:',
      '      kernelPackage: linux-image-cloud-amd64',
    ]);
    expect(config.guests[0]).to.not.have.property('deploy');
    expect(config.guests[0]).to.not.have.property('target');
    expect(config.guests[0]).to.not.have.property('variant');
    expect(config.guests[0]).to.include({ os: 'linux', reach: 'qemu' });
    expect(config.guests[1]).to.include({ os: 'linux', reach: 'qemu', variant: 'disk', deploy: 'ssh' });
    expect(config.guests[1]!.image).to.deep.equal({ kernelPackage: 'linux-image-cloud-amd64', mitigations: 'default' });
  });

  it('reads the earlier spellings os: linux-disk and os: ssh as os: linux with variant: disk and reach: ssh', async () => {
    const config = await load(['guests:', '  - name: disk', '    os: linux-disk', '  - name: box', '    os: ssh', ...target]);
    expect(config.guests[0]).to.include({ os: 'linux', reach: 'qemu', variant: 'disk' });
    expect(config.guests[1]).to.include({ os: 'linux', reach: 'ssh' });
    expect(config.guests[1]).to.not.have.property('variant');
  });

  it('refuses an earlier spelling that another key contradicts, naming the new spelling', async () => {
    const found = await issues(['guests:', '  - name: disk', '    os: linux-disk', '    variant: initramfs']);
    const issue = found.find((i) => i.path === 'guests[0].os');
    expect(issue?.expected).to.equal('os: linux, variant: disk (os: linux-disk is its earlier spelling) without another variant');
    expect(issue?.line).to.equal(3);
  });

  it('refuses a reach or variant the OS has no adapter for', async () => {
    const sel4Ssh = await issues(['guests:', '  - name: s', '    os: sel4', '    reach: ssh', ...target]);
    expect(sel4Ssh.map((i) => i.path)).to.include('guests[0].reach');
    const sel4Disk = await issues(['guests:', '  - name: s', '    os: sel4', '    variant: disk']);
    expect(sel4Disk.find((i) => i.path === 'guests[0].variant')?.expected).to.match(/^no variant/);
    const sshDisk = await issues(['guests:', '  - name: box', '    os: linux', '    reach: ssh', '    variant: disk', ...target]);
    expect(sshDisk.map((i) => i.path)).to.include('guests[0].variant');
  });

  it('refuses an ssh guest without a target, with pin, or with a malformed host key', async () => {
    const missing = await issues(['guests:', '  - name: box', '    os: linux', '    reach: ssh']);
    expect(missing.map((i) => i.path)).to.include('guests[0].target');
    const pinned = await issues(['guests:', '  - name: box', '    os: linux', '    reach: ssh', '    vcpus: 1', '    pin: [0]', ...target]);
    expect(pinned.find((i) => i.path === 'guests[0].pin')?.expected).to.match(/no pin .*target\.cpus/);
    const badKey = await issues(['guests:', '  - name: box', '    os: linux', '    reach: ssh', ...target.slice(0, 4), '      hostKey: MD5:aa:bb']);
    expect(badKey.find((i) => i.path === 'guests[0].target.hostKey')?.expected).to.match(/SHA256 fingerprint/);
  });

  it('refuses deploy methods an OS does not have, and a target on a QEMU guest', async () => {
    const linuxSsh = await issues(['guests:', '  - name: linux', '    os: linux', '    deploy: ssh']);
    expect(linuxSsh.find((i) => i.path === 'guests[0].deploy')?.expected).to.equal('exactly "initramfs"');
    const diskInitramfs = await issues(['guests:', '  - name: disk', '    os: linux', '    variant: disk', '    deploy: initramfs']);
    expect(diskInitramfs.find((i) => i.path === 'guests[0].deploy')?.expected).to.equal('exactly "ssh"');
    const sel4 = await issues(['guests:', '  - name: sel4', '    os: sel4', '    deploy: initramfs']);
    expect(sel4.find((i) => i.path === 'guests[0].deploy')?.expected).to.match(/^no deploy key/);
    const linuxTarget = await issues(['guests:', '  - name: linux', '    os: linux', ...target]);
    expect(linuxTarget.find((i) => i.path === 'guests[0].target')?.expected).to.match(/^no target/);
    const diskPeers = await issues(['guests:', '  - name: disk', '    os: linux', '    variant: disk', '    peers: [perf]']);
    expect(diskPeers.map((i) => i.path)).to.include('guests[0].peers');
  });
});
