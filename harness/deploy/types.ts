import type { Timeouts } from '../config/types.js';
import type { SshEndpoint } from '../ssh/connect.js';

/**
 * Deploying the payload over the network into a guest QEMU boots (`deploy: ssh`): the guest
 * session calls `begin` once per boot before QEMU starts, adds the step's QEMU arguments (a
 * forwarded port), runs the step once the guest runs, and closes it when the boot ends.
 */
export interface GuestDeploy {
  method: 'ssh';
  begin(boot: DeployBoot): Promise<DeployStep>;
}

export interface DeployBoot {
  /** The boot's directory in the run directory (console.log, data.bin, and the step's own log). */
  guestDir: string;
  boot: number;
  timeouts: Timeouts;
  /** Aborted when the run is interrupted. */
  signal?: AbortSignal;
}

export interface DeployStep {
  /** QEMU options the step needs, e.g. a user-mode network with the guest's SSH port forwarded. */
  qemuArgs: string[];
  /**
   * Runs once the guest's vCPUs run: waits for its SSH server, uploads and starts the payload, then
   * powers the guest off. Resolves when that is done; a rejection fails the boot with its message.
   */
  run(): Promise<void>;
  /** Ends whatever the step still does (connections, waits); called once the boot is over, also after a failure. */
  close(): Promise<void>;
}

/** Where the payload comes from on a machine reached over SSH. */
export type PayloadSource =
  /** A binary built here (static, x86_64), uploaded as is. */
  | { kind: 'binary'; path: string; sha256: string }
  /** Sources uploaded (paths relative to the upload directory) and compiled there by `compile`, which writes ./hb-payload. */
  | { kind: 'sources'; files: { local: string; remote: string }[]; compile: string[] };

/** An existing machine the payload runs on over SSH, without QEMU (`reach: ssh`). */
export interface SshTargetRun {
  endpoint: SshEndpoint;
  connectTimeoutMs: number;
  payload: PayloadSource;
  /** CPUs the payload is started on (taskset -c). */
  cpus?: number[];
}
