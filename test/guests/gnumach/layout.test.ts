import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { freestandingIncludeFlags } from '../../../harness/guests/gnumach/payload.js';
import { fetchGnuMachPackages } from '../../../harness/guests/gnumach/packages.js';
import { guestsDir, projectRoot } from '../../../harness/paths.js';
import { parseMsgids, parseTraps, replyBytes, requestBytes, routineArguments } from './mig.js';

/**
 * The payload builds its kernel messages by hand (guests/gnumach/rpc.h, mach.h). Here they are
 * held against GNU Mach's own interface, from Debian's i386 gnumach-dev (headers, .defs) and
 * gnumach-common (gnumach.msgids), downloaded once into the checkout's cache as the guest's
 * kernel is: message ids, trap numbers, constants, struct layouts and each message's size as MIG
 * would lay it out from the routine's .defs declaration.
 */

interface Routine {
  name: string;
  defs: string;
  request: string;
  reply: string;
  msgid: string;
}

const ROUTINES: Routine[] = [
  { name: 'task_create', defs: 'mach/mach.defs', request: 'hb_task_create_request', reply: 'hb_rpc_reply_port', msgid: 'HB_MSGID_TASK_CREATE' },
  { name: 'task_terminate', defs: 'mach/mach.defs', request: 'hb_rpc_request_target', reply: 'hb_rpc_reply_ret', msgid: 'HB_MSGID_TASK_TERMINATE' },
  { name: 'thread_terminate', defs: 'mach/mach.defs', request: 'hb_rpc_request_target', reply: 'hb_rpc_reply_ret', msgid: 'HB_MSGID_THREAD_TERMINATE' },
  { name: 'thread_set_state', defs: 'mach/mach.defs', request: 'hb_thread_set_state_request', reply: 'hb_rpc_reply_ret', msgid: 'HB_MSGID_THREAD_SET_STATE' },
  { name: 'thread_create', defs: 'mach/mach.defs', request: 'hb_rpc_request_target', reply: 'hb_rpc_reply_port', msgid: 'HB_MSGID_THREAD_CREATE' },
  { name: 'thread_resume', defs: 'mach/mach.defs', request: 'hb_rpc_request_target', reply: 'hb_rpc_reply_ret', msgid: 'HB_MSGID_THREAD_RESUME' },
  { name: 'host_kernel_version', defs: 'mach/mach_host.defs', request: 'hb_rpc_request_target', reply: 'hb_host_kernel_version_reply', msgid: 'HB_MSGID_HOST_KERNEL_VERSION' },
  { name: 'i386_io_perm_create', defs: 'mach/i386/mach_i386.defs', request: 'hb_io_perm_create_request', reply: 'hb_rpc_reply_port', msgid: 'HB_MSGID_I386_IO_PERM_CREATE' },
  { name: 'i386_io_perm_modify', defs: 'mach/i386/mach_i386.defs', request: 'hb_io_perm_modify_request', reply: 'hb_rpc_reply_ret', msgid: 'HB_MSGID_I386_IO_PERM_MODIFY' },
];

/** Our trap macros and the name each has in <mach/syscall_sw.h>. */
const TRAPS: Record<string, string> = {
  HB_TRAP_MACH_MSG: 'mach_msg_trap',
  HB_TRAP_MACH_REPLY_PORT: 'mach_reply_port',
  HB_TRAP_MACH_THREAD_SELF: 'mach_thread_self',
  HB_TRAP_MACH_TASK_SELF: 'mach_task_self',
  HB_TRAP_MACH_HOST_SELF: 'mach_host_self',
  HB_TRAP_MACH_PRINT: 'mach_print',
  HB_TRAP_SWTCH: 'swtch',
  HB_TRAP_THREAD_SWITCH: 'thread_switch',
  HB_TRAP_VM_ALLOCATE: 'syscall_vm_allocate',
  HB_TRAP_VM_DEALLOCATE: 'syscall_vm_deallocate',
  HB_TRAP_MACH_PORT_DEALLOCATE: 'syscall_mach_port_deallocate',
  HB_TRAP_MACH_PORT_INSERT_RIGHT: 'syscall_mach_port_insert_right',
};

/** Our constants and the official ones they must equal. */
const CONSTANTS: Record<string, string> = {
  HB_MSG_TYPE_BOOLEAN: 'MACH_MSG_TYPE_BOOLEAN',
  HB_MSG_TYPE_INTEGER_16: 'MACH_MSG_TYPE_INTEGER_16',
  HB_MSG_TYPE_INTEGER_32: 'MACH_MSG_TYPE_INTEGER_32',
  HB_MSG_TYPE_CHAR: 'MACH_MSG_TYPE_CHAR',
  HB_MSG_TYPE_STRING: 'MACH_MSG_TYPE_STRING',
  HB_MSG_TYPE_MOVE_RECEIVE: 'MACH_MSG_TYPE_MOVE_RECEIVE',
  HB_MSG_TYPE_MOVE_SEND: 'MACH_MSG_TYPE_MOVE_SEND',
  HB_MSG_TYPE_MOVE_SEND_ONCE: 'MACH_MSG_TYPE_MOVE_SEND_ONCE',
  HB_MSG_TYPE_COPY_SEND: 'MACH_MSG_TYPE_COPY_SEND',
  HB_MSG_TYPE_MAKE_SEND: 'MACH_MSG_TYPE_MAKE_SEND',
  HB_MSG_TYPE_MAKE_SEND_ONCE: 'MACH_MSG_TYPE_MAKE_SEND_ONCE',
  HB_MSG_TYPE_PORT_SEND: 'MACH_MSG_TYPE_PORT_SEND',
  HB_MSGH_BITS_COMPLEX: 'MACH_MSGH_BITS_COMPLEX',
  'HB_MSGH_BITS(19, 21)': 'MACH_MSGH_BITS(19, 21)',
  HB_SEND_MSG: 'MACH_SEND_MSG',
  HB_RCV_MSG: 'MACH_RCV_MSG',
  HB_MSG_SUCCESS: 'MACH_MSG_SUCCESS',
  HB_KERN_INVALID_ARGUMENT: 'KERN_INVALID_ARGUMENT',
  HB_PORT_RIGHT_RECEIVE: 'MACH_PORT_RIGHT_RECEIVE',
  HB_SWITCH_OPTION_NONE: 'SWITCH_OPTION_NONE',
  HB_I386_THREAD_STATE: 'i386_THREAD_STATE',
  HB_I386_THREAD_STATE_COUNT: 'i386_THREAD_STATE_COUNT',
};

const STATE_FIELDS = ['gs', 'fs', 'es', 'ds', 'edi', 'esi', 'ebp', 'esp', 'ebx', 'edx', 'ecx', 'eax', 'eip', 'cs', 'efl', 'uesp', 'ss'];

/** A type descriptor as both headers spell it, emitted as data so the bytes can be compared. */
const TYPE_SAMPLES = ['2, 32, 17, 1, 0, 0, 0', '18, 32, 1, 1, 0, 0, 0', '1, 16, 1, 1, 0, 0, 0', '0, 32, 1, 0, 1, 1, 0'];

describe('@host GNU Mach message layouts against gnumach-dev', function () {
  this.timeout(10 * 60_000);
  let include: string;
  let msgids: ReturnType<typeof parseMsgids>;
  let ours: string;
  let work: string;

  before(async () => {
    const [dev, common] = await fetchGnuMachPackages(join(projectRoot, '.cache'), ['gnumach-dev', 'gnumach-common']);
    include = join(dev!.root, 'usr', 'include', 'i386-linux-gnu');
    msgids = parseMsgids(await readFile(join(common!.root, 'usr', 'share', 'msgids', 'gnumach.msgids'), 'utf8'));
    ours = (await readFile(join(guestsDir, 'gnumach', 'rpc.h'), 'utf8')) + (await readFile(join(guestsDir, 'gnumach', 'mach.h'), 'utf8'));
    work = await mkdtemp(join(tmpdir(), 'hb-gnumach-layout-'));
  });
  after(() => rm(work, { recursive: true, force: true }));

  function define(name: string): number {
    const m = ours.match(new RegExp(`^#define ${name} \\(?(-?\\d+)\\)?`, 'm'));
    if (!m) throw new Error(`expected #define ${name} in guests/gnumach`);
    return Number(m[1]);
  }

  /** Compiles `body` as 32-bit C against gnumach-dev and ours; returns the assembly. */
  async function compile(body: string): Promise<string> {
    const file = join(work, 'check.c');
    await writeFile(file, `#include <stddef.h>\n#include <mach/message.h>\n#include <mach/port.h>\n#include <mach/thread_switch.h>\n#include <mach/i386/thread_status.h>\n#include "rpc.h"\n${body}\n`);
    const { stdout } = await execa('gcc', ['-m32', '-std=gnu11', '-Werror', '-ffreestanding', ...(await freestandingIncludeFlags()), '-I', include, '-I', join(guestsDir, 'gnumach'), '-S', '-o', '-', file]);
    return stdout;
  }

  it('uses the message ids gnumach.msgids gives each routine, and replies at id + 100', () => {
    for (const r of ROUTINES) {
      const official = msgids.get(r.name);
      expect(official, r.name).to.not.equal(undefined);
      expect(define(r.msgid), r.name).to.equal(official!.id);
      expect(define(r.msgid) + define('HB_MSGID_REPLY_OFFSET'), `${r.name} reply`).to.equal(official!.replyId);
    }
  });

  it('uses the trap numbers of <mach/syscall_sw.h>', async () => {
    const traps = parseTraps(await readFile(join(include, 'mach', 'syscall_sw.h'), 'utf8'));
    for (const [macro, name] of Object.entries(TRAPS)) expect(define(macro), name).to.equal(traps.get(name));
    // syscall.null.invalidtrap's number: no trap of the header has it.
    expect([...traps.values()]).to.not.include(define('HB_TRAP_UNASSIGNED'));
  });

  it('sizes each request and reply as MIG lays out the routine declared in the .defs', async () => {
    const defsTypes = await readFile(join(include, 'mach', 'mach_types.defs'), 'utf8');
    const i386Defs = await readFile(join(include, 'mach', 'i386', 'mach_i386.defs'), 'utf8');
    // The premises of mig.ts's TYPE_BYTES, as the .defs declare the types.
    expect(i386Defs).to.match(/type\s+io_port_t\s*=\s*MACH_MSG_TYPE_INTEGER_16;/);
    expect(defsTypes).to.match(/type\s+kernel_version_t\s*=\s*\(MACH_MSG_TYPE_STRING,\s*512\*8\);/);
    expect(defsTypes).to.match(/type\s+thread_state_t\s*=\s*array\[\*:1024\]\s*of\s*natural_t;/);
    const asserts: string[] = [];
    for (const r of ROUTINES) {
      const args = routineArguments(await readFile(join(include, r.defs), 'utf8'), r.name);
      asserts.push(`_Static_assert(sizeof(struct ${r.request}) == ${requestBytes(args)}, "${r.name} request");`);
      asserts.push(`_Static_assert(sizeof(struct ${r.reply}) == ${replyBytes(args)}, "${r.name} reply");`);
    }
    await compile(asserts.join('\n'));
  });

  it('has the header, type descriptor and i386 thread state of <mach/message.h> and <mach/i386/thread_status.h>', async () => {
    const asserts = [
      '_Static_assert(sizeof(struct hb_msg_header) == sizeof(mach_msg_header_t), "header");',
      ...[['bits', 'msgh_bits'], ['size', 'msgh_size'], ['remote', 'msgh_remote_port'], ['local', 'msgh_local_port'], ['seqno', 'msgh_seqno'], ['id', 'msgh_id']].map(
        ([a, b]) => `_Static_assert(offsetof(struct hb_msg_header, ${a}) == offsetof(mach_msg_header_t, ${b}), "${b}");`,
      ),
      '_Static_assert(sizeof(struct hb_msg_type) == sizeof(mach_msg_type_t), "type");',
      '_Static_assert(sizeof(struct hb_msg_type_long) == sizeof(mach_msg_type_long_t), "long type");',
      '_Static_assert(offsetof(struct hb_msg_type_long, name) == offsetof(mach_msg_type_long_t, msgtl_name), "msgtl_name");',
      '_Static_assert(offsetof(struct hb_msg_type_long, size) == offsetof(mach_msg_type_long_t, msgtl_size), "msgtl_size");',
      '_Static_assert(offsetof(struct hb_msg_type_long, number) == offsetof(mach_msg_type_long_t, msgtl_number), "msgtl_number");',
      '_Static_assert(sizeof(struct hb_i386_thread_state) == sizeof(struct i386_thread_state), "state");',
      ...STATE_FIELDS.map((f) => `_Static_assert(offsetof(struct hb_i386_thread_state, ${f}) == offsetof(struct i386_thread_state, ${f}), "${f}");`),
      ...Object.entries(CONSTANTS).map(([a, b]) => `_Static_assert((${a}) == (${b}), "${a}");`),
    ];
    const data = TYPE_SAMPLES.flatMap((init, i) => [`const mach_msg_type_t official_${i} = { ${init} };`, `const struct hb_msg_type ours_${i} = { ${init} };`]);
    const asm = await compile([...asserts, ...data].join('\n'));
    // The data directives gcc emits after the label (.byte/.value/.long/.zero), i.e. the bytes.
    const word = (symbol: string) => asm.match(new RegExp(`^${symbol}:\\n((?:\\s+\\.(?:byte|value|long|zero)\\s+\\S+\\n)+)`, 'm'))?.[1];
    for (let i = 0; i < TYPE_SAMPLES.length; i++) {
      expect(word(`official_${i}`), TYPE_SAMPLES[i]).to.be.a('string');
      expect(word(`ours_${i}`), TYPE_SAMPLES[i]).to.equal(word(`official_${i}`));
    }
  });
});
