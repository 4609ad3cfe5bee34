/**
 * `npm run backup -- FILE [--force] [--lang zh|en]`: a consistent copy of PORTAL_DB, taken
 * while the portal serves and comments arrive (SQLite's online backup; on PostgreSQL,
 * pg_dump of PORTAL_DATABASE_URL in its custom format). The copy holds the
 * commenters' personal data, so it is readable by its owner only (0600) from its first
 * byte: it is written into a file created so, under a name no one can guess beforehand,
 * and renamed when complete, so FILE is never a half-written backup. FILE may not be the
 * live database. Exit code 0 on success, 1 when the backup failed, 2 for a usage error.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { databaseName } from '../src/lib/db/connect.ts';
import { dumpPostgres } from '../src/lib/db/postgres.ts';
import { backupDatabase } from '../src/lib/db/sqlite.ts';
import { BACK_OFFICE_WORDS } from '../src/lib/i18n/back-office.ts';
import { commandLocale, fromInvocationFolder, LANGUAGE_OPTION, parseCommandArguments, startCommand, UsageError, USAGE_EXIT_CODE } from './command.ts';

const words = BACK_OFFICE_WORDS[commandLocale(process.argv.slice(2))];

function readArguments(): { target: string; shownAs: string; force: boolean } {
  const { values, positionals } = parseCommandArguments(words, {
    options: { force: { type: 'boolean', default: false }, ...LANGUAGE_OPTION },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(words.backup.oneFile);
  return { target: fromInvocationFolder(positionals[0]!), shownAs: positionals[0]!, force: values.force };
}

/** The path with its folder's links resolved: the file itself may not exist yet. */
const resolvedPath = (path: string) => join(existsSync(dirname(path)) ? realpathSync(dirname(path)) : dirname(path), basename(path));

/** Whether writing `target` would write the live database, its WAL or its shared memory (by name, or as another link to the same file). */
function isLiveDatabase(target: string, database: string): boolean {
  const live = resolvedPath(database);
  if ([live, `${live}-wal`, `${live}-shm`].includes(resolvedPath(target))) return true;
  if (!existsSync(target)) return false;
  const [written, serving] = [statSync(target), statSync(database)];
  return written.dev === serving.dev && written.ino === serving.ino;
}

async function main(): Promise<number> {
  const command = startCommand(words, words.backup.usage, readArguments);
  if (typeof command === 'number') return command;
  const { options, config } = command;
  const { databasePath, databaseUrl } = config;
  if (!databaseUrl) {
    if (databasePath === ':memory:') {
      console.log(words.backup.inMemory);
      return USAGE_EXIT_CODE;
    }
    if (!existsSync(databasePath)) {
      console.log(words.backup.noDatabase(databasePath));
      return 1;
    }
    if (isLiveDatabase(options.target, databasePath)) {
      console.log(words.backup.liveDatabase(options.shownAs));
      return USAGE_EXIT_CODE;
    }
  }
  if (existsSync(options.target) && !options.force) {
    console.log(words.backup.exists(options.shownAs));
    return USAGE_EXIT_CODE;
  }

  const started = performance.now();
  // Beside the target (a rename stays on one file system), hidden, random, and created by this process alone ('wx').
  const partial = join(dirname(options.target), `.${basename(options.target)}.${randomBytes(12).toString('hex')}.partial`);
  let created = false;
  try {
    closeSync(openSync(partial, 'wx', 0o600));
    created = true;
    // The copy is written into the empty file, which keeps its mode; so does SQLite's journal.
    const pages = databaseUrl ? await dumpPostgres(databaseUrl, partial).then(() => null) : (await backupDatabase(databasePath, partial)).pages;
    renameSync(partial, options.target);
    const megabytes = (statSync(options.target).size / 1024 / 1024).toFixed(1);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const run = { database: databaseName(config), file: options.shownAs, megabytes, seconds };
    console.log(pages === null ? words.backup.dumped(run) : words.backup.done({ ...run, pages }));
    return 0;
  } catch (error) {
    if (created) for (const leftover of [partial, `${partial}-journal`]) rmSync(leftover, { force: true });
    console.log(words.backup.failed(options.shownAs, (error as Error).message));
    return 1;
  }
}

process.exitCode = await main();
