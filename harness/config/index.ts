export type { BenchmarkSelection, BootstrapConfig, GuestConfig, GuestOs, RunConfig, Timeouts } from './types.js';
export { ConfigError, formatIssue, type ConfigIssue } from './errors.js';
export { loadConfig, schemaFile, type LoadOptions } from './load.js';
