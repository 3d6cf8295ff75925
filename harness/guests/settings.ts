import type { BenchmarkSelection } from '../config/types.js';
import type { ImageSetting } from './adapter.js';

/** The payload's settings as `hb.key=value` words, which every payload parses the same way. */
export function payloadSettingWords(benchmarks: BenchmarkSelection): string[] {
  return [`hb.iterations=${benchmarks.iterations}`, `hb.warmup=${benchmarks.warmup}`, `hb.bench=${benchmarks.include.join(',')}`];
}

/** The `image.cpuModel` setting of a guest whose adapter lets the config choose QEMU's -cpu model. */
export function cpuModelSetting(description: string): ImageSetting {
  return { title: 'a QEMU -cpu model', description, type: 'string', minLength: 1 };
}
