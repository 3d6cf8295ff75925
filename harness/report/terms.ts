import { describeTimer, timerFacts } from '../analysis/timer.js';
import type { ResultEntry } from '../analysis/results.js';
import type { BootManifest, GuestManifest } from '../rundir/manifest.js';
import { WireKey } from '../wire/constants.js';
import type { CrossOsRow } from '../analysis/cross-os.js';
import { formatFigure, markdownTable } from './format.js';

/**
 * The terms a guest's figures were measured on: what a reader must know before setting two guests'
 * figures side by side. Taken from the manifest alone (and the figures' timer overhead), so a
 * report made again from an archive says the same.
 */
export interface GuestTerms {
  mode: string;
  cpuModel: string;
  /** The run's model, when this guest's own `image.cpuModel` replaced it. */
  replacedCpuModel?: string;
  mitigations: string;
  /** Whether mitigations that cost something on kernel entry, exit or switch were in effect; undefined when unknown. */
  mitigationsOn?: boolean;
  kernelBuild: string;
  debugBuild: boolean;
  processors: string;
  payload: string;
  timer: string;
}

/**
 * Linux issues whose mitigation is on whatever the command line says and costs nothing on the
 * measured paths (PTE inversion is a page-table encoding; itlb_multihit concerns KVM hosts), so
 * they do not make a kernel "with mitigations".
 */
const ALWAYS_ON = new Set(['l1tf', 'itlb_multihit']);

/** Linux's account ("name: text | name: text", wire.h) as the issues with a mitigation in effect, e.g. "meltdown: PTI". */
function linuxInEffect(account: string): { name: string; how: string }[] {
  return account.split(' | ').flatMap((entry) => {
    const [name, ...rest] = entry.split(': ');
    const text = rest.join(': ');
    return name && text.startsWith('Mitigation: ') ? [{ name, how: text.slice('Mitigation: '.length).split(';')[0]!.trim() }] : [];
  });
}

function mitigationTerms(guest: GuestManifest, info: Record<string, string>): Pick<GuestTerms, 'mitigations' | 'mitigationsOn'> {
  const stated = guest.provenance?.['mitigations'];
  if (stated !== undefined) return { mitigations: stated, mitigationsOn: !stated.startsWith('none') };
  const account = info[WireKey.MITIGATIONS];
  if (account === undefined) return { mitigations: 'not reported' };
  const setting = /(^| )mitigations=off( |$)/.test(info[WireKey.KERNEL_CMDLINE] ?? '') ? 'off (mitigations=off)' : "the kernel's default";
  const inEffect = linuxInEffect(account);
  const listed = inEffect.map((m) => `${m.name}: ${m.how}`).join('; ');
  return {
    mitigations: `${setting}; in effect: ${listed || 'none'}`,
    mitigationsOn: inEffect.some((m) => !ALWAYS_ON.has(m.name)),
  };
}

/** An SMP seL4 kernel's suffix (its same-CPU figures are not a uniprocessor kernel's); nothing for a uniprocessor one or an older manifest. */
function smp(maxNumNodes: string | undefined): string {
  return maxNumNodes !== undefined && Number(maxNumNodes) > 1 ? `, SMP (${maxNumNodes} nodes)` : '';
}

function kernelBuild(guest: GuestManifest, info: Record<string, string>): Pick<GuestTerms, 'kernelBuild' | 'debugBuild'> {
  const p = guest.provenance ?? {};
  if (p['sel4Version'] !== undefined) {
    const debug = p['sel4DebugBuild'] === 'yes';
    return {
      kernelBuild: `seL4 ${p['sel4Version']}, ${debug ? 'debug' : 'release'}, fastpath ${p['sel4Fastpath'] === 'yes' ? 'on' : 'off'}${smp(p['sel4MaxNumNodes'])}`,
      debugBuild: debug,
    };
  }
  const version = p['kernelPackageVersion'] ? ` (package ${p['kernelPackage'] ?? ''} ${p['kernelPackageVersion']})` : '';
  const debug = p['kernelDebugBuild'] === 'yes';
  return { kernelBuild: `${info[WireKey.KERNEL] ?? 'unknown'}${version}${debug ? ', debug build' : ''}`, debugBuild: debug };
}

/** The timer overheads subtracted from the guest's figures, as one figure or a range. */
function overheads(rows: readonly ResultEntry[]): string {
  const values = rows.map((r) => r.timerOverhead.subtracted);
  if (values.length === 0) return 'no figures';
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return `overhead ${low === high ? formatFigure(low) : `${formatFigure(low)}–${formatFigure(high)}`} subtracted`;
}

/** The terms of one guest (or of one group of its boots), with its figures for the timer overhead. */
export function guestTerms(guest: GuestManifest, boots: readonly BootManifest[], rows: readonly ResultEntry[], accel: string | undefined): GuestTerms {
  const info = boots[0]?.guestInfo ?? {};
  const cpu = guest.cpuModel ?? (guest.reach === 'ssh' ? "the target's own CPU" : 'not recorded');
  const payloadFlags = info[WireKey.CFLAGS] ?? guest.provenance?.['payloadCflags'];
  return {
    mode: accel ?? 'none',
    cpuModel: cpu,
    ...(guest.cpuModelOverride ? { replacedCpuModel: guest.cpuModelOverride.runModel } : {}),
    ...mitigationTerms(guest, info),
    ...kernelBuild(guest, info),
    processors: `${guest.vcpusUsed ?? guest.vcpusConfigured} vCPU${(guest.vcpusUsed ?? guest.vcpusConfigured) === 1 ? '' : 's'}`,
    payload: [info[WireKey.COMPILER] ?? guest.provenance?.['payloadCompiler'] ?? 'unknown compiler', payloadFlags].filter((x) => x !== undefined).join(', '),
    timer: `${boots[0] ? describeTimer(timerFacts(info)) : 'unknown'}; ${overheads(rows)}`,
  };
}

/** Which terms two guests' figures differ in, in words; empty when they were measured on the same terms. */
export function termsDiffer(a: GuestTerms, b: GuestTerms): string[] {
  const differ: string[] = [];
  if (a.mode !== b.mode) differ.push('mode');
  if (a.cpuModel !== b.cpuModel) differ.push('CPU model');
  if (a.mitigationsOn !== undefined && b.mitigationsOn !== undefined && a.mitigationsOn !== b.mitigationsOn) differ.push('mitigations');
  if (a.debugBuild !== b.debugBuild) differ.push('debug kernel build');
  return differ;
}

export const TERMS_HEADERS = ['guest', 'mode', 'CPU model', 'mitigations', 'kernel build', 'processors', 'payload compiler and flags', 'timer'] as const;

export function termsRow(name: string, terms: GuestTerms): string[] {
  const cpu = terms.replacedCpuModel ? `${terms.cpuModel} (its own, instead of the run's ${terms.replacedCpuModel})` : terms.cpuModel;
  return [name, terms.mode, cpu, terms.mitigations, terms.kernelBuild, terms.processors, terms.payload, terms.timer];
}

/**
 * For the cross-OS tables: a row whose ratio is taken against a guest measured on other terms gets
 * a note naming them (undefined when the terms agree, or the row has no ratio).
 */
export function crossOsTermsNote(termsByGuest: ReadonlyMap<string, GuestTerms>): (row: CrossOsRow) => string | undefined {
  return (row) => {
    if (!('value' in row.ratio)) return undefined;
    const own = termsByGuest.get(row.guest);
    const against = termsByGuest.get(row.ratio.against.guest);
    if (!own || !against) return undefined;
    const differ = termsDiffer(own, against);
    return differ.length > 0 ? `terms differ: ${differ.join(', ')}` : undefined;
  };
}

/** What the terms table shows, and what a flagged ratio means (both reports). */
export const TERMS_INTRO =
  'What each guest was measured on. A ratio across systems between guests whose mode, CPU model, mitigations or kernel build (debug or release) differ is marked "terms differ" in its row. ' +
  "Mitigations are as the guest's kernel reported them (Linux: /sys/devices/system/cpu/vulnerabilities) or as its build states them (seL4: gen_config.h); the full account is in manifest.json.";

/** report.md's terms of comparison: one row per guest. */
export function termsMarkdown(guests: readonly { name: string; terms: GuestTerms }[]): string[] {
  if (guests.length === 0) return [];
  return [
    '## Terms of comparison',
    '',
    TERMS_INTRO,
    '',
    markdownTable(
      TERMS_HEADERS,
      guests.map((g) => termsRow(g.name, g.terms)),
    ),
    '',
  ];
}
