import { access, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { GuestConfig, SshTargetConfig } from '../../config/types.js';
import { readTargetConditions } from '../../deploy/target-conditions.js';
import type { PayloadSource, SshTargetRun } from '../../deploy/types.js';
import { sha256Hex, type HashInput } from '../../hash.js';
import type { HostConditions } from '../../host/conditions.js';
import { guestsDir, projectRoot } from '../../paths.js';
import { connectSsh, describeEndpoint, type ExpectedHostKey, type SshEndpoint } from '../../ssh/connect.js';
import { closeClient, execText } from '../../ssh/exec.js';
import { FINGERPRINT, fingerprintOf, parsePublicKey } from '../../ssh/keys.js';
import type { Availability, GuestAdapter, PrepareContext, PreparedGuest } from '../adapter.js';
import { buildPayload, listFiles, settingLines } from '../payload-build.js';
import { LINUX_BENCHMARKS } from '../linux/benchmarks.js';

/** The host key a target config names: a fingerprint, or a whole public key line. */
export function expectedHostKey(text: string): ExpectedHostKey {
  const trimmed = text.trim();
  if (FINGERPRINT.test(trimmed)) return { fingerprint: trimmed };
  return { publicKey: parsePublicKey(trimmed) };
}

export function targetEndpoint(target: SshTargetConfig): SshEndpoint {
  return { host: target.host, port: target.port, username: target.user, privateKeyPath: target.key, hostKey: expectedHostKey(target.hostKey) };
}

/** What the manifest records of the machine, read over SSH before the first run. */
export interface TargetFacts {
  kernel: string;
  machine: string;
  cpuModel: string;
  cpus: string;
  /** Frequency governor per CPU ("cpu0=performance cpu1=performance"), or why none could be read. */
  governors: string;
  os: string;
  compiler: string;
}

const FACTS_SCRIPT = [
  'uname -srv',
  'echo @@',
  'uname -m',
  'echo @@',
  "grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//'",
  'echo @@',
  'nproc --all 2>/dev/null || getconf _NPROCESSORS_CONF',
  'echo @@',
  'for f in /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor; do [ -r "$f" ] && c=${f#/sys/devices/system/cpu/} && echo "${c%%/*}=$(cat "$f")"; done',
  'echo @@',
  '( . /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" )',
  'echo @@',
  'gcc --version 2>/dev/null | head -n 1',
].join('; ');

export function parseFacts(stdout: string): TargetFacts {
  const parts = stdout.split(/^@@$/m).map((p) => p.trim());
  const at = (i: number, fallback: string) => (parts[i] ? parts[i]!.replace(/\s+/g, ' ') : fallback);
  const governors = (parts[4] ?? '').split(/\s+/).filter(Boolean).sort((a, b) => Number(a.match(/\d+/)?.[0]) - Number(b.match(/\d+/)?.[0]));
  return {
    kernel: at(0, 'unknown'),
    machine: at(1, 'unknown'),
    cpuModel: at(2, 'unknown'),
    cpus: at(3, 'unknown'),
    governors: governors.length > 0 ? governors.join(' ') : 'none readable (no cpufreq in /sys: a VM, or a fixed-frequency CPU)',
    os: at(5, 'unknown'),
    compiler: at(6, 'none (no gcc on the target)'),
  };
}

/** The Linux payload's sources and the command that compiles them on the target, exactly as payload-build.ts compiles them here. */
export async function targetBuild(): Promise<{ payload: Extract<PayloadSource, { kind: 'sources' }>; sourcesSha256: string; cflags: string }> {
  const lines = await settingLines('linux', 'SOURCES');
  const sources = lines.map((s) => `guests/${s}`);
  const cflags = (await settingLines('linux', 'CFLAGS')).join(' ').split(/\s+/);
  // Every folder the sources come from, headers beside them included (as payload-build.ts hashes them).
  const folders = [...new Set(['common', 'linux', ...lines.map((s) => s.split('/')[0]!)])];
  const files = (await Promise.all(folders.map((folder) => listFiles(join(guestsDir, folder))))).flat();
  const inputs: HashInput[] = [cflags.join(' ')];
  for (const file of files) inputs.push(relative(projectRoot, file), await readFile(file));
  return {
    payload: {
      kind: 'sources',
      files: files.map((local) => ({ local, remote: relative(projectRoot, local) })),
      compile: ['gcc', ...cflags, `-DHB_CFLAGS="${cflags.join(' ')}"`, '-o', 'hb-payload', ...sources],
    },
    sourcesSha256: sha256Hex(inputs),
    cflags: cflags.join(' '),
  };
}

const KEY_HOW_TO = 'make a key pair (ssh-keygen -t ed25519 -N "" -f PATH), add PATH.pub to ~USER/.ssh/authorized_keys on the target, and set target.key to PATH';

/**
 * `os: linux`, `reach: ssh`: an existing machine, no QEMU. The payload is the Linux one, built here (static,
 * uploaded) or on the target from the same sources and flags; each boot is an SSH session that
 * runs it with its records on stdout. Before the first, the machine's CPU, kernel, frequency
 * governors, OS and compiler are read over SSH for the manifest (guests[].provenance).
 */
export const sshTargetAdapter: GuestAdapter = {
  os: 'linux',
  reach: 'ssh',
  id: 'ssh',
  displayName: 'Linux over SSH (an existing machine)',
  // The Linux payload, built for the target.
  benchmarks: LINUX_BENCHMARKS,
  // An existing machine: its memory is its own, the config's memoryMiB is not used.
  minMemoryMiB: undefined,
  deployMethods: ['ssh'],
  image: {
    description: '`image` for `reach: ssh`: nothing to set (the payload is built from this checkout, here or on the target).',
    properties: {},
  },
  reproduction: {
    title: 'SSH targets',
    text: 'machines of their own, not reproducible from this archive; their CPU, kernel, frequency governors and OS as read over SSH are listed under "Images and payloads" above. Rerun on comparable hardware (`docs/ssh-target.md` of the checkout).',
  },

  async availability(guest: GuestConfig): Promise<Availability> {
    const target = guest.target;
    if (!target) return { available: false, reason: 'no target given', howTo: 'set target: host, port, user, key and hostKey (configs/schema.json sshTarget)' };
    try {
      await access(target.key);
    } catch {
      return { available: false, reason: `no SSH private key at ${target.key} (target.key)`, howTo: KEY_HOW_TO };
    }
    return { available: true };
  },

  async prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest> {
    const target = guest.target;
    if (!target) throw new Error(`expected a target for the ssh guest ${guest.name}, got none`);
    const endpoint = targetEndpoint(target);
    const where = describeEndpoint(endpoint);
    context.log(`ssh: reading the machine's CPU, kernel and governors at ${where}`);
    const client = await connectSsh(endpoint, { timeoutMs: target.connectSeconds * 1000 });
    let facts: TargetFacts;
    let conditions: HostConditions;
    try {
      const result = await execText(client, FACTS_SCRIPT);
      facts = parseFacts(result.stdout);
      conditions = await readTargetConditions(client, target.cpus);
    } finally {
      await closeClient(client);
    }
    const hostKeyFingerprint = 'fingerprint' in endpoint.hostKey ? endpoint.hostKey.fingerprint : `${endpoint.hostKey.publicKey.type} ${fingerprintOf(endpoint.hostKey.publicKey.blob)}`;
    const common = {
      target: where,
      targetHostKey: hostKeyFingerprint,
      targetKernel: facts.kernel,
      targetMachine: facts.machine,
      targetCpu: facts.cpuModel,
      targetCpus: facts.cpus,
      targetGovernors: facts.governors,
      targetOs: facts.os,
      ...(target.cpus ? { targetPinnedCpus: target.cpus.join(',') } : {}),
    };
    let payload: PayloadSource;
    let provenance: Record<string, string>;
    if (target.build === 'target') {
      if (facts.compiler.startsWith('none')) throw new Error(`expected gcc on ${where} to build the payload there (target.build: target), got none; install gcc and libc6-dev there, or set target.build: local`);
      const build = await targetBuild();
      payload = build.payload;
      provenance = { ...common, payloadBuiltOn: 'target', payloadCompiler: facts.compiler, payloadCflags: build.cflags, payloadSourcesSha256: build.sourcesSha256 };
    } else {
      if (facts.machine !== 'x86_64') throw new Error(`expected an x86_64 machine at ${where} for the payload built here, got ${facts.machine}; set target.build: target to compile it there`);
      context.log('ssh: building the payload here (static, x86_64)');
      const built = await buildPayload({ os: 'linux', cacheDir: context.cacheDir });
      payload = { kind: 'binary', path: built.path, sha256: built.sha256 };
      provenance = { ...common, payloadBuiltOn: 'harness host', payloadCompiler: built.compiler, payloadCflags: built.cflags, payloadSha256: built.sha256 };
    }
    const run: SshTargetRun = { endpoint, connectTimeoutMs: target.connectSeconds * 1000, payload, ...(target.cpus ? { cpus: target.cpus } : {}) };
    return { boot: { qemuBinary: 'none (ssh target)', kernel: undefined }, provenance, target: run, conditions };
  },
};
