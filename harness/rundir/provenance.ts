import { execa } from 'execa';
import { projectRoot } from '../paths.js';

export interface ProjectRevision {
  commit: string;
  /** Uncommitted changes were present: the commit alone does not reproduce this run. */
  dirty: boolean;
}

export async function readProjectRevision(): Promise<ProjectRevision> {
  const commit = await execa('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, reject: false });
  if (commit.exitCode !== 0) return { commit: 'unknown (not a git checkout)', dirty: true };
  const status = await execa('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot, reject: false });
  return { commit: commit.stdout.trim(), dirty: status.stdout.trim() !== '' };
}
