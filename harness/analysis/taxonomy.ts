/**
 * The metric taxonomy every guest shares. A metric name is `<class>[.<mechanism>[.<placement>.<cpus>]]`,
 * e.g. `ipc.roundtrip.pipe.process.same`: the class says what is measured, the rest how. Figures of
 * one class are what a cross-OS comparison sets side by side, whatever mechanism produced them.
 */

export interface MetricClass {
  id: string;
  title: string;
  /** What one operation is, so a reader knows what a figure of this class counts. */
  operation: string;
}

export const METRIC_CLASSES: readonly MetricClass[] = [
  { id: 'ipc.roundtrip', title: 'IPC round trip', operation: 'a request and its reply between two threads or processes' },
  { id: 'ipc.oneway', title: 'One-way IPC', operation: 'one message from sender to receiver' },
  { id: 'syscall.null', title: 'Null system call', operation: 'a kernel entry and exit that does no work' },
  { id: 'ctxswitch', title: 'Context switch', operation: 'a switch from one thread to another' },
  {
    id: 'pagefault',
    title: 'Page fault',
    operation: "a thread's first access to a page not yet mapped: the fault, the page mapped (by the kernel or a user-level pager) and the access completed",
  },
];

export type Placement = 'thread' | 'process';
export type CpuPlacement = 'same' | 'cross';

export interface MetricKind {
  /** One of METRIC_CLASSES' ids, or the metric itself when it fits none. */
  classId: string;
  classTitle: string;
  /** Threads of one address space or separate processes (address spaces); absent when not applicable. */
  placement?: Placement;
  /** Both parties on one vCPU or on two. */
  cpus?: CpuPlacement;
  /** placement and cpus in words, e.g. "processes, same CPU"; "" when neither applies. */
  variant: string;
}

/** Where a metric belongs in the taxonomy; the mechanism comes with the figure (its STREAM record). */
export function classifyMetric(metric: string): MetricKind {
  const known = METRIC_CLASSES.find((c) => metric === c.id || metric.startsWith(`${c.id}.`));
  if (!known) return { classId: metric, classTitle: metric, variant: '' };
  const rest = metric.slice(known.id.length + 1).split('.');
  const placement = rest.find((p): p is Placement => p === 'thread' || p === 'process');
  const cpus = rest.find((p): p is CpuPlacement => p === 'same' || p === 'cross');
  const words = [placement === 'thread' ? 'threads' : placement === 'process' ? 'processes' : undefined, cpus ? `${cpus} CPU` : undefined];
  return {
    classId: known.id,
    classTitle: known.title,
    ...(placement ? { placement } : {}),
    ...(cpus ? { cpus } : {}),
    variant: words.filter((w) => w !== undefined).join(', '),
  };
}
