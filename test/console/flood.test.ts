// Issue 7, "Hostile guest output" (docs/reliability.md): a console flooded with 100 MB on one
// line, then binary noise, while the harness waits for a prompt on it (the MINIX driver's case;
// Linux guests' consoles are only logged to a file by QEMU and read back 2 KB at a time). Run in a
// child so its memory is its own.
import { expect } from 'chai';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../harness/paths.js';

/** Peak RSS growth allowed while 100 MB arrive (measured: about +75 MiB, the same for 300 MB: garbage between collections, not the flood). */
const CONSOLE_FLOOD_GROWTH_BOUND = 128 * 2 ** 20;

describe('@host a console flooded with 100 MB without a newline, then binary noise', function () {
  this.timeout(120_000);

  it('keeps the harness within a bounded memory, ends the wait when the console closes, and quotes it printably', async () => {
    const child = await execa('node', ['--expose-gc', '--import', 'tsx', join(projectRoot, 'test', 'support', 'console-flood-child.ts')], {
      cwd: projectRoot,
      env: { FLOOD_BYTES: String(100 * 2 ** 20) },
    });
    const report = JSON.parse(child.stdout) as {
      outcome: string;
      tailLength: number;
      tailPrintable: boolean;
      seconds: number;
      start: { rss: number };
      peak: { rss: number };
    };
    const growth = report.peak.rss - report.start.rss;
    console.log(
      `      console flood: peak RSS ${(report.peak.rss / 2 ** 20).toFixed(1)} MiB from ${(report.start.rss / 2 ** 20).toFixed(1)} MiB (+${(growth / 2 ** 20).toFixed(1)} MiB) in ${report.seconds} s`,
    );
    expect(report.outcome).to.equal('closed');
    expect(report.tailPrintable).to.equal(true);
    expect(report.tailLength).to.be.within(1, 2048);
    expect(growth).to.be.below(CONSOLE_FLOOD_GROWTH_BOUND);
  });
});
