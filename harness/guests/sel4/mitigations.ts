/**
 * seL4's speculative-execution mitigations are build options, read from the build's gen_config.h
 * (its CMake options in parentheses): the kernel does what it was built to do, whatever the CPU.
 */
const OPTIONS: readonly { config: string; says: string }[] = [
  { config: 'CONFIG_KERNEL_SKIM_WINDOW', says: 'Meltdown: skim window, a minimal kernel mapping while in user mode (KernelSkimWindow)' },
  { config: 'CONFIG_KERNEL_X86_IBRS_BASIC', says: 'Spectre v2: IBRS on kernel entry (KernelX86IBRSMode=ibrs_basic)' },
  { config: 'CONFIG_KERNEL_X86_IBRS_STIBP', says: 'Spectre v2: STIBP (KernelX86IBRSMode=ibrs_stibp)' },
  { config: 'CONFIG_KERNEL_X86_IBRS_ALL', says: 'Spectre v2: enhanced IBRS (KernelX86IBRSMode=ibrs_all)' },
  { config: 'CONFIG_KERNEL_X86_IBPB_ON_CONTEXT_SWITCH', says: 'Spectre v2: IBPB on context switch (KernelX86IBPBOnContextSwitch)' },
  { config: 'CONFIG_KERNEL_X86_RSB_ON_CONTEXT_SWITCH', says: 'return stack buffer filled on context switch (KernelX86RSBOnContextSwitch)' },
];

/** The build's mitigations in words, or that it has none of them. */
export function sel4Mitigations(config: ReadonlyMap<string, string>): string {
  const on = OPTIONS.filter((option) => config.has(option.config)).map((option) => option.says);
  if (on.length > 0) return on.join('; ');
  return 'none: built without the skim window, IBRS, IBPB and RSB filling (KernelSkimWindow, KernelX86IBRSMode, KernelX86IBPBOnContextSwitch, KernelX86RSBOnContextSwitch all off)';
}
