/**
 * Fills the portal's database with demo data:
 *   npm run seed -- [--certificates N] [--notices N] [--seed N] [--replace]
 * The database is PORTAL_DB (default data/portal.db), or PORTAL_DATABASE_URL's. Without
 * --replace it refuses to touch a database that already holds registry data; --replace
 * deletes a SQLite file (a PostgreSQL database is dropped and created by its owner instead).
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { connectDatabase, databaseName } from '../src/lib/db/connect.ts';
import { beijingDate } from '../src/lib/time/beijing.ts';
import { systemClock } from '../src/lib/time/clock.ts';
import { startCommand, UsageError, USAGE_EXIT_CODE } from './command.ts';
import { seedDemoData } from './demo/generate.ts';

const USAGE = 'Usage: npm run seed -- [--certificates N] [--notices N] [--seed N] [--replace]';
const MAX_SEED = 2 ** 32 - 1;


function wholeNumber(option: string, text: string, maximum: number): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > maximum) {
    throw new UsageError(`--${option} must be a whole number from 1 to ${maximum.toLocaleString('en')}, not "${text}"`);
  }
  return Number(text);
}

function readArguments() {
  const { values } = parseArgs({
    options: {
      certificates: { type: 'string', default: '2000' },
      notices: { type: 'string', default: '300' },
      seed: { type: 'string', default: '20261126' },
      replace: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    certificates: wholeNumber('certificates', values.certificates, 1_000_000),
    notices: wholeNumber('notices', values.notices, 200_000),
    seed: wholeNumber('seed', values.seed, MAX_SEED),
    replace: values.replace,
  };
}

async function main(): Promise<number> {
  const command = startCommand(USAGE, readArguments);
  if (!command) return USAGE_EXIT_CODE;
  const { options, config } = command;
  const { databasePath } = config;
  const name = databaseName(config);

  const started = performance.now();
  if (options.replace && config.databaseUrl) {
    console.error(`--replace deletes SQLite files only: drop and create ${name} (dropdb, createdb --locale=C.UTF-8 --template=template0), then seed it.`);
    return 1;
  }
  if (options.replace && databasePath !== ':memory:') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
  }

  const db = connectDatabase(config);
  try {
    await migrateToLatest(db);
    // Any registry row means someone's data is here, not only certificates: scheme codes would clash too.
    const { rows } = await sql<{ filled: number }>`
      select (select count(*) from certificate) + (select count(*) from certification_body)
        + (select count(*) from scheme) + (select count(*) from organisation) + (select count(*) from notice) as filled`.execute(db);
    if ((rows[0]?.filled ?? 0) > 0) {
      console.error(
        `${name} already holds registry data (certificates, bodies, schemes, organisations or notices). ` +
          'Run again with --replace to delete that database and seed a fresh one.',
      );
      return 1;
    }

    const now = systemClock();
    const counts = await seedDemoData(db, { certificates: options.certificates, notices: options.notices, seed: options.seed, now });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Seeded ${name}: ${counts.bodies} bodies, ${counts.schemes} schemes, ${counts.organisations} organisations, ` +
        `${counts.certificates} certificates, ${counts.events} events, ${counts.notices} notices ` +
        `(seed ${options.seed}, anchor day ${beijingDate(now)} Beijing time) in ${seconds} s`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
