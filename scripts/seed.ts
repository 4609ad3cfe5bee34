/**
 * Fills the portal's database with demo data:
 *   npm run seed -- [--certificates N] [--notices N] [--comments N] [--seed N] [--replace]
 * The database is PORTAL_DB (default data/portal.db), or PORTAL_DATABASE_URL's. Without
 * --replace it refuses to touch a database that already holds registry data; --replace
 * deletes a SQLite file (a PostgreSQL database is dropped and created by its owner instead). The national data set is
 * --certificates 1000000 --notices 200000 (and 500,000 comments).
 */
import cliProgress from 'cli-progress';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { connectDatabase, databaseName, type DatabaseLocation } from '../src/lib/db/connect.ts';
import { withBulkWriting } from '../src/lib/db/sqlite.ts';
import { BACK_OFFICE_WORDS } from '../src/lib/i18n/back-office.ts';
import { beijingDate } from '../src/lib/ground/time/beijing.ts';
import { systemClock } from '../src/lib/ground/time/clock.ts';
import { commandLocale, startCommand, UsageError, USAGE_EXIT_CODE } from './command.ts';
import { COMMENTS_PER_NOTICE } from './demo/comments.ts';
import { INDEXES_TRIGGERS_READ, SEEDED_TABLES, seedDemoData, type DemoDataOptions } from './demo/generate.ts';

const USAGE = 'Usage: npm run seed -- [--certificates N] [--notices N] [--comments N] [--seed N] [--replace]';
const MAX_SEED = 2 ** 32 - 1;
/** The page cache while seeding: the national data set's indexes are filled in memory. */
const SEEDING_CACHE_MEGABYTES = 256;

function wholeNumber(option: string, text: string, maximum: number, minimum = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < minimum || Number(text) > maximum) {
    throw new UsageError(`--${option} must be a whole number from ${minimum} to ${maximum.toLocaleString('en')}, not "${text}"`);
  }
  return Number(text);
}

function readArguments() {
  const { values } = parseArgs({
    options: {
      certificates: { type: 'string', default: '2000' },
      notices: { type: 'string', default: '300' },
      comments: { type: 'string' },
      seed: { type: 'string', default: '20261126' },
      replace: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const notices = wholeNumber('notices', values.notices, 200_000);
  return {
    certificates: wholeNumber('certificates', values.certificates, 1_000_000),
    notices,
    comments: values.comments === undefined ? Math.round(notices * COMMENTS_PER_NOTICE) : wholeNumber('comments', values.comments, 1_000_000, 0),
    seed: wholeNumber('seed', values.seed, MAX_SEED),
    replace: values.replace,
  };
}

/** A bar of certificates written, on a terminal only: piped or logged output gets the summary line alone. */
function progressBar(certificates: number): { update: DemoDataOptions['progress']; stop: () => void } {
  if (!process.stdout.isTTY) return { update: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: 'Seeding [{bar}] {percentage}% | {value}/{total} certificates | {duration_formatted}',
      stream: process.stdout,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(certificates, 0);
  return { update: (written) => bar.update(written.certificates), stop: () => bar.stop() };
}

async function main(): Promise<number> {
  // A developer's tool, in English; the configuration's problems are said as to the staff (Chinese unless LANG is English).
  const command = startCommand(BACK_OFFICE_WORDS[commandLocale([])], USAGE, readArguments);
  if (typeof command === 'number') return command;
  const { options, config } = command;
  const { databasePath } = config;
  const name = databaseName(config);

  if (databasePath === ':memory:') {
    console.error('PORTAL_DB=:memory: would be gone when the command ends: name a file to seed.');
    return USAGE_EXIT_CODE;
  }
  const started = performance.now();
  if (options.replace && config.databaseUrl) {
    console.error(
      `--replace deletes SQLite files only: drop and create ${name} (dropdb, createdb --locale=C.UTF-8 --template=template0), then seed it.`,
    );
    return 1;
  }
  if (options.replace) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
  }

  if (!(await isEmptyAfterMigrating(config))) {
    console.error(
      `${name} already holds registry data (certificates, bodies, schemes, organisations or notices). ` +
        'Run again with --replace to delete that database and seed a fresh one.',
    );
    return 1;
  }

  const now = systemClock();
  const progress = progressBar(options.certificates);
  const seed = (db: Parameters<typeof seedDemoData>[0]) => seedDemoData(db, { ...options, now, progress: progress.update });
  // PostgreSQL's statement triggers already index each chunk in one pass: nothing to set aside while seeding.
  const counts = await (config.databaseUrl
    ? seedThrough(config, seed)
    : withBulkWriting(databasePath, { cacheMegabytes: SEEDING_CACHE_MEGABYTES, tables: SEEDED_TABLES, kept: INDEXES_TRIGGERS_READ }, seed)
  ).finally(progress.stop);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const cpu = process.cpuUsage();
  const count = (n: number) => n.toLocaleString('en');
  console.log(
    `Seeded ${name}: ${counts.bodies} bodies, ${counts.schemes} schemes, ${count(counts.organisations)} organisations, ` +
      `${count(counts.certificates)} certificates, ${count(counts.events)} events, ${count(counts.notices)} notices, ` +
      `${count(counts.comments)} comments (seed ${options.seed}, anchor day ${beijingDate(now)} Beijing time) in ${seconds} s ` +
      `(CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`,
  );
  return 0;
}

async function seedThrough<T>(location: DatabaseLocation, seed: (db: ReturnType<typeof connectDatabase>) => Promise<T>): Promise<T> {
  const db = connectDatabase(location);
  try {
    return await seed(db);
  } finally {
    await db.destroy();
  }
}

/** Migrates the database, and says whether it holds no registry data. Its connection is closed again, for the bulk writer to have the file alone. */
async function isEmptyAfterMigrating(location: DatabaseLocation): Promise<boolean> {
  const db = connectDatabase(location);
  try {
    await migrateToLatest(db);
    // Any registry row means someone's data is here, not only certificates: scheme codes would clash too.
    const { rows } = await sql<{ filled: number }>`
      select (select count(*) from certificate) + (select count(*) from certification_body)
        + (select count(*) from scheme) + (select count(*) from organisation) + (select count(*) from notice) as filled`.execute(db);
    return (rows[0]?.filled ?? 0) === 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
