import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/build.ts';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { importFiles, type FileOutcome, type ImportSource } from '../../src/lib/import/import.ts';

export const EXAMPLES_FOLDER = join(projectRoot, 'data/examples');

/** The example files of data/examples, those of `extension` only when given. */
export function exampleSources(extension?: 'json' | 'ndjson' | 'csv'): ImportSource[] {
  return readdirSync(EXAMPLES_FOLDER)
    .filter((name) => extension === undefined || name.endsWith(`.${extension}`))
    .sort()
    .map((name) => ({ name, content: readFileSync(join(EXAMPLES_FOLDER, name)) }));
}

/** A file of the given name and text, as the import reads it. */
export const textSource = (name: string, text: string): ImportSource => ({ name, content: Buffer.from(text, 'utf8') });

/** Imports for real at `now`; throws with the rejections when any file was rejected. */
export async function importAll(db: PortalDb, sources: ImportSource[], now = new Date()): Promise<FileOutcome[]> {
  const outcomes = await importFiles(db, sources, { dryRun: false, now });
  const rejected = outcomes.flatMap((outcome) => (outcome.accepted ? [] : [outcome.rejection.message]));
  if (rejected.length > 0) throw new Error(rejected.join('\n'));
  return outcomes;
}

type BackOfficeCommand = 'import' | 'comments' | 'backup';
const commandLine = (script: BackOfficeCommand, args: string[]) => ['--import', 'tsx', join(projectRoot, `scripts/${script}.ts`), ...args];

/** Runs one of the back office's commands (import, comments, backup) as its own process, as staff would. */
export function runCommand(script: BackOfficeCommand, args: string[], databasePath: string) {
  return spawnSync(process.execPath, commandLine(script, args), {
    cwd: projectRoot,
    env: { ...process.env, PORTAL_DB: databasePath },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

export interface CommandRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** runCommand without blocking this process, for tests that go on talking to the portal meanwhile. */
export function startCommand(script: BackOfficeCommand, args: string[], databasePath: string): Promise<CommandRun> {
  const child = spawn(process.execPath, commandLine(script, args), { cwd: projectRoot, env: { ...process.env, PORTAL_DB: databasePath } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
