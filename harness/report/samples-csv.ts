import type { BootStream } from '../analysis/figure-samples.js';
import { csvField } from './results-csv.js';

/** samples.csv: every raw sample of every boot, as the guest measured it (timer ticks, overhead not subtracted). */
export function samplesCsv(streams: readonly BootStream[]): string {
  const lines = ['guest,boot,metric,index,raw_ticks'];
  for (const { guest, boot, stream } of streams) {
    for (const bench of stream.benchmarks) {
      const prefix = `${csvField(guest)},${boot},${csvField(bench.metric)},`;
      bench.samples.forEach((value, index) => lines.push(`${prefix}${index},${value}`));
    }
  }
  return lines.join('\n') + '\n';
}
