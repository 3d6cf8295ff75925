// A stand-in for qemu-system-x86_64 that plays a hostile or broken guest: it parses the argv the
// harness builds (harness/qemu/argv.ts), serves QMP on the -qmp socket (greeting, qmp_capabilities,
// query-cpus-fast, cont, quit), and once the guest is continued writes the bytes its plan names to
// the console and data chardev files, then exits or hangs until killed. Plain JavaScript, so it
// starts without the TypeScript loader. The plan is JSON in the file $FAKE_QEMU_PLAN (see
// test/support/fake-qemu/index.ts, which writes it together with a wrapper named like QEMU).
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';

const argv = process.argv.slice(2);
const planFile = process.env.FAKE_QEMU_PLAN;
const plan = planFile ? JSON.parse(readFileSync(planFile, 'utf8')) : {};
if (plan.log) appendFileSync(plan.log, `${JSON.stringify({ pid: process.pid, argv })}\n`);

if (argv.includes('--version')) {
  process.stdout.write(`${plan.version ?? 'QEMU emulator version 7.2.0 (fake-qemu for tests)'}\nCopyright (c) fake\n`);
  process.exit(0);
}

/** QEMU option values: key=value pairs split at single commas, ',,' being a literal comma. */
function options(value) {
  const parts = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === ',' && value[i + 1] === ',') {
      current += ',';
      i++;
    } else if (value[i] === ',') {
      parts.push(current);
      current = '';
    } else {
      current += value[i];
    }
  }
  parts.push(current);
  const [kind, ...rest] = parts;
  return { kind, ...Object.fromEntries(rest.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) };
}

const chardevs = new Map();
let qmpPath;
let kernel;
let smp = 1;
let paused = false;
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '-chardev') {
    const o = options(argv[++i]);
    chardevs.set(o.id, o);
  } else if (arg === '-qmp') {
    const o = options(argv[++i]);
    qmpPath = o.kind.replace(/^unix:/, '');
  } else if (arg === '-kernel') {
    kernel = argv[++i];
  } else if (arg === '-smp') {
    smp = Number(argv[++i]);
  } else if (arg === '-S') {
    paused = true;
  }
}

// QEMU creates (and truncates) its file chardevs at start, before the guest runs.
const files = {};
for (const [id, o] of chardevs) {
  const path = o.kind === 'file' ? o.path : o.logfile;
  if (path) files[id] = openSync(path, 'w');
}

/** Bytes of one source, produced a slice at a time so a 100 MB source never sits in memory. */
function* slices(source) {
  const SLICE = 1 << 20;
  if (source.text !== undefined) yield Buffer.from(source.text, 'latin1');
  else if (source.base64 !== undefined) yield Buffer.from(source.base64, 'base64');
  else if (source.file !== undefined) yield readFileSync(source.file);
  else if (source.repeat !== undefined) {
    const unit = Buffer.from(source.repeat, 'latin1');
    const block = Buffer.alloc(Math.min(SLICE, source.bytes), unit);
    for (let left = source.bytes; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
  } else if (source.random !== undefined) {
    let x = (source.seed ?? 1) >>> 0 || 1;
    for (let left = source.random; left > 0; left -= SLICE) {
      const block = Buffer.alloc(Math.min(SLICE, left));
      for (let k = 0; k < block.length; k++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        block[k] = x & 0xff;
      }
      yield block;
    }
  } else throw new Error(`fake-qemu: unknown source ${JSON.stringify(source)}`);
}

let running = false;
function run() {
  if (running) return;
  running = true;
  for (const step of plan.writes ?? []) {
    const fd = files[step.to];
    if (fd === undefined) throw new Error(`fake-qemu: no chardev '${step.to}' in argv`);
    for (const slice of slices(step)) writeSync(fd, slice);
  }
  for (const fd of Object.values(files)) closeSync(fd);
  // Written at start, the guest still 'powers off' only once continued.
  if ((plan.then ?? 'exit') === 'exit' && plan.when !== 'start') quit(plan.exitCode ?? 0);
}

function quit(code) {
  if (qmpPath) rmSync(qmpPath, { force: true });
  process.exit(code);
}

// when: 'start' writes everything before QMP even answers, so the harness's first read finds it all
// (the worst case: a guest that writes faster than the harness polls).
if (plan.when === 'start') run();

// As QEMU does (Node would silently truncate the path instead).
if (qmpPath && Buffer.byteLength(qmpPath) > 107) {
  process.stderr.write(`qemu-system-x86_64: -qmp unix:${qmpPath}: UNIX socket path '${qmpPath}' is too long\n`);
  process.exit(1);
}

// kernelVanishes: the kernel file is deleted as QEMU starts (a cache removed mid-run); like QEMU,
// which opens it after its monitor is up, the fake then dies once a client connects, without answering.
if (plan.kernelVanishes && kernel) rmSync(kernel, { force: true });

if (qmpPath) {
  const server = createServer((socket) => {
    if (plan.kernelVanishes && kernel && !existsSync(kernel)) {
      process.stderr.write(`qemu-system-x86_64: could not open kernel file '${kernel}': No such file or directory\n`);
      process.exit(1);
    }
    socket.setEncoding('utf8');
    socket.write(`${JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 }, package: 'fake' }, capabilities: [] } })}\r\n`);
    let buffered = '';
    socket.on('data', (text) => {
      buffered += text;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const { execute, id } = JSON.parse(line);
        const reply = (body) => socket.write(`${JSON.stringify({ ...body, id })}\r\n`);
        if (execute === 'qmp_capabilities') reply({ return: {} });
        else if (execute === 'query-cpus-fast') {
          // The main thread stands in for every vCPU thread (its tid is the pid).
          reply({ return: Array.from({ length: smp }, (_, k) => ({ 'cpu-index': k, 'thread-id': process.pid, target: 'x86_64' })) });
        } else if (execute === 'cont') {
          reply({ return: {} });
          if (plan.when === 'start') {
            if ((plan.then ?? 'exit') === 'exit') setTimeout(() => quit(plan.exitCode ?? 0), plan.exitDelayMs ?? 50);
          } else setImmediate(run);
        } else if (execute === 'quit') {
          reply({ return: {} });
          setImmediate(() => quit(0));
        } else reply({ error: { class: 'CommandNotFound', desc: `The command ${execute} has not been found` } });
      }
    });
    socket.on('error', () => {});
  });
  server.listen(qmpPath);
}
if (!paused) setImmediate(run);
// 'hang': the QMP server keeps the process alive until the harness kills it.
if (!qmpPath && (plan.then ?? 'exit') === 'hang') setInterval(() => {}, 1 << 30);
