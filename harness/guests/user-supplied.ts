import { existsSync } from 'node:fs';
import type { GuestConfig, GuestOs } from '../config/types.js';
import type { Availability, GuestAdapter, PreparedGuest } from './adapter.js';

interface UserSuppliedSpec {
  os: GuestOs;
  title: string;
  /** image keys that must name existing files */
  required: string[];
  /** where the user learns how to make the image */
  docs: string;
  /** set while the payload for this OS is not written yet */
  pending?: string;
}

/**
 * Guests whose images the harness cannot build or download (not packaged anywhere reachable): the
 * user supplies them by path, and a missing one makes the guest skipped, not the run failed.
 */
export function userSuppliedAdapter(spec: UserSuppliedSpec): GuestAdapter {
  return {
    os: spec.os,
    async availability(guest: GuestConfig): Promise<Availability> {
      const missing = spec.required.filter((key) => !guest.image[key] || !existsSync(guest.image[key]));
      if (missing.length > 0) {
        const where = missing.map((key) => `image.${key} (${guest.image[key] ?? 'not set'})`).join(', ');
        return {
          available: false,
          reason: `${spec.title} image not found: ${where}`,
          howTo: `build it as described in ${spec.docs} and set the path in the config`,
        };
      }
      if (spec.pending) return { available: false, reason: `the ${spec.title} payload is not built yet`, howTo: spec.pending };
      return { available: true };
    },
    async prepare(): Promise<PreparedGuest> {
      throw new Error(`expected a ${spec.title} adapter able to boot the image, got none yet: ${spec.pending ?? ''}`);
    },
  };
}
