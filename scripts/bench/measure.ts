/**
 * One measurement in a process of its own (scripts/bench.ts starts it), so that its peak RSS is
 * its own: `decode-stats DIR` decodes the run's data.bin and computes the guest's figures;
 * `report DIR` regenerates the run's reports and writes them as `harness report DIR` does.
 * Prints one JSON line: seconds per phase, the RSS before the work and the peak (maxRSS).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../harness/config/index.js';
import { guestFigures } from '../../harness/analysis/guest-figures.js';
import { loadRunData } from '../../harness/report/regenerate.js';
import { renderRunFiles } from '../../harness/report/run-files.js';
import { writeFiles } from '../../harness/cli/commands/report.js';
import { readDataChannel } from '../../harness/wire/data-channel.js';
import { streamExpectation } from '../../harness/wire/expectation.js';

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function decodeAndStats(dir: string): Promise<Record<string, number>> {
  const config = await loadConfig(join(dir, 'config.yaml'), {
    hostCpus: Number.MAX_SAFE_INTEGER,
    hostMemoryMiB: Number.MAX_SAFE_INTEGER,
    checkImagePaths: false,
  });
  const boots = config.guests[0]!.benchmarks.boots;
  const rssBefore = process.memoryUsage().rss;
  let started = process.hrtime.bigint();
  const streams = [];
  for (let boot = 1; boot <= boots; boot++) {
    const bytes = await readFile(join(dir, 'guests', 'gnumach', `boot-${boot}`, 'data.bin'));
    const { stream, error } = readDataChannel(bytes, streamExpectation(config.guests[0]!));
    if (error) throw error;
    streams.push({ boot, stream });
  }
  const decode = seconds(started);
  started = process.hrtime.bigint();
  const figures = guestFigures({ name: 'gnumach', os: 'gnumach' }, 'tcg-icount', streams, config);
  const stats = seconds(started);
  if (figures.results.length !== 2) throw new Error(`expected 2 figures, got ${figures.results.length}`);
  return { decode, stats, rssBefore };
}

async function report(dir: string): Promise<Record<string, number>> {
  const rssBefore = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const data = await loadRunData(dir);
  const files = await renderRunFiles({
    manifests: [data.manifest],
    doc: data.doc,
    streams: data.streams,
    bootstrap: data.config.bootstrap,
    baseline: data.config.report.baseline,
    anatomy: data.anatomy,
    figures: data.figures,
  });
  await writeFiles(dir, files);
  return { report: seconds(started), rssBefore };
}

const [phase, dir] = process.argv.slice(2);
if (!dir || (phase !== 'decode-stats' && phase !== 'report')) {
  process.stderr.write('usage: measure.ts decode-stats|report RUN_DIR\n');
  process.exit(2);
}
const result = phase === 'report' ? await report(dir) : await decodeAndStats(dir);
process.stdout.write(`${JSON.stringify({ ...result, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
