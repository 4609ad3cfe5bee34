import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const serverEntry = join(projectRoot, 'dist/server/entry.mjs');
export const clientFolder = join(projectRoot, 'dist/client');

/** What the build is made from: when any of it is newer than the build, the build is stale. */
const BUILD_INPUTS = ['src', 'public', 'astro.config.mjs', 'package-lock.json', 'tsconfig.json'];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestChange(join(path, entry))), stats.mtimeMs);
}

function buildIsFresh(): boolean {
  if (!existsSync(serverEntry)) return false;
  const built = statSync(serverEntry).mtimeMs;
  return BUILD_INPUTS.every((input) => newestChange(join(projectRoot, input)) <= built);
}

/** Builds the server unless an up-to-date build is already there. */
export function ensureFreshBuild(): void {
  if (buildIsFresh()) return;
  console.log('Building the portal (the build is missing or older than the sources)…');
  const astro = join(projectRoot, 'node_modules/.bin/astro');
  const result = spawnSync(astro, ['build'], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`astro build failed with exit code ${result.status}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureFreshBuild();
