import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A fresh, never-shared directory for one run: timestamp, config name, random suffix. */
export async function createRunDirectory(resultsDir: string, label: string, now = new Date()): Promise<{ runId: string; runDir: string }> {
  await mkdir(resultsDir, { recursive: true });
  const stamp = now
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const safeLabel = label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  for (;;) {
    const runId = `${stamp}-${safeLabel}-${randomBytes(3).toString('hex')}`;
    const runDir = join(resultsDir, runId);
    try {
      // Not recursive: fails if it exists, so two runs never share a directory.
      await mkdir(runDir);
      return { runId, runDir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
