import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { connectDatabase, databaseName, type DatabaseLocation } from '../../src/lib/db/connect.ts';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { postgresProgram } from '../../src/lib/db/postgres.ts';
import { asSuperuser } from './postgres-cluster.ts';
import type { Dialect } from '../../src/lib/db/seam.ts';

/** The database this run of the suite is on: the whole suite runs once on each (vitest.config.ts). */
export const TEST_DIALECT: Dialect = process.env.PORTAL_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  db: PortalDb;
  /** PORTAL_DB: the SQLite file, or on PostgreSQL the file beside which a portal keeps its own files (the salt, the search index). */
  path: string;
  /** PORTAL_DATABASE_URL on PostgreSQL; null on SQLite. */
  url: string | null;
  /** Where a thread or another connection of this process finds it. */
  location: DatabaseLocation;
  /** The database as the portal's messages name it (databaseName). */
  name: string;
  /** What another process (a portal, an import) is given to reach this database. */
  env: Record<string, string>;
  /** A connection of its own to the same database, as another process would have. */
  connect: () => PortalDb;
  /** Closes the connection and deletes the database and its folder. */
  remove: () => Promise<void>;
}

const WRITE_WAIT_MILLISECONDS = 12_000;

/**
 * A real, migrated database of its own: a SQLite file in a temporary folder (made inside
 * `within`, the system's temporary folder unless said), or a new PostgreSQL database.
 * `migrated: false` leaves it as an operator creates it: empty, no table in it.
 */
export async function createTestDatabase(within = tmpdir(), { migrated = true } = {}): Promise<TestDatabase> {
  const folder = mkdtempSync(join(within, 'portal-test-'));
  const path = join(folder, 'portal.db');
  const url = TEST_DIALECT === 'postgres' ? await createPostgresDatabase(migrated ? inject('postgresTemplate') : 'template0') : null;
  const location: DatabaseLocation = { databasePath: path, databaseUrl: url, databasePoolSize: 5, writeWaitMilliseconds: WRITE_WAIT_MILLISECONDS };
  const db = connectDatabase(location);
  // On PostgreSQL a copy of the migrated template: this finds it up to date.
  if (migrated) await migrateToLatest(db);
  return {
    db,
    path,
    url,
    location,
    name: databaseName(location),
    env: url ? { PORTAL_DB: path, PORTAL_DATABASE_URL: url } : { PORTAL_DB: path },
    connect: () => connectDatabase(location),
    remove: async () => {
      await db.destroy();
      if (url) await dropPostgresDatabase(url);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** As the portal needs it: C.UTF-8 collation and ctype; a copy of `template` (template0: empty). */
async function createPostgresDatabase(template = 'template0'): Promise<string> {
  const server = new URL(inject('postgresUrl'));
  const name = `portal_test_${randomBytes(6).toString('hex')}`;
  await asSuperuser(server.href, `create database ${name} template ${template} encoding 'UTF8' locale 'C.UTF-8'`);
  server.pathname = `/${name}`;
  return server.href;
}

async function dropPostgresDatabase(url: string): Promise<void> {
  const server = new URL(url);
  const name = server.pathname.slice(1);
  server.pathname = '/postgres';
  await asSuperuser(server.href, `drop database if exists ${name} with (force)`);
}

/**
 * What `npm run backup` wrote into `file`, opened to be read: the SQLite copy once it passes
 * the integrity check, or on PostgreSQL pg_dump's archive restored by pg_restore into a new
 * database. The caller destroys it (the restored database is dropped with the cluster).
 */
export async function openBackup(file: string): Promise<PortalDb> {
  const location: DatabaseLocation = { databasePath: file, databaseUrl: null, databasePoolSize: 2, writeWaitMilliseconds: WRITE_WAIT_MILLISECONDS };
  if (TEST_DIALECT === 'sqlite') {
    const copy = connectDatabase(location);
    const { rows } = await sql<{ integrityCheck: string }>`pragma integrity_check`.execute(copy);
    if (rows[0]?.integrityCheck !== 'ok') throw new Error(`${file} fails the integrity check: ${JSON.stringify(rows)}`);
    return copy;
  }
  const url = await createPostgresDatabase();
  execFileSync(postgresProgram('pg_restore'), ['--exit-on-error', '--no-owner', `--dbname=${url}`, file], { stdio: ['ignore', 'ignore', 'pipe'] });
  return connectDatabase({ ...location, databaseUrl: url });
}
