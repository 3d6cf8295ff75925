import type { Manifest } from './manifest.js';
import { readCheckedManifest } from './run-file.js';
import { loadConfig } from '../config/index.js';
import type { RunConfig } from '../config/types.js';

/** A run directory's manifest.json. */
export async function readRunManifest(runDir: string): Promise<Manifest> {
  try {
    return await readCheckedManifest(runDir);
  } catch (error) {
    throw new Error(`expected a run directory with a readable manifest.json at ${runDir}, got none: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The config a run was started with, read from where it was (the copy's relative paths would not
 * resolve); it must not have changed. The command line's overrides the manifest records are applied.
 */
export async function loadRunConfig(manifest: Manifest): Promise<RunConfig> {
  const config = await loadConfig(manifest.config.file, manifest.overrides ? { overrides: manifest.overrides } : {}).catch((error: unknown) => {
    throw new Error(`expected the run's config at ${manifest.config.file}, got none readable: ${(error as Error).message}`, { cause: error });
  });
  if (config.sha256 !== manifest.config.sha256) {
    throw new Error(
      `expected ${manifest.config.file} to be the config the run was started with (SHA-256 ${manifest.config.sha256}), got one with SHA-256 ${config.sha256}; put the run's config.yaml back in its place, or start a new run`,
    );
  }
  return config;
}
