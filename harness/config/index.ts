export type { BenchmarkSelection, BootstrapConfig, GuestConfig, GuestOs, RunConfig, Timeouts } from './types.js';
export { ConfigError, formatIssue, type ConfigIssue } from './errors.js';
export { loadConfig, schemaFile, type LoadOptions } from './load.js';
export { applyOverrides, overridesCommandLine, parseOverrides, OVERRIDE_OPTIONS, type OverrideArguments, type RunOverrides } from './overrides.js';
