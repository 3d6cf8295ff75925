import type { RunConfig } from '../config/types.js';
import type { MeasuredSelector, PublishedReference } from './types.js';

/** Every guest OS and metric a reference's figures and ratios ask for. */
export function neededSelectors(reference: PublishedReference): Pick<MeasuredSelector, 'os' | 'metric'>[] {
  return [...reference.figures.flatMap((f) => f.matches), ...reference.ratios.flatMap((r) => [r.numerator, r.denominator])];
}

/**
 * The config narrowed to what the reference needs: only guests of the OSes it names, each running
 * only the metrics (names or globs) it asks of that OS, so a reproduction does not run the rest.
 *
 * @throws Error when the config has no guest of any OS the reference names.
 */
export function configForReference(config: RunConfig, reference: PublishedReference): RunConfig {
  const selectors = neededSelectors(reference);
  const guests = config.guests
    .filter((guest) => selectors.some((s) => s.os === guest.os))
    .map((guest) => ({
      ...guest,
      benchmarks: { ...guest.benchmarks, include: [...new Set(selectors.filter((s) => s.os === guest.os).map((s) => s.metric))] },
    }));
  if (guests.length === 0) {
    const needed = [...new Set(selectors.map((s) => s.os))].join(' or ');
    const got = config.guests.map((g) => `${g.name} (os ${g.os})`).join(', ') || 'no guests';
    throw new Error(`expected a guest with os ${needed} in ${config.file} for reference ${reference.id}, got ${got}`);
  }
  return { ...config, guests };
}
