// A real single-node Slurm for the tests (Debian 12's slurmctld, slurmd, slurm-client and munge,
// which scripts/setup.sh installs), private to one temporary directory:
//   - munged -F with its own key (made here, mode 0400), socket, pid, log and seed files, so it can
//     never meet the system's munge;
//   - slurm.conf naming that socket (AuthInfo=socket=...) for the daemons and the clients alike,
//     the controller on 127.0.0.1 and one node, this machine under its short hostname with
//     NodeAddr=127.0.0.1, on two TCP ports that were free (so two clusters, or a system Slurm,
//     do not clash), state, spool, pid and log files all in the directory;
//   - slurmctld -D and slurmd -D in the foreground, as root (SlurmUser=SlurmdUser=root).
// `env` is what the clients need to reach it (SLURM_CONF). `stop()` cancels every job, ends the
// daemons (SIGTERM, then SIGKILL after a grace), waits until each process is gone, and removes the
// directory.
//
// Nothing outlives the test process, however it ends: every daemon runs under
// `setpriv --pdeathsig SIGKILL` (see harness/qemu/process.ts), so the kernel kills it when this
// process dies. slurmd and slurmctld run in a PID namespace of their own
// (`unshare --pid --mount-proc --kill-child`) under a small sh that reaps orphans and passes
// SIGTERM on: slurmd's job steps (slurmstepd double-forks away from slurmd) and the job processes
// under them stay inside that namespace, and the kernel kills all of them when its first process
// ends. ProctrackType=proctrack/linuxproc reads the namespace's own /proc, so Slurm's view of the
// step's processes (and of the pids it signals) stays consistent. Where PID namespaces cannot be
// made (a container without CAP_SYS_ADMIN), the daemons run without one: stop() still finds and
// ends every process of the cluster, but a SIGKILLed test process may leave job steps behind.
//
// What jobs see (slurm.conf below): no slurmdbd, so `sacct` fails ("Slurm accounting storage is
// disabled"); finished jobs stay in `squeue --states=all` and `scontrol show job` for MinJobAge
// (an hour) and are appended to `jobcompLog`. Jobs get whole cores (CR_Core) and are bound to them
// (task/affinity); --exclusive gets every CPU. A trivial job takes about a second from sbatch to
// COMPLETED (the scheduler's one-second tick; Slurm's default batch_sched_delay would make it 3 s).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { freePort } from './sshd.js';

export interface SlurmCluster {
  /** process.env (less any SLURM_ or S*_ client variables) plus SLURM_CONF: for sbatch, squeue, scancel, scontrol, sinfo. */
  env: NodeJS.ProcessEnv;
  /** The one partition (Default=YES, MaxTime=INFINITE). */
  partition: string;
  /** The one node: this machine's short hostname, as `slurmd -C` reports it. */
  node: string;
  /** CPUs the node offers. */
  cpus: number;
  /** The cluster's temporary directory (slurm.conf, munge key and socket, state, spool, logs). */
  dir: string;
  /** Its slurm.conf. */
  conf: string;
  /** The job completion log (JobCompType=jobcomp/filetxt): one line per finished job, with JobState and ExitCode. */
  jobcompLog: string;
  /** Every live process of this cluster: the daemons, slurmstepd, the jobs' processes (see clusterProcesses). */
  processes(): ClusterProcess[];
  /** Cancels every job, ends the daemons and every process left, removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ClusterProcess {
  pid: number;
  /** /proc/PID/comm: munged, unshare, sh, slurmctld, slurmd, slurmstepd, or a job's program. */
  comm: string;
  args: string;
}

const DAEMONS = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'slurmstepd'];
const CLIENTS = ['sbatch', 'squeue', 'scancel', 'scontrol', 'sinfo', 'munge'];
const UTIL_LINUX = ['setpriv', 'unshare'];

function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Undefined when a cluster can be started here, else why not (for `this.skip()`). */
export function slurmAvailable(): string | undefined {
  const missing = [...DAEMONS, ...CLIENTS, ...UTIL_LINUX].filter((name) => !which(name));
  if (missing.length > 0) {
    return `expected ${missing.join(', ')} on PATH or in /usr/sbin (Debian packages slurmctld, slurmd, slurm-client, munge, util-linux; scripts/setup.sh installs them)`;
  }
  if (process.getuid?.() !== 0) return 'a test Slurm cluster runs its daemons as root (SlurmdUser=root), and this process is not root';
  return undefined;
}

/** What `slurmd -C` reports for this machine: NodeName=vm CPUs=2 Boards=1 ... RealMemory=24105. */
async function hardware(): Promise<Record<string, string>> {
  const { stdout } = await execa(which('slurmd') ?? 'slurmd', ['-C']);
  const line = stdout.split('\n').find((l) => l.startsWith('NodeName='));
  if (!line) throw new Error(`expected a NodeName= line from slurmd -C, got:\n${stdout}`);
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((field) => field.split('=', 2) as [string, string]),
  );
}

function readProc(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined;
  }
}

/** In the environment of the daemons (and so of slurmscriptd and slurmstepd): the cluster's directory. */
const CLUSTER_ENV = 'HB_SLURM_CLUSTER';

/** Processes that slurmctld and slurmd start with SLURM_CONF alone of their environment. */
const HELPERS = new Set(['slurmscriptd', 'slurmstepd']);

/**
 * Every live process that belongs to the cluster in `dir`: a daemon (its environment carries
 * HB_SLURM_CLUSTER=<dir>, or its command line mentions `dir`), slurmscriptd or slurmstepd with
 * SLURM_CONF=<dir>/slurm.conf, a job's process (that SLURM_CONF and a SLURM_JOB_ID: slurmstepd sets
 * both), or one that holds a file under `dir` open (slurmstepd has slurmd's log). Clients run with
 * `env` (sbatch, squeue, a harness submitting jobs) are not the cluster's. Zombies are not counted.
 */
export function clusterProcesses(dir: string): ClusterProcess[] {
  const daemon = `\0${CLUSTER_ENV}=${dir}\0`;
  const conf = `\0SLURM_CONF=${join(dir, 'slurm.conf')}\0`;
  const found: ClusterProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const status = readProc(name, 'status');
    if (!status || /^State:\s+Z/m.test(status)) continue;
    const args = (readProc(name, 'cmdline') ?? '').replace(/\0+$/, '').replace(/\0/g, ' ');
    const environ = `\0${readProc(name, 'environ') ?? ''}`;
    const comm = (readProc(name, 'comm') ?? '?').trim();
    let mine = args.includes(dir) || environ.includes(daemon) || (environ.includes(conf) && (HELPERS.has(comm) || environ.includes('\0SLURM_JOB_ID=')));
    if (!mine) {
      try {
        mine = readdirSync(`/proc/${name}/fd`).some((fd) => {
          try {
            return readlinkSync(`/proc/${name}/fd/${fd}`).startsWith(`${dir}/`);
          } catch {
            return false;
          }
        });
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    if (mine) found.push({ pid: Number(name), comm, args });
  }
  return found;
}

function alive(pid: number): boolean {
  const status = readProc(String(pid), 'status');
  return status !== undefined && !/^State:\s+Z/m.test(status);
}

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function tail(file: string, lines = 30): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(none)';
  }
}

/**
 * The sh that is the first process of a daemon's PID namespace: it starts the daemon, passes
 * SIGTERM/SIGINT/SIGHUP on to it, reaps every orphan reparented to it (the slurmstepds) while it
 * waits, and exits with the daemon's status. When it ends, the kernel kills whatever is left in
 * the namespace.
 */
const NAMESPACE_INIT =
  '"$@" & child=$!; trap \'kill -TERM $child 2>/dev/null\' TERM INT HUP; while :; do wait $child; rc=$?; kill -0 $child 2>/dev/null || break; done; exit $rc';

let namespaces: boolean | undefined;

/** Whether this process may make PID and mount namespaces (probed once). */
function namespacesWork(): boolean {
  if (namespaces === undefined) {
    try {
      execFileSync('unshare', ['--pid', '--mount', '--fork', '--mount-proc', '--kill-child=SIGKILL', 'true'], { stdio: 'ignore', timeout: 10_000 });
      namespaces = true;
    } catch {
      namespaces = false;
    }
  }
  return namespaces;
}

class Daemon {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Whether it runs in a PID namespace of its own (asked for, and possible here). */
  readonly namespace: boolean;
  exit: string | undefined;

  constructor(
    readonly name: string,
    argv: string[],
    readonly stderrFile: string,
    env: NodeJS.ProcessEnv,
    namespace: boolean,
  ) {
    this.namespace = namespace && namespacesWork();
    const command = this.namespace
      ? [
          'setpriv',
          '--pdeathsig',
          'SIGKILL',
          '--',
          'unshare',
          '--pid',
          '--mount',
          '--fork',
          '--mount-proc',
          '--kill-child=SIGKILL',
          'sh',
          '-c',
          NAMESPACE_INIT,
          name,
          ...argv,
        ]
      : ['setpriv', '--pdeathsig', 'SIGKILL', '--', ...argv];
    const fd = openSync(stderrFile, 'a');
    try {
      // Its own session (a Ctrl-C at the terminal reaches only mocha, which stops the cluster); unref'd
      // so a cluster nobody stopped does not keep mocha alive: the parent-death signal ends it then.
      this.child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    this.child.unref();
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, sig) => {
        this.exit = sig ? `signal ${sig}` : `exit code ${code}`;
        resolve();
      }),
    );
    this.child.once('error', (error) => {
      this.exit = `spawn error: ${error.message}`;
    });
  }

  get running(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * The process to send SIGTERM to: the daemon itself, or (in a namespace, where `unshare` blocks
   * SIGTERM) the namespace's sh, which passes it on.
   */
  private termTarget(): number | undefined {
    const pid = this.child.pid;
    if (pid === undefined || !this.namespace) return pid;
    for (const name of readdirSync('/proc')) {
      const stat = readProc(name, 'stat');
      if (stat && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(name);
    }
    return undefined;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process (and with it its namespace) is gone. */
  async stop(graceMs: number): Promise<void> {
    if (this.running) {
      // Held by its exit now (the timers below are not: a daemon that ends at once lets mocha exit at once).
      this.child.ref();
      signal(this.termTarget(), 'SIGTERM');
      await Promise.race([this.exited, sleep(graceMs, undefined, { ref: false })]);
      // SIGKILL to unshare kills the namespace's sh (--kill-child), which ends the namespace.
      if (this.running) signal(this.child.pid, 'SIGKILL');
      await Promise.race([this.exited, sleep(10_000, undefined, { ref: false })]);
    }
    if (this.running) throw new Error(`expected ${this.name} (pid ${this.child.pid}) to exit after SIGKILL, it is still there`);
  }
}

function clientEnv(conf: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Options from an enclosing Slurm job or the user's shell would steer the clients (SBATCH_*,
    // SQUEUE_FORMAT, SLURM_JOB_ID, ...): none of them belong to this cluster.
    if (/^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SINFO|SCONTROL|SCANCEL|SACCT)_/.test(key)) continue;
    env[key] = value;
  }
  env.SLURM_CONF = conf;
  return env;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, failed: () => Promise<string | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const why = await failed();
    if (why) throw new Error(`expected ${what}, but ${why}`);
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface SlurmClusterOptions {
  /** CPUs the node offers (default: all that `slurmd -C` finds). More than the machine has is allowed (SlurmdParameters=config_overrides). */
  cpus?: number;
  /** How long start may take before it fails, quoting the daemons' logs (default 60 s). */
  timeoutMs?: number;
}

export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  const reason = slurmAvailable();
  if (reason) throw new Error(reason);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const hw = await hardware();
  const node = hw.NodeName!;
  // munged wants execute permission for all on its socket's directory.
  const dir = await mkdtemp(join(tmpdir(), 'hb-slurm-'));
  await chmod(dir, 0o755);
  const conf = join(dir, 'slurm.conf');
  const env = clientEnv(conf);
  const daemons: Daemon[] = [];
  let stopped = false;

  const stopAll = async (): Promise<void> => {
    // slurmd first (its namespace takes any job step still there with it), then the controller, then munge.
    const failures: string[] = [];
    for (const daemon of [...daemons].reverse()) {
      try {
        await daemon.stop(10_000);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    // Anything else of the cluster's (nothing, when the namespaces did their work).
    const deadline = Date.now() + 10_000;
    let left = clusterProcesses(dir);
    while (left.length > 0 && Date.now() < deadline) {
      for (const p of left) signal(p.pid, 'SIGKILL');
      await sleep(100);
      left = clusterProcesses(dir).filter((p) => alive(p.pid));
    }
    if (left.length > 0) failures.push(`processes of the cluster still there after SIGKILL: ${left.map((p) => `${p.pid} ${p.args}`).join('; ')}`);
    if (failures.length > 0) throw new Error(failures.join('\n'));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    for (const sub of ['state', 'spool']) await mkdir(join(dir, sub), { mode: 0o755 });
    const key = join(dir, 'munge.key');
    await execa(which('mungekey')!, ['--create', `--keyfile=${key}`]);
    await chmod(key, 0o400);
    await writeFile(join(dir, 'plugstack.conf'), '');

    const socket = join(dir, 'munge.socket');
    const daemonEnv = { ...env, [CLUSTER_ENV]: dir };
    const munged = new Daemon(
      'munged',
      [
        which('munged')!,
        '--foreground',
        `--socket=${socket}`,
        `--key-file=${key}`,
        `--pid-file=${join(dir, 'munged.pid')}`,
        `--log-file=${join(dir, 'munged.log')}`,
        `--seed-file=${join(dir, 'munged.seed')}`,
      ],
      join(dir, 'munged.stderr'),
      daemonEnv,
      false,
    );
    daemons.push(munged);
    await waitFor(
      `munged to answer on ${socket}`,
      timeoutMs,
      async () => ((await execa(which('munge')!, ['--socket', socket, '--no-input'], { reject: false })).exitCode === 0 ? true : undefined),
      async () => (munged.running ? undefined : `munged ended (${munged.exit}):\n${await tail(munged.stderrFile)}`),
    );

    const cpus = options.cpus ?? Number(hw.CPUs);
    const nodeLine =
      options.cpus === undefined
        ? `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${hw.CPUs} Boards=${hw.Boards} SocketsPerBoard=${hw.SocketsPerBoard} CoresPerSocket=${hw.CoresPerSocket} ThreadsPerCore=${hw.ThreadsPerCore} RealMemory=${hw.RealMemory} State=UNKNOWN`
        : `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} Sockets=1 CoresPerSocket=${cpus} ThreadsPerCore=1 RealMemory=${hw.RealMemory} State=UNKNOWN`;
    const ctldPort = await freePort();
    let slurmdPort = await freePort();
    while (slurmdPort === ctldPort) slurmdPort = await freePort();
    const partition = 'bench';
    const lines = [
      `ClusterName=hb${Math.random()
        .toString(36)
        .slice(2, 10)
        .replace(/[^a-z0-9]/g, 'x')}`,
      'SlurmctldHost=localhost(127.0.0.1)',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      `PlugStackConfig=${join(dir, 'plugstack.conf')}`,
      'MailProg=/bin/true',
      'MpiDefault=none',
      'SwitchType=switch/none',
      // No cgroups: processes are tracked through /proc, jobs are bound to their CPUs with sched_setaffinity.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/affinity',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      ...(options.cpus !== undefined && options.cpus > Number(hw.CPUs) ? ['SlurmdParameters=config_overrides'] : []),
      // No slurmdbd: sacct says "Slurm accounting storage is disabled"; finished jobs are in the
      // controller (squeue --states=all, scontrol show job) for MinJobAge and in the jobcomp log.
      'AccountingStorageType=accounting_storage/none',
      'JobAcctGatherType=jobacct_gather/none',
      'JobCompType=jobcomp/filetxt',
      `JobCompLoc=${join(dir, 'jobcomp.log')}`,
      'MinJobAge=3600',
      'ReturnToService=2',
      'SchedulerType=sched/backfill',
      // A batch job starts within about a second of sbatch (Slurm's default batch_sched_delay=3 holds it
      // up to 3 s); the main and backfill loops look at the whole queue every second.
      'SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1',
      'KillWait=2',
      'InactiveLimit=0',
      nodeLine,
      `PartitionName=${partition} Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
    ];
    await writeFile(conf, `${lines.join('\n')}\n`);

    const ctld = new Daemon('slurmctld', [which('slurmctld')!, '-D', '-f', conf], join(dir, 'slurmctld.stderr'), daemonEnv, true);
    daemons.push(ctld);
    const slurmd = new Daemon('slurmd', [which('slurmd')!, '-D', '-f', conf, '-N', node], join(dir, 'slurmd.stderr'), daemonEnv, true);
    daemons.push(slurmd);

    const logs = async (): Promise<string> =>
      (await Promise.all(daemons.map(async (d) => `--- ${d.name} (${d.running ? 'running' : d.exit}):\n${await tail(d.stderrFile)}`))).join('\n');
    let resumed = false;
    await waitFor(
      `node ${node} to be idle in sinfo`,
      timeoutMs,
      async () => {
        const { stdout, exitCode } = await execa('sinfo', ['-h', '-N', '-n', node, '-o', '%T'], { env, reject: false });
        const state = stdout.trim();
        if (exitCode === 0 && state === 'idle') return state;
        if (exitCode === 0 && /^(down|drain|drained|draining|fail)/.test(state) && !resumed) {
          resumed = true;
          await execa('scontrol', ['update', `nodename=${node}`, 'state=resume'], { env, reject: false });
        }
        return undefined;
      },
      async () => {
        const gone = daemons.find((d) => !d.running);
        return gone ? `${gone.name} ended (${gone.exit})` : undefined;
      },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await logs()}`);
    });

    return {
      env,
      partition,
      node,
      cpus,
      dir,
      conf,
      jobcompLog: join(dir, 'jobcomp.log'),
      processes: () => clusterProcesses(dir),
      async stop() {
        if (stopped) return;
        stopped = true;
        if (ctld.running) {
          await execa('scancel', ['--partition', partition], { env, reject: false });
          // Jobs leave RUNNING/COMPLETING within KillWait (2 s) of scancel; the namespaces end whatever did not.
          const deadline = Date.now() + 15_000;
          while (Date.now() < deadline) {
            const { stdout, exitCode } = await execa('squeue', ['-h', '-o', '%i', '--states=PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED'], {
              env,
              reject: false,
            });
            if (exitCode !== 0 || stdout.trim() === '') break;
            await sleep(200);
          }
        }
        await stopAll();
      },
    };
  } catch (error) {
    stopped = true;
    await stopAll().catch(() => undefined);
    throw error;
  }
}
