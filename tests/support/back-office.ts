import { spawn, spawnSync } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/build.ts';
import type { PortalDb } from '../../src/lib/db/database.ts';
import type { TestDatabase } from './database.ts';
import { BACK_OFFICE_WORDS } from '../../src/lib/i18n/back-office.ts';
import { importFiles, type FileOutcome, type ImportOptions, type ImportSource } from '../../src/lib/back-office/import/import.ts';

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

/** What a rejected file's problems say, in English: to check a rejection names file, place, field and reason. */
export function rejectionText(outcome: FileOutcome | undefined): string {
  if (outcome?.result !== 'rejected') return '';
  return [
    BACK_OFFICE_WORDS.en.import.rejected(outcome.file),
    ...outcome.problems.map((problem) => BACK_OFFICE_WORDS.en.import.problemLine(outcome.file, problem)),
  ].join('\n');
}

/** Imports for real at `now`; throws with the rejections when any file was not imported. */
export async function importAll(
  db: PortalDb,
  sources: ImportSource[],
  now = new Date(),
  options: Partial<ImportOptions> = {},
): Promise<FileOutcome[]> {
  const outcomes = await importFiles(db, sources, { dryRun: false, now, ...options });
  const failed = outcomes.filter((outcome) => outcome.result !== 'imported');
  if (failed.length > 0) throw new Error(failed.map((outcome) => rejectionText(outcome) || `${outcome.file}: ${outcome.result}`).join('\n'));
  return outcomes;
}

type BackOfficeCommand = 'import' | 'comments' | 'backup' | 'seed';
const commandLine = (script: BackOfficeCommand, args: string[]) => ['--import', 'tsx', join(projectRoot, `scripts/${script}.ts`), ...args];

/**
 * The environment of a staff member's shell: the database, and a language (Chinese unless
 * `env` sets LANG, whatever the test runner's own locale), with `env` over it.
 */
function staffEnvironment(database: TestDatabase | string, env: Record<string, string>) {
  const { LC_ALL: _all, LC_MESSAGES: _messages, LANG: _lang, ...rest } = process.env;
  const reach = typeof database === 'string' ? { PORTAL_DB: database } : database.env;
  return { ...rest, ...reach, LANG: 'zh_CN.UTF-8', ...env };
}

/** A staff member whose shell speaks English. */
export const ENGLISH = { LANG: 'en_US.UTF-8' };

/** Runs one of the back office's commands (import, comments, backup, seed) as its own process, as staff would. */
export function runCommand(script: BackOfficeCommand, args: string[], database: TestDatabase | string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, commandLine(script, args), {
    cwd: projectRoot,
    env: staffEnvironment(database, env),
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
export function startCommand(
  script: BackOfficeCommand,
  args: string[],
  database: TestDatabase | string,
  env: Record<string, string> = {},
): Promise<CommandRun> {
  const child = spawn(process.execPath, commandLine(script, args), { cwd: projectRoot, env: staffEnvironment(database, env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Holds SQLite's write lock on the file from this process (BEGIN IMMEDIATE, as an import or
 * a plain `sqlite3` session would) for exactly as long as `run` takes: the commands it starts,
 * each a process of its own, meet a busy database however long they take to start.
 */
export async function whileWriteLocked<Result>(databasePath: string, run: () => Promise<Result>): Promise<Result> {
  const holder = new SQLite(databasePath);
  holder.exec('begin immediate');
  try {
    return await run();
  } finally {
    holder.exec('rollback');
    holder.close();
  }
}
