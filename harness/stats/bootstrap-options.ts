/**
 * Option checks shared by the bootstraps added after bootstrap.ts, with the same defaults and the
 * same messages as bootstrapMedianCi, so every interval in a report is validated alike.
 */

import { DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES } from './bootstrap.js';
import type { BootstrapOptions } from './bootstrap.js';
import { formatValue, requireInteger } from './validate.js';

export interface ResolvedBootstrapOptions {
  resamples: number;
  seed: number;
  confidence: number;
}

export function resolveBootstrapOptions(options: BootstrapOptions, who: string): ResolvedBootstrapOptions {
  const { resamples = DEFAULT_RESAMPLES, seed, confidence = DEFAULT_CONFIDENCE } = options;
  requireInteger(resamples, who, 'resamples', 1);
  if (!Number.isInteger(seed)) {
    throw new RangeError(`${who}: expected an integer seed, got ${formatValue(seed)}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${who}: expected confidence in (0, 1), got ${formatValue(confidence)}`);
  }
  return { resamples, seed, confidence };
}
