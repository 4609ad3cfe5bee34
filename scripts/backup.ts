/**
 * `npm run backup -- FILE [--force]`: a consistent copy of PORTAL_DB, taken while the
 * portal serves and comments arrive (SQLite's online backup). The copy is written under a
 * temporary name and renamed when complete, so FILE is never a half-written backup.
 * Exit code 0 on success, 1 when the backup failed, 2 for a usage error.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backupDatabase } from '../src/lib/db/sqlite.ts';
import { fromInvocationFolder, startCommand, UsageError, USAGE_EXIT_CODE } from './command.ts';

const USAGE = 'Usage: npm run backup -- FILE [--force]   (--force replaces an existing FILE)';

function readArguments(): { target: string; force: boolean } {
  const { values, positionals } = parseArgs({ options: { force: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('Name exactly one file to write the backup to.');
  return { target: fromInvocationFolder(positionals[0]!), force: values.force };
}

async function main(): Promise<number> {
  const command = startCommand(USAGE, readArguments);
  if (!command) return USAGE_EXIT_CODE;
  const { options, databasePath } = command;
  if (databasePath === ':memory:') {
    console.error('PORTAL_DB is :memory:, which has no file to back up.');
    return 2;
  }
  if (!existsSync(databasePath)) {
    console.error(`There is no database at ${databasePath} (PORTAL_DB) to back up.`);
    return 1;
  }
  if (existsSync(options.target) && !options.force) {
    console.error(`${options.target} exists already; give another file name, or --force to replace it.`);
    return 2;
  }

  const started = performance.now();
  const partial = `${options.target}.partial-${process.pid}`;
  try {
    const { pages } = await backupDatabase(databasePath, partial);
    renameSync(partial, options.target);
    const megabytes = (statSync(options.target).size / 1024 / 1024).toFixed(1);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Backed up ${databasePath} to ${options.target}: ${pages} pages, ${megabytes} MB, in ${seconds} s.`);
    return 0;
  } catch (error) {
    for (const leftover of [partial, `${partial}-journal`]) rmSync(leftover, { force: true });
    console.error(`The backup failed, nothing was written to ${options.target}: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();
