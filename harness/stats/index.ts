export { createRandom, randomInt } from './random.js';
export { median, quantile } from './quantile.js';
export { bootstrapMedianCi, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES } from './bootstrap.js';
export type { BootstrapOptions } from './bootstrap.js';
export { summarize } from './summary.js';
export type { Summary, SummaryOptions } from './summary.js';
export { subtractOverhead } from './overhead.js';
export type { OverheadCorrected } from './overhead.js';
