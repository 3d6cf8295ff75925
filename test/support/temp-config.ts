import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { projectRoot } from '../../harness/paths.js';

/** Writes a config into a fresh temporary directory; the image cache is the checkout's, so builds are reused. */
export async function writeTempConfig(config: Record<string, unknown>): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-test-'));
  const file = join(dir, 'test.yaml');
  await writeFile(file, stringify({ resultsDir: join(dir, 'results'), cacheDir: join(projectRoot, '.cache'), ...config }));
  return { dir, file };
}
