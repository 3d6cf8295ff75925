import type { ConsoleSession } from '../../console/session.js';
import { assignInChunks, MAX_TYPED_LINE, shellQuote, uudecodeLines, type SourceArchive } from './transfer.js';

/** Everything the console steps need; built by the adapter from guests/minix and the config. */
export interface MinixPlan {
  archive: SourceArchive;
  cflags: string;
  serviceCflags: string;
  serviceLibs: string;
  sources: string[];
  serviceSources: string[];
  /** hb.* settings words for the payload. */
  settings: string[];
  timeouts: {
    /** Boot to the login prompt. */
    loginMs: number;
    /** One shell command: typing, transfer, compiling. */
    commandMs: number;
    /** The whole benchmark run; the data channel's own timeout catches a hang sooner. */
    runMs: number;
  };
}

export const WORK_DIR = '/root/hb';
export const SERVICE_LABEL = 'hb_service';
const PROMPT = /# $/;
const STATUS = /hb-rc=(\d+)\r?\n/;

/** A console step that ran but failed, with the step's own output. */
export class MinixStepError extends Error {
  constructor(step: string, detail: string, output: string) {
    super(`MINIX step "${step}" failed: ${detail}${output.trim() ? `\n--- its output ---\n${output.trim()}\n---` : ''}`);
    this.name = 'MinixStepError';
  }
}

async function typeLine(console: ConsoleSession, line: string): Promise<void> {
  if (line.length > MAX_TYPED_LINE || /[\t\x00-\x1f]/.test(line)) {
    throw new Error(`expected a line of at most ${MAX_TYPED_LINE} printable characters to type, got ${line.length}: ${line.slice(0, 60)}…`);
  }
  await console.send(`${line}\n`);
}

/** Runs one command, waits for its exit status and the next prompt; a non-zero status is an error. */
async function run(console: ConsoleSession, step: string, command: string, timeoutMs: number): Promise<string> {
  await typeLine(console, `${command}; echo hb-rc=$?`);
  const match = await console.expect(STATUS, timeoutMs, `the exit status of "${step}"`);
  const output = match.input.slice(0, match.index);
  await console.expect(PROMPT, timeoutMs, `the shell prompt after "${step}"`);
  if (match[1] !== '0') throw new MinixStepError(step, `exit status ${match[1]}`, output);
  return output;
}

/**
 * Logs in as root, types the payload sources over the console, builds the service and the payload
 * in the guest, starts the service and runs the payload, whose records go to the data channel.
 */
export async function driveMinix(console: ConsoleSession, plan: MinixPlan): Promise<void> {
  const { commandMs } = plan.timeouts;
  await console.expect(/login:\s*$/, plan.timeouts.loginMs, 'the MINIX login prompt');
  await typeLine(console, 'root');
  await console.expect(PROMPT, commandMs, 'the root shell prompt after logging in');
  // /etc/shrc turns on line editing, which redraws long lines and eats tabs; plain canonical input echoes what is typed.
  await run(console, 'line editing off', 'set +o emacs', commandMs);
  await run(console, 'work directory', `rm -rf ${WORK_DIR} && mkdir -p ${WORK_DIR} && cd ${WORK_DIR}`, commandMs);

  const [command, ...body] = uudecodeLines(plan.archive.data, `${WORK_DIR}/src.tgz`);
  await typeLine(console, command!);
  for (const line of body) {
    // The tty drops type-ahead past 256 characters: type each line only after the shell took the last.
    await console.expect(/> $/, commandMs, 'the here-document prompt while sending the sources');
    await typeLine(console, line);
  }
  const decoded = await console.expect(STATUS, commandMs, 'the exit status of uudecode');
  await console.expect(PROMPT, commandMs, 'the shell prompt after uudecode');
  if (decoded[1] !== '0') throw new MinixStepError('send sources', `uudecode exit status ${decoded[1]}`, decoded.input.slice(0, decoded.index));
  const sum = await run(console, 'checksum sources', `cksum -a sha256 -q ${WORK_DIR}/src.tgz`, commandMs);
  const got = sum.match(/\b[0-9a-f]{64}\b/)?.[0];
  if (got !== plan.archive.sha256) {
    throw new MinixStepError('checksum sources', `expected SHA-256 ${plan.archive.sha256} of the sent archive, got ${got ?? 'none'} (lines lost on the console?)`, sum);
  }
  await run(console, 'unpack sources', 'gzip -dc src.tgz | tar -xf -', commandMs);

  for (const line of assignInChunks('F', plan.cflags.split(/\s+/))) await run(console, 'compiler flags', line, commandMs);
  await run(console, 'build service', `cc $F ${plan.serviceCflags} -o ${SERVICE_LABEL} ${plan.serviceSources.join(' ')} ${plan.serviceLibs}`, commandMs);
  for (const line of assignInChunks('S', plan.sources)) await run(console, 'source list', line, commandMs);
  await run(console, 'build payload', `cc $F -DHB_CFLAGS="\\"$F\\"" -o hb_minix $S`, commandMs);
  await run(console, 'start service', `minix-service up ${WORK_DIR}/${SERVICE_LABEL} -config ${WORK_DIR}/minix/${SERVICE_LABEL}.conf`, commandMs);
  await run(console, 'run payload', `./hb_minix ${plan.settings.map(shellQuote).join(' ')} hb.data=/dev/tty01`, plan.timeouts.runMs);
  await typeLine(console, 'poweroff');
}
