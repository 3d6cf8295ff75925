import type { BenchmarkSelection } from '../config/types.js';

/** The payload's settings as `hb.key=value` words, which every payload parses the same way. */
export function payloadSettingWords(benchmarks: BenchmarkSelection): string[] {
  return [`hb.iterations=${benchmarks.iterations}`, `hb.warmup=${benchmarks.warmup}`, `hb.bench=${benchmarks.include.join(',')}`];
}
