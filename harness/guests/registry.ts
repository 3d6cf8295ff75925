import type { GuestOs } from '../config/types.js';
import type { GuestAdapter } from './adapter.js';
import { linuxAdapter } from './linux/adapter.js';
import { sel4Adapter } from './sel4/adapter.js';
import { userSuppliedAdapter } from './user-supplied.js';

const adapters: Record<GuestOs, GuestAdapter> = {
  linux: linuxAdapter,
  sel4: sel4Adapter,
  minix: userSuppliedAdapter({
    os: 'minix',
    title: 'MINIX 3',
    required: ['disk'],
    docs: 'docs/guests/minix.md',
    pending: 'the MINIX 3 payload is tracked as the MINIX guest issue; until it lands this guest is skipped',
  }),
};

export function adapterFor(os: GuestOs): GuestAdapter {
  return adapters[os];
}
