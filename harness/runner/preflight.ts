import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { sortIssues } from '../config/issues.js';
import { guestFieldIssue } from '../config/located.js';
import type { RunOverrides } from '../config/overrides.js';
import type { GuestConfig, RunConfig } from '../config/types.js';
import { UsageError } from '../errors/usage-error.js';
import type { GuestAdapter } from '../guests/adapter.js';
import { adapterFor } from '../guests/registry.js';
import { matchesInclude, metricGlob } from '../wire/expectation.js';

/**
 * What a config asks of its guests that their adapters say cannot work, refused before a run
 * directory is made or anything boots (exit code 2, nothing started). Here and not in
 * harness/config because the facts are the adapters' (their benchmark names, their least memory),
 * which config may not import (docs/architecture.md); the positions are the config's
 * (guestFieldIssue).
 *
 * - An include pattern that matches none of the guest's benchmarks (`nomatch.*`, a metric of
 *   another OS): else the guest would boot, run nothing and fail the run at its end.
 * - `memoryMiB` below the adapter's `minMemoryMiB`: else the guest stops at boot, often silently.
 * - With `--bench` (which replaces every guest's include, so no file position applies): a pattern
 *   that matches no benchmark of any guest run, or a guest of which the list selects none.
 *
 * @throws ConfigError with one `FILE:LINE:COL: FIELD: expected …, got …` per problem in the file;
 *   UsageError for a `--bench` that selects nothing
 */
export function checkGuestsAgainstAdapters(config: RunConfig, overrides?: RunOverrides): void {
  const issues: ConfigIssue[] = [];
  for (const guest of config.guests) {
    const adapter = adapterFor(guest);
    issues.push(...memoryIssues(config, guest, adapter));
    // Patterns from --bench are not the file's: checked below, naming the option.
    if (overrides?.bench === undefined) issues.push(...includeIssues(config, guest, adapter));
  }
  if (issues.length > 0) throw new ConfigError(sortIssues(issues));
  if (overrides?.bench !== undefined) checkBench(config, overrides.bench);
}

/** "linux (disk)", "gnumach": the OS, and the image variant for an OS that has several. */
function adapterLabel(adapter: GuestAdapter): string {
  return adapter.variant === undefined ? adapter.os : `${adapter.os} (${adapter.variant})`;
}

/** "guest linux (linux (initramfs): syscall.null, …)": a guest and every metric name its payload has. */
function guestCatalogue(guest: GuestConfig, adapter: GuestAdapter): string {
  return `guest ${guest.name} (${adapterLabel(adapter)}: ${adapter.benchmarks.join(', ')})`;
}

function memoryIssues(config: RunConfig, guest: GuestConfig, adapter: GuestAdapter): ConfigIssue[] {
  const least = adapter.minMemoryMiB;
  if (least === undefined || guest.memoryMiB >= least) return [];
  return [guestFieldIssue(config, guest.name, ['memoryMiB'], `at least ${least} MiB for ${adapterLabel(adapter)}`, String(guest.memoryMiB))];
}

function includeIssues(config: RunConfig, guest: GuestConfig, adapter: GuestAdapter): ConfigIssue[] {
  return guest.benchmarks.include.flatMap((pattern, k) => {
    const glob = metricGlob(pattern);
    if (adapter.benchmarks.some((metric) => glob.test(metric))) return [];
    const expected = `a metric name or glob that matches a benchmark of ${guestCatalogue(guest, adapter)}`;
    return [guestFieldIssue(config, guest.name, ['benchmarks', 'include', k], expected, JSON.stringify(pattern))];
  });
}

/**
 * `--bench` applies to every guest run, so one pattern may be meant for one OS only (`--bench
 * syscall.null.enosys,syscall.null.invalidtrap` for Linux and GNU Mach): a pattern is refused when
 * it matches no guest's benchmarks, and the list when it selects none of some guest's.
 */
function checkBench(config: RunConfig, bench: readonly string[]): void {
  const guests = config.guests.map((guest) => ({ guest, adapter: adapterFor(guest) }));
  const catalogue = guests.map(({ guest, adapter }) => guestCatalogue(guest, adapter)).join('; ');
  const unmatched = bench.filter((pattern) => !guests.some(({ adapter }) => adapter.benchmarks.some((metric) => metricGlob(pattern).test(metric))));
  if (unmatched.length > 0) {
    const got = unmatched.map((pattern) => `'${pattern}'`).join(', ');
    throw new UsageError(`expected --bench to be metric names or globs that match a benchmark of a guest run (${catalogue}), got ${got}, which matches none`);
  }
  const empty = guests.filter(({ adapter }) => !adapter.benchmarks.some((metric) => matchesInclude(bench, metric)));
  if (empty.length > 0) {
    const named = empty.map(({ guest, adapter }) => guestCatalogue(guest, adapter)).join('; ');
    throw new UsageError(
      `expected --bench '${bench.join(',')}' to select at least one benchmark of every guest run (--guest leaves guests out), got none of ${named}`,
    );
  }
}
