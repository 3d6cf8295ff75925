import { currentOs } from '../config/former.js';
import type { GuestConfig, GuestOs, GuestReach, GuestVariant } from '../config/types.js';
import type { GuestAdapter } from './adapter.js';
import { gnumachAdapter } from './gnumach/adapter.js';
import { linuxAdapter } from './linux/adapter.js';
import { linuxDiskAdapter } from './linux-disk/adapter.js';
import { minixAdapter } from './minix/adapter.js';
import { sel4Adapter } from './sel4/adapter.js';
import { sshTargetAdapter } from './ssh/adapter.js';

/**
 * Every kind of guest the harness runs, one line each. Order matters twice: the first adapter of an
 * OS and reach is the default variant of a config that names none, and the first with a `kvmProbe`
 * is what `accel: auto` boots to probe KVM. configs/schema.json's `os`, `reach` and `variant` and
 * its per-guest rules are generated from this list (npm run generate:types).
 */
export const ADAPTERS: readonly GuestAdapter[] = [
  linuxAdapter,
  linuxDiskAdapter,
  sshTargetAdapter,
  sel4Adapter,
  minixAdapter,
  gnumachAdapter,
];

/** Which adapter a guest names: its `os`, `reach` (default qemu) and `variant` (default: the first listed). */
export type GuestSelector = Pick<GuestConfig, 'os'> & { reach?: GuestReach | undefined; variant?: GuestVariant | undefined };

/** The adapter for a guest, or undefined when no adapter has that OS, reach and variant. */
export function findAdapter(guest: GuestSelector): GuestAdapter | undefined {
  const reach = guest.reach ?? 'qemu';
  const candidates = ADAPTERS.filter((adapter) => adapter.os === guest.os && adapter.reach === reach);
  return guest.variant === undefined ? candidates[0] : candidates.find((adapter) => adapter.variant === guest.variant);
}

/**
 * The adapter for a guest of a loaded config (whose schema allows only what an adapter offers).
 *
 * @throws Error naming the combinations there are, for one no adapter has.
 */
export function adapterFor(guest: GuestSelector): GuestAdapter {
  const adapter = findAdapter(guest);
  if (adapter) return adapter;
  const offered = ADAPTERS.map((a) => `${describeAdapter(a)}`).join('; ');
  throw new Error(`expected a guest the harness has an adapter for (${offered}), got os ${guest.os}, reach ${guest.reach ?? 'qemu'}${guest.variant ? `, variant ${guest.variant}` : ''}`);
}

/**
 * The adapter that ran a guest of a run directory, by what its manifest recorded: `os` (an earlier
 * spelling such as `linux-disk` read as today's), `reach` and `variant`. Undefined for none.
 */
export function recordedAdapter(guest: { os: string; reach?: string | undefined; variant?: string | undefined }): GuestAdapter | undefined {
  const current = currentOs(guest.os);
  const os = ADAPTERS.find((adapter) => adapter.os === current.os)?.os;
  if (os === undefined) return undefined;
  const reach = (guest.reach ?? current.reach) as GuestReach | undefined;
  const variant = (guest.variant ?? current.variant) as GuestVariant | undefined;
  return findAdapter({ os, reach, variant });
}

/** The adapter whose `id` this is (`harness build <id>`). */
export function adapterById(id: string): GuestAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.id === id);
}

/** "os linux, variant disk" and the like: how a config selects the adapter. */
export function describeAdapter(adapter: GuestAdapter): string {
  return [`os ${adapter.os}`, ...(adapter.reach === 'qemu' ? [] : [`reach ${adapter.reach}`]), ...(adapter.variant ? [`variant ${adapter.variant}`] : [])].join(', ');
}

/** The operating systems there are adapters for, in registry order. */
export function guestOses(): GuestOs[] {
  return [...new Set(ADAPTERS.map((adapter) => adapter.os))];
}

/** The adapter `accel: auto` boots to probe KVM. */
export function kvmProbeAdapter(): GuestAdapter & Required<Pick<GuestAdapter, 'kvmProbe'>> {
  const adapter = ADAPTERS.find((a) => a.kvmProbe !== undefined);
  if (!adapter?.kvmProbe) throw new Error('expected a guest adapter with a kvmProbe in harness/guests/registry.ts, got none');
  return adapter as GuestAdapter & Required<Pick<GuestAdapter, 'kvmProbe'>>;
}
