import { markdownTable } from '../report/format.js';
import type { GuestManifest, Manifest } from '../rundir/manifest.js';
import { overridesCommandLine } from '../config/overrides.js';

export const ARTIFACT_README = 'ARTIFACT.md';

export interface ArtifactReadmeInput {
  manifest: Manifest;
  /** The config copy's text, shown in full: it is what a rerun starts from. */
  configText: string;
  /** Every path in the archive's top folder, ARTIFACT.md and SHA256SUMS included, sorted. */
  paths: readonly string[];
  /** The report files `harness verify` derives again and compares. */
  regenerated: readonly string[];
  /** How to get each guest's image again (the guest adapters' notes); none are written without it. */
  notes?: GuestNotes;
}

/** What ARTIFACT.md says of getting one kind of guest's image again: a heading and a paragraph of Markdown. */
export interface GuestNote {
  title: string;
  text: string;
}

/**
 * The note for a guest of the manifest, or undefined for none. The guest adapters hold the notes
 * (harness/guests, a layer above this one), so the command that archives passes this in.
 */
export type GuestNotes = (guest: Pick<GuestManifest, 'os' | 'reach' | 'variant'>) => GuestNote | undefined;

/** What each file of a run directory holds (docs/run-directory.md, shortened). */
const TOP_LEVEL: Record<string, string> = {
  'ARTIFACT.md': 'This file.',
  SHA256SUMS: 'SHA-256 of every other file, in `sha256sum -c` format.',
  'manifest.json':
    'Host CPU, memory and kernel; QEMU version and full argv per boot; accelerator asked for, used and why; vCPU pinning read back on host and guest; guest kernel, timer and payload compiler per boot; image provenance (package versions, hashes); harness commit; start and end times.',
  'results.json':
    'Every figure (median, 95% CI, percentiles, spread between boots, warm-up, outliers, timer overhead), plus skipped and failed benchmarks with reasons and the peer cross-check. Validated by `results.schema.json`.',
  'results.schema.json': 'JSON Schema of `results.json`.',
  'results.csv': 'The figures of `results.json`, one row per guest and metric.',
  'samples.csv': 'Every raw sample decoded from the data channels: `guest,boot,metric,index,raw_ticks` (timer overhead not subtracted).',
  'report.md': 'The report: cross-OS tables, the cost anatomy when there is one, then per guest its figures and how each was obtained.',
  'report.html': 'The report as a web page.',
};

function describe(path: string, configCopy: string): string {
  if (path === configCopy) return 'The run configuration exactly as read (its SHA-256 is in `manifest.json`).';
  if (TOP_LEVEL[path]) return TOP_LEVEL[path];
  if (/^guests\/[^/]+\/boot-\d+\/console\.log$/.test(path)) return "The guest's serial console (first serial port) during this boot.";
  if (/^guests\/[^/]+\/boot-\d+\/data\.bin$/.test(path))
    return 'Raw data channel (second serial port) of this boot, in the wire format of `guests/common/wire.h`: the samples every figure is computed from.';
  if (/^guests\/[^/]+\/anatomy\.json$/.test(path))
    return "The guest's cost anatomy (docs/anatomy.md): the anatomy plugin's counts per benchmark region, from one extra boot under tcg-icount; the reports' \"Cost anatomy\" section is derived from it.";
  if (/^guests\/[^/]+\/anatomy-boot\//.test(path)) return "The anatomy boot's console, data channel and the plugin's own JSON (docs/anatomy.md).";
  return 'Written by the run; not described by this harness version.';
}

function accelWhy(manifest: Manifest): string {
  const chosen = manifest.accel.chosen ?? 'none (no guest booted)';
  const why = manifest.accel.reason ? `: ${manifest.accel.reason}` : '';
  return `${chosen} (asked for ${manifest.accel.requested}${why})`;
}

function accelMeaning(manifest: Manifest): string[] {
  switch (manifest.accel.chosen) {
    case 'kvm':
      return [
        `Under KVM the figures are real time-stamp-counter ticks on the host CPU (${manifest.host.cpuModel}); on another CPU they will differ, and comparisons across guests are what carries over.`,
      ];
    case 'tcg-icount':
      return [
        'Under tcg-icount the figures count guest instructions rather than time: with the same QEMU version, guest images and payload they come out the same run after run, on any host.',
      ];
    case 'tcg':
      return ['Under plain TCG the figures are emulator timing and are labelled not comparable across systems.'];
    default:
      return [];
  }
}

function guestRow(guest: GuestManifest): string[] {
  const kernel = guest.boots[0]?.guestInfo.kernel ?? '—';
  const os = [guest.os, ...(guest.reach ? [`reach ${guest.reach}`] : []), ...(guest.variant ? [`variant ${guest.variant}`] : [])].join(', ');
  return [
    guest.name,
    os,
    guest.status + (guest.reason ? `: ${guest.reason}` : ''),
    guest.accel ?? '—',
    String(guest.vcpusUsed ?? guest.vcpusConfigured),
    String(guest.boots.length),
    kernel,
    guest.qemuVersion ?? '—',
  ];
}

/**
 * Per kind of guest that ran, how to get its image again, with the guests it covers; in the order
 * the guests appear. The notes are the guest adapters' (`reproduction`), which the caller passes in.
 */
function imageRequirements(manifest: Manifest, notes: GuestNotes): string[] {
  const groups = new Map<string, { note: GuestNote; names: string[] }>();
  for (const guest of manifest.guests) {
    const note = guest.status === 'skipped' ? undefined : notes(guest);
    if (!note) continue;
    const group = groups.get(note.title) ?? { note, names: [] };
    group.names.push(guest.name);
    groups.set(note.title, group);
  }
  return [...groups.values()].map(({ note, names }) => `- **${note.title}** (${names.join(', ')}): ${note.text}`);
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * ARTIFACT.md: what was run, how to rerun it, how to regenerate every table from the raw data, and
 * which file holds what. Derived from the manifest and file list only (no clock, no host lookups), so
 * archiving the same run twice gives the same text.
 */
export function artifactReadme(input: ArtifactReadmeInput): string {
  const { manifest } = input;
  const runId = manifest.runId;
  const archive = `${runId}.tar.gz`;
  const failedGuests = manifest.guests.filter((g) => g.status === 'failed');
  const out: string[] = [`# Artifact: benchmark run ${runId}`, ''];

  out.push(
    'One run of the cross-OS microkernel benchmark harness, which boots each guest OS under QEMU and measures inter-process communication, a null system call and a context switch the same way on each. ' +
      'This folder holds the raw samples every guest sent, its serial consoles, the manifest and config of the run, and the reports derived from them; `SHA256SUMS` covers every other file.',
    '',
  );
  if (!manifest.complete) {
    out.push(
      `> **Incomplete run.** The manifest records \`complete: false\`: ${failedGuests.length ? `guest${failedGuests.length > 1 ? 's' : ''} ${failedGuests.map((g) => g.name).join(', ')} failed` : 'the run did not finish, or some guests or benchmarks failed'}; see \`results.json\` (\`failed\`) and \`report.md\`. It was archived on purpose (\`harness archive --allow-incomplete\`).`,
      '',
    );
  }

  out.push(...whatWasRun(input), ...howToRerun(input), ...howToRegenerate(input, archive), ...whichFile(input));
  return out.join('\n');
}

/** What was run: the run, its guests, their images and payloads, and the config. */
function whatWasRun(input: ArtifactReadmeInput): string[] {
  const { manifest } = input;
  const runId = manifest.runId;
  const revision = manifest.project;
  const out: string[] = [];
  out.push('## What was run', '');
  out.push(
    markdownTable(
      ['', ''],
      [
        ['run id', runId],
        ['started', manifest.startedAt],
        ['finished', manifest.finishedAt ?? 'not recorded (the run did not finish)'],
        ['command', `\`${['harness', ...manifest.command.slice(1)].join(' ')}\``],
        ['config', `\`${manifest.config.copy}\`, a copy of \`${manifest.config.file}\` (SHA-256 \`${manifest.config.sha256}\`)`],
        [
          'harness revision',
          `commit \`${revision.commit}\`${revision.dirty ? ' **with uncommitted changes**: that commit alone does not reproduce this run exactly' : ''}`,
        ],
        ['Node.js', revision.nodeVersion],
        ['accelerator', accelWhy(manifest)],
        ['host', `${manifest.host.cpuModel}, ${manifest.host.logicalCpus} logical CPUs, ${gib(manifest.host.memoryBytes)} memory; ${manifest.host.kernel}`],
        ['bootstrap', `${manifest.bootstrap.method}; ${manifest.bootstrap.resamples} resamples, seed ${manifest.bootstrap.seed}`],
      ],
    ),
    '',
  );
  out.push(...accelMeaning(manifest).flatMap((line) => [line, '']));
  out.push('Guests:', '');
  out.push(markdownTable(['guest', 'OS', 'status', 'accelerator', 'vCPUs', 'boots', 'guest kernel', 'QEMU'], manifest.guests.map(guestRow)), '');
  const withProvenance = manifest.guests.filter((g) => g.provenance && Object.keys(g.provenance).length > 0);
  if (withProvenance.length) {
    out.push('### Images and payloads', '', 'As recorded in `manifest.json` (`guests[].provenance`):', '');
    for (const guest of withProvenance) {
      out.push(`- **${guest.name}**`, ...Object.entries(guest.provenance!).map(([key, value]) => `  - ${key}: \`${value}\``));
    }
    out.push('');
  }
  // A fence longer than any backtick run in the config, so the config cannot close it.
  const fence = '`'.repeat(Math.max(3, ...[...input.configText.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  out.push('The config, as run:', '', `${fence}yaml`, input.configText.trimEnd(), fence, '');

  return out;
}

/** Each word quoted for a POSIX shell when it holds a glob's `*` (e.g. `--bench 'ipc.*'`). */
function shellWords(line: string): string {
  return line
    .split(' ')
    .map((word) => (/[*?[]/.test(word) ? `'${word}'` : word))
    .join(' ');
}

/** How to rerun it from a checkout at the recorded revision. */
function howToRerun(input: ArtifactReadmeInput): string[] {
  const { manifest } = input;
  const revision = manifest.project;
  const out: string[] = [];
  out.push('## How to rerun it', '');
  out.push(
    `From a checkout of the harness at the recorded revision, on Debian 12 (\`scripts/setup.sh\` installs QEMU, compilers and the npm packages), with \`${manifest.config.copy}\` from this folder (\`--accel\` repeats the accelerator this run asked for, whether the config or the command line chose it${manifest.overrides ? ', and the rest the command-line overrides it was started with (manifest.json `overrides`)' : ''}):`,
    '',
  );
  out.push(
    '```sh',
    `git checkout ${revision.commit}`,
    'bash scripts/setup.sh',
    `npx harness run ${manifest.config.copy} --accel ${manifest.accel.requested}${manifest.overrides ? ` ${shellWords(overridesCommandLine(manifest.overrides))}` : ''}`,
    '```',
    '',
  );
  out.push(
    "The new run directory is created under the config's `resultsDir` (relative paths are taken from the config file's folder; edit it if it does not suit this machine). The figures of the new run can be set against these with `npx harness compare <this run folder> <new run directory>`.",
    '',
  );
  const images = imageRequirements(manifest, input.notes ?? (() => undefined));
  if (images.length) out.push('Guest images:', '', ...images, '');

  return out;
}

/** How to check the archive and derive every report again from its raw data. */
function howToRegenerate(input: ArtifactReadmeInput, archive: string): string[] {
  const { manifest } = input;
  const runId = manifest.runId;
  const out: string[] = [];
  out.push('## How to regenerate every table from the raw data', '');
  out.push(
    `Every table and figure is computed from \`manifest.json\`, \`${manifest.config.copy}\`, \`results.json\` (for what was skipped or failed, and why) and the \`data.bin\` of each boot. With the harness at the recorded revision:`,
    '',
  );
  out.push('```sh', `npx harness verify ${archive}`, '```', '');
  out.push(
    "(`npx harness` works inside the harness's checkout; from any other folder run `node CHECKOUT/bin/harness.js verify` with the checkout's path.)",
    '',
  );
  out.push(
    `checks every line of \`SHA256SUMS\`, then derives ${input.regenerated.map((name) => `\`${name}\``).join(', ')} again from the raw data and compares each with the archived one byte for byte, naming any file that differs and its first differing line. To write the reports into a folder instead:`,
    '',
  );
  out.push('```sh', `tar -xzf ${archive}`, `npx harness report ${runId}`, '```', '');
  out.push(`Checksums alone, without the harness: \`cd ${runId} && sha256sum -c SHA256SUMS\`.`, '');

  return out;
}

/** Which file holds what. */
function whichFile(input: ArtifactReadmeInput): string[] {
  const { manifest, paths } = input;
  const out: string[] = [];
  out.push('## Which file holds what', '');
  out.push(
    markdownTable(
      ['file', 'what it holds'],
      paths.map((path) => [`\`${path}\``, describe(path, manifest.config.copy)]),
    ),
    '',
  );
  return out;
}
