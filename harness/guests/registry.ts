import type { GuestOs } from '../config/types.js';
import type { GuestAdapter } from './adapter.js';
import { gnumachAdapter } from './gnumach/adapter.js';
import { linuxAdapter } from './linux/adapter.js';
import { linuxDiskAdapter } from './linux-disk/adapter.js';
import { minixAdapter } from './minix/adapter.js';
import { sel4Adapter } from './sel4/adapter.js';
import { sshTargetAdapter } from './ssh/adapter.js';

const adapters: Record<GuestOs, GuestAdapter> = {
  linux: linuxAdapter,
  sel4: sel4Adapter,
  minix: minixAdapter,
  gnumach: gnumachAdapter,
  'linux-disk': linuxDiskAdapter,
  ssh: sshTargetAdapter,
};

export function adapterFor(os: GuestOs): GuestAdapter {
  return adapters[os];
}
