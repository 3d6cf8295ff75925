import { expect } from 'chai';
import { reportMarkdown } from '../../harness/report/markdown.js';
import { histogramLines } from '../../harness/report/text-histogram.js';
import { pooledValues } from '../../harness/analysis/figure-samples.js';
import { syntheticReport } from './html/synthetic-report.js';

describe('report.md', () => {
  const input = syntheticReport({ samplesPerBoot: 300, boots: 2, crossOsSamplesPerBoot: 20 });

  it("has a text histogram of every figure in its guest's section, the same bytes each time", () => {
    const md = reportMarkdown(input.doc, input.context, input.crossOs, [], input.figures);
    expect(md).to.equal(reportMarkdown(input.doc, input.context, input.crossOs, [], input.figures));
    const linux = md.slice(md.indexOf('## linux'), md.indexOf('## sel4'));
    expect(linux).to.contain('### Distributions');
    const figure = input.figures.find((f) => f.entry.guest === 'linux' && f.entry.metric === 'syscall.null')!;
    const block = ['```text', ...histogramLines(pooledValues(figure.groups).sort(), figure.entry.median), '```'].join('\n');
    expect(linux).to.contain(`\`syscall.null\` (tsc-ticks, n = 600, pooled over 2 boots; `);
    expect(linux).to.contain(block);
    expect(md.match(/^```text$/gm)).to.have.length(input.figures.length);
  });

  it('has no histograms when given no samples', () => {
    expect(reportMarkdown(input.doc, input.context, input.crossOs)).not.to.contain('### Distributions');
  });

  it('names the command-line overrides a run was started with, and the run when it merges several', () => {
    const overrides = [{ runId: 'r1', line: '--bench ipc.* --iters 100000' }];
    const md = reportMarkdown(input.doc, { ...input.context, overrides }, input.crossOs);
    expect(md).to.contain('\nCommand-line overrides: `--bench ipc.* --iters 100000`, replacing what the config says (manifest.json `overrides`).\n');
    const merged = reportMarkdown(input.doc, { ...input.context, overrides, mergedFrom: ['r1', 'r2'] }, input.crossOs);
    expect(merged).to.contain('\nCommand-line overrides of run r1: `--bench ipc.* --iters 100000`, replacing');
    expect(reportMarkdown(input.doc, input.context, input.crossOs)).not.to.contain('Command-line overrides');
  });
});
