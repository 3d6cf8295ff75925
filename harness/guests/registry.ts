import type { GuestOs } from '../config/types.js';
import type { GuestAdapter } from './adapter.js';
import { linuxAdapter } from './linux/adapter.js';
import { userSuppliedAdapter } from './user-supplied.js';

const adapters: Record<GuestOs, GuestAdapter> = {
  linux: linuxAdapter,
  sel4: userSuppliedAdapter({
    os: 'sel4',
    title: 'seL4',
    required: ['kernel'],
    docs: 'docs/guests/sel4.md',
    pending: 'the seL4 root-task payload is tracked as the seL4 guest issue; until it lands this guest is skipped',
  }),
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
