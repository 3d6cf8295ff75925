import type { BenchmarkSelection } from '../config/types.js';
import type { ImageSetting } from './adapter.js';

/** The payload's settings as `hb.key=value` words, which every payload parses the same way. */
export function payloadSettingWords(benchmarks: BenchmarkSelection): string[] {
  return [`hb.iterations=${benchmarks.iterations}`, `hb.warmup=${benchmarks.warmup}`, `hb.bench=${benchmarks.include.join(',')}`];
}

/** `image.cpuModel`, which every guest QEMU boots takes: its own -cpu model instead of the run's. */
export const CPU_MODEL_SETTING: ImageSetting = {
  title: 'a QEMU -cpu model',
  description:
    "This guest's QEMU `-cpu` model instead of the run's `cpuModel` (whose default is one model for every guest). Only when asked: the report flags this guest's figures as taken on another CPU.",
  type: 'string',
  minLength: 1,
};
