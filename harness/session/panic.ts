/**
 * Signs on a console that the guest's kernel panicked, so a guest that dies this way is reported
 * as having panicked rather than only as stopping or going silent. Linux prints
 * "Kernel panic - not syncing: REASON" (and repeats it in its "---[ end Kernel panic ..." line).
 */
const PANIC_LINES: RegExp[] = [/Kernel panic - not syncing: ?([^\r\n]*)/];

/** The panic line of a console's text, e.g. "Kernel panic - not syncing: sysrq triggered crash"; undefined when none. */
export function panicIn(console: string): string | undefined {
  for (const pattern of PANIC_LINES) {
    const match = pattern.exec(console);
    if (match) return match[0].replace(/\s*\]---\s*$/, '').trim();
  }
  return undefined;
}
