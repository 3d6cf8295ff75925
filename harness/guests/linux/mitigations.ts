import type { ImageSetting } from '../adapter.js';

/**
 * `image.mitigations` of a Linux guest: the kernel's speculative-execution mitigations as it chooses
 * them for the CPU (`default`) or all off (`mitigations=off`), so one config can measure both. What
 * the kernel then did is read in the guest (/sys/devices/system/cpu/vulnerabilities) and recorded.
 */
export const MITIGATIONS_SETTING: ImageSetting = {
  title: '"default" or "off"',
  description:
    "The kernel's speculative-execution mitigations: `default` leaves them as the kernel chooses for the CPU; `off` boots with `mitigations=off`. The state the guest then reports (/sys/devices/system/cpu/vulnerabilities) is in the manifest and the report's terms of comparison. Default `default`.",
  type: 'string',
  pattern: '^(default|off)$',
  default: 'default',
};

/** Kernel command-line words for the setting (none for `default`). */
export function mitigationsWords(setting: string | undefined): string[] {
  return setting === 'off' ? ['mitigations=off'] : [];
}
