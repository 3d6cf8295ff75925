import { expect } from 'chai';
import { reportHtml } from '../../../harness/report/html/report-html.js';
import { syntheticManifest, syntheticReport } from './synthetic-report.js';

describe('report.html', function () {
  this.timeout(120_000);
  // Rendering takes about a second (38 charts through vega): the tests that only read the page share one.
  let html: string;
  before(async () => {
    html = await reportHtml(syntheticReport({ samplesPerBoot: 400, boots: 2 }));
  });

  it('renders the same input to the same bytes', async () => {
    const second = await reportHtml(syntheticReport({ samplesPerBoot: 400, boots: 2 }));
    expect(second).to.equal(html);
  });

  it('is one self-contained file: no scripts, nothing to fetch, ids unique', () => {
    expect(html).not.to.match(/<script/i);
    expect(html).not.to.match(/\b(?:src|href)="(?!#)/);
    expect(html).not.to.match(/url\((?!#)/);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).to.be.greaterThan(20);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('carries the tables of report.md, the environment and the methodology, escaped', () => {
    for (const text of [
      'Across systems',
      'IPC round trip',
      'Environment',
      'Test CPU @ 3.0GHz',
      'QEMU emulator version 7.2.0',
      'Methodology',
      '200 resamples, seed 1',
      'How each figure was obtained',
      'Peer cross-check',
      'perf syscall basic',
      'Skipped',
    ]) {
      expect(html).to.include(text);
    }
    expect(html).to.include('needs 2 vCPUs, &lt;guest&gt; has 1 online');
    expect(html).to.include('CPU 2 &lt;was&gt; 12% busy');
    expect(html).to.include('<strong>ctxswitch.futex:</strong> timer overhead <strong>unstable</strong>: 20 vs 31');
    // One chart per cross-OS table and two per figure.
    expect(html.match(/<svg /g)).to.have.length(4 + 2 * 17);
  });

  it('names each source run of a merged report', async () => {
    const input = syntheticReport({ samplesPerBoot: 200, boots: 1 });
    const runs = ['run-a', 'run-b'];
    const html = await reportHtml({
      ...input,
      manifests: [syntheticManifest('run-a', [{ name: 'linux', os: 'linux', boots: 1 }]), syntheticManifest('run-b', [{ name: 'sel4', os: 'sel4', boots: 1 }])],
      context: { ...input.context, mergedFrom: runs, guests: input.context.guests.map((g, i) => ({ ...g, runId: runs[i]! })) },
    });
    expect(html).to.include('<h1>Merged report');
    expect(html).to.include('Merged from runs run-a, run-b');
    expect(html).to.include('<h3>Run run-b</h3>');
    expect(html).to.include('<p>Run: run-a.</p>');
  });

  it('stays small with 10^5 samples per figure: binned and subsampled, not every sample', async () => {
    // The cross-OS ratio CIs are not what this is about: bootstrapped from 400 samples per boot,
    // they take a moment instead of longer than the report.
    const input = syntheticReport({ samplesPerBoot: 20_000, boots: 5, crossOsSamplesPerBoot: 400 });
    const html = await reportHtml(input);
    const bytes = Buffer.byteLength(html);
    console.log(`      report.html of 17 figures × 5 boots × 20000 samples: ${bytes} bytes`);
    expect(bytes).to.be.below(1_500_000);
  });
});
