/**
 * Just enough of MIG to size the messages of the routines the GNU Mach payload builds by hand, from
 * the .defs text of gnumach-dev: a routine's arguments, and for each the bytes it takes in a
 * typed message (a type descriptor, then the data padded to 4 bytes). Only the argument types
 * those routines use are known; any other fails loudly rather than be guessed.
 */

export interface DefsArgument {
  direction: 'in' | 'out';
  name: string;
  type: string;
}

/** The arguments of `routine name(...)` in a .defs text. */
export function routineArguments(defs: string, name: string): DefsArgument[] {
  const match = defs.match(new RegExp(`routine\\s+${name}\\s*\\(([^)]*)\\)\\s*;`));
  if (!match) throw new Error(`expected routine ${name} in the .defs text, found none`);
  return match[1]!
    .split(';')
    .map((a) => a.replace(/\/\*[\s\S]*?\*\//g, '').trim())
    .filter(Boolean)
    .map((a) => {
      const m = a.match(/^(?:(in|out|inout)\s+)?(\w+)\s*:\s*(\w+)/);
      if (!m) throw new Error(`expected "name : type" in routine ${name}, got ${a}`);
      if (m[1] === 'inout') throw new Error(`routine ${name}: inout arguments are not sized here`);
      return { direction: (m[1] ?? 'in') as 'in' | 'out', name: m[2]!, type: m[3]! };
    });
}

/**
 * Body bytes per argument type: 4 for the short type descriptor (12 for the long form), then the
 * data rounded up to 4. Ports are a descriptor and a 4-byte name; an array's size depends on its
 * count, given here for thread_state_t as the i386 thread state's 17 words.
 */
export const TYPE_BYTES: Record<string, number> = {
  task_t: 8,
  thread_t: 8,
  mach_port_t: 8,
  host_t: 8,
  io_perm_t: 8,
  int: 8,
  boolean_t: 8,
  io_port_t: 8, // INTEGER_16: 2 bytes padded to 4
  thread_state_t: 4 + 17 * 4,
  kernel_version_t: 12 + 512, // (MACH_MSG_TYPE_STRING, 512*8): one 4096-bit element, long form
};

const HEADER = 24;
const RETURN_CODE = 8;

function bytes(arg: DefsArgument): number {
  const n = TYPE_BYTES[arg.type];
  if (n === undefined) throw new Error(`no size known for argument ${arg.name} of type ${arg.type}`);
  return n;
}

/** Request: the header (the first argument is its destination port) and every other in argument. */
export function requestBytes(args: readonly DefsArgument[]): number {
  return HEADER + args.slice(1).filter((a) => a.direction === 'in').reduce((sum, a) => sum + bytes(a), 0);
}

/** Reply: the header, the return code, and every out argument. */
export function replyBytes(args: readonly DefsArgument[]): number {
  return HEADER + RETURN_CODE + args.filter((a) => a.direction === 'out').reduce((sum, a) => sum + bytes(a), 0);
}

/** `subsystem routine index id reply-id` lines of gnumach.msgids, by routine. */
export function parseMsgids(text: string): Map<string, { subsystem: string; id: number; replyId: number }> {
  const out = new Map<string, { subsystem: string; id: number; replyId: number }>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 6) continue;
    out.set(f[2]!, { subsystem: f[0]!, id: Number(f[4]), replyId: Number(f[5]) });
  }
  return out;
}

/** kernel_trap(name,number,args) lines of <mach/syscall_sw.h>. */
export function parseTraps(text: string): Map<string, number> {
  return new Map([...text.matchAll(/^kernel_trap\((\w+),(-?\d+),\d+\)/gm)].map((m) => [m[1]!, Number(m[2])]));
}
