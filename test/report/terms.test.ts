import { expect } from 'chai';
import type { CrossOsRow } from '../../harness/analysis/cross-os.js';
import type { ResultEntry } from '../../harness/analysis/results.js';
import { COMMON_TCG_CPU_MODEL } from '../../harness/qemu/argv.js';
import { crossOsTermsNote, guestTerms, termsDiffer, termsMarkdown, termsRow, type GuestTerms } from '../../harness/report/terms.js';
import type { BootManifest, GuestManifest } from '../../harness/rundir/manifest.js';

// As a Linux 6.1 guest on the common CPU model reported it (abridged), with and without mitigations=off.
const LINUX_DEFAULT =
  'l1tf: Mitigation: PTE Inversion | mds: Vulnerable: Clear CPU buffers attempted, no microcode; SMT Host state unknown | meltdown: Mitigation: PTI | ' +
  'spectre_v1: Mitigation: usercopy/swapgs barriers and __user pointer sanitization | spectre_v2: Mitigation: Retpolines; STIBP: disabled; RSB filling; BHI: Retpoline | srbds: Not affected';
const LINUX_OFF =
  'l1tf: Mitigation: PTE Inversion | mds: Vulnerable; SMT Host state unknown | meltdown: Vulnerable | spectre_v2: Vulnerable; STIBP: disabled | srbds: Not affected';

function boot(info: Record<string, string>): BootManifest {
  return { boot: 1, status: 'done', argv: [], hostAffinity: [], guestInfo: info, guestAffinity: {}, seconds: 1, dataBytes: 1 };
}

function guest(over: Partial<GuestManifest>, info: Record<string, string>): { entry: GuestManifest; boots: BootManifest[] } {
  const entry: GuestManifest = { name: 'g', os: 'linux', status: 'done', vcpusConfigured: 1, vcpusUsed: 1, cpuModel: COMMON_TCG_CPU_MODEL, boots: [], ...over };
  return { entry, boots: [boot(info)] };
}

const linuxInfo = (mitigations: string, cmdline: string) => ({
  kernel: '6.1.0-57-cloud-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3',
  timer: 'rdtscp+lfence',
  compiler: 'gcc 12.2.0',
  cflags: '-O2 -static',
  mitigations,
  kernel_cmdline: cmdline,
});

const overhead = (subtracted: number) => ({ timerOverhead: { subtracted } }) as ResultEntry;

function terms(over: Partial<GuestManifest>, info: Record<string, string>, rows: ResultEntry[] = []): GuestTerms {
  const { entry, boots } = guest(over, info);
  return guestTerms(entry, boots, rows, 'tcg-icount');
}

describe('report/terms', () => {
  const linuxDefault = terms({}, linuxInfo(LINUX_DEFAULT, 'console=ttyS0 panic=-1'), [overhead(9), overhead(11)]);
  const linuxOff = terms({}, linuxInfo(LINUX_OFF, 'console=ttyS0 panic=-1 mitigations=off'));
  const sel4 = terms(
    {
      os: 'sel4',
      provenance: { sel4Version: '13.0.0', sel4DebugBuild: 'no', sel4Fastpath: 'yes', mitigations: 'none: built without the skim window' },
    },
    { kernel: 'seL4', timer: 'rdtscp+lfence' },
  );

  it("lists the Linux kernel's mitigations in effect, from its own account, and says whether any that cost something are on", () => {
    expect(linuxDefault.mitigations).to.equal(
      "the kernel's default; in effect: l1tf: PTE Inversion; meltdown: PTI; spectre_v1: usercopy/swapgs barriers and __user pointer sanitization; spectre_v2: Retpolines",
    );
    expect(linuxDefault.mitigationsOn).to.equal(true);
  });

  it('counts a kernel booted with mitigations=off as without them, though PTE inversion stays on', () => {
    expect(linuxOff.mitigations).to.equal('off (mitigations=off); in effect: l1tf: PTE Inversion');
    expect(linuxOff.mitigationsOn).to.equal(false);
  });

  it("takes a build's stated mitigations and its kernel build from the provenance", () => {
    expect(sel4.mitigations).to.equal('none: built without the skim window');
    expect(sel4.mitigationsOn).to.equal(false);
    expect(sel4.kernelBuild).to.equal('seL4 13.0.0, release, fastpath on');
    expect(sel4.debugBuild).to.equal(false);
  });

  it('says when a seL4 kernel was built for SMP, and nothing for a uniprocessor one', () => {
    const withNodes = (nodes: string) =>
      terms({ os: 'sel4', provenance: { sel4Version: '16.0.0-dev', sel4DebugBuild: 'no', sel4Fastpath: 'yes', sel4MaxNumNodes: nodes } }, { kernel: 'seL4' })
        .kernelBuild;
    expect(withNodes('2')).to.equal('seL4 16.0.0-dev, release, fastpath on, SMP (2 nodes)');
    expect(withNodes('1')).to.equal('seL4 16.0.0-dev, release, fastpath on');
  });

  it('gives the timer with the range of overheads subtracted, and the payload compiler with its flags', () => {
    expect(linuxDefault.timer).to.match(/^rdtscp\+lfence.*; overhead 9–11 subtracted$/);
    expect(linuxDefault.payload).to.equal('gcc 12.2.0, -O2 -static');
    expect(linuxDefault.processors).to.equal('1 vCPU');
  });

  it('says "not reported" when a guest gave no account of its mitigations, and then never flags them', () => {
    const silent = terms({}, { kernel: 'x' });
    expect(silent.mitigations).to.equal('not reported');
    expect(termsDiffer(silent, linuxDefault)).to.deep.equal([]);
  });

  it('names the terms two guests differ in', () => {
    expect(termsDiffer(linuxDefault, linuxDefault)).to.deep.equal([]);
    expect(termsDiffer(linuxDefault, sel4)).to.deep.equal(['mitigations']);
    const own = terms({ cpuModel: 'max', cpuModelOverride: { runModel: COMMON_TCG_CPU_MODEL } }, linuxInfo(LINUX_OFF, 'mitigations=off'));
    expect(termsDiffer(own, sel4)).to.deep.equal(['CPU model']);
    expect(termsRow('linux', own)[2]).to.equal(`max (its own, instead of the run's ${COMMON_TCG_CPU_MODEL})`);
    expect(termsDiffer({ ...sel4, debugBuild: true, mode: 'kvm' }, sel4)).to.deep.equal(['mode', 'debug kernel build']);
  });

  it('notes a cross-OS row whose ratio is against a guest on other terms, and no other row', () => {
    const note = crossOsTermsNote(
      new Map([
        ['linux', linuxDefault],
        ['linux-off', linuxOff],
        ['linux-twin', linuxDefault],
      ]),
    );
    const row = (guest: string, against: string) =>
      ({ guest, ratio: { value: 1, ci95: [1, 1], against: { guest: against, mechanism: 'm', median: 1 } } }) as CrossOsRow;
    expect(note(row('linux-off', 'linux'))).to.equal('terms differ: mitigations');
    expect(note(row('linux-twin', 'linux'))).to.equal(undefined);
    expect(note({ guest: 'linux-off', ratio: { reason: 'no figure of the same kind' } } as CrossOsRow)).to.equal(undefined);
  });

  it('renders one row per guest under its heading in report.md', () => {
    const lines = termsMarkdown([
      { name: 'linux', terms: linuxDefault },
      { name: 'sel4', terms: sel4 },
    ]);
    expect(lines[0]).to.equal('## Terms of comparison');
    const rows = lines.join('\n').split('\n');
    expect(rows.filter((l) => l.startsWith('| linux |') || l.startsWith('| sel4 |'))).to.have.length(2);
    expect(termsMarkdown([])).to.deep.equal([]);
  });
});
