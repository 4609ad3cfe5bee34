import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../src/lib/db/connect.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { postgresProgram } from '../../src/lib/db/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server the tests may create databases in, as its superuser. */
    postgresUrl: string;
    /** A migrated, empty database on it, which each test's database is created as a copy of. */
    postgresTemplate: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The PostgreSQL half of the tests' server: a throw-away cluster, or the one
 * PORTAL_TEST_POSTGRES_URL names.
 */
export default async function startCluster(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.PORTAL_TEST_POSTGRES_URL;
  const cluster = given ? undefined : await startThrowAwayCluster();
  const url = given ?? cluster!.url;
  const template = await migratedTemplate(url);
  project.provide('postgresUrl', url);
  project.provide('postgresTemplate', template);
  return async () => {
    if (cluster) return cluster.stop();
    await asSuperuser(url, `drop database if exists ${template}`);
  };
}

/**
 * Migrating a new database costs seconds on PostgreSQL (every migration's DDL in its own
 * transaction), copying a migrated one a fraction of that: the migrations run once per run,
 * into a template of the run's own (several runs may share a server).
 */
async function migratedTemplate(url: string): Promise<string> {
  const name = `portal_test_template_${randomBytes(6).toString('hex')}`;
  await asSuperuser(url, `create database ${name} template template0 encoding 'UTF8' locale 'C.UTF-8'`);
  const server = new URL(url);
  server.pathname = `/${name}`;
  const db = connectDatabase({
    databasePath: join(tmpdir(), `${name}.db`),
    databaseUrl: server.href,
    databasePoolSize: 1,
    writeWaitMilliseconds: 10_000,
  });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return name;
}

/** Runs `statement` on its own connection to `url` (CREATE and DROP DATABASE cannot run in a transaction). */
export async function asSuperuser(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A throw-away PostgreSQL cluster in a folder of its own, on a free port (the tests', the
 * benchmark's): initdb (as the postgres user when run as root, which initdb refuses),
 * C.UTF-8. `durable: false` (the tests) turns fsync off, since its data dies with the run;
 * a benchmark keeps PostgreSQL's defaults, so that its figures are a real server's.
 */
export async function startThrowAwayCluster({ durable = false } = {}): Promise<{ url: string; stop: () => void }> {
  if (!existsSync(postgresProgram('initdb'))) {
    throw new Error('PostgreSQL 15 is needed for the PostgreSQL half of the tests: apt-get install postgresql-15 (.ci/run does it)');
  }
  const folder = mkdtempSync(join(tmpdir(), 'portal-postgres-'));
  const root = process.getuid?.() === 0;
  if (root)
    chownSync(
      folder,
      Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
    );
  const run = (program: string, args: string[]) => {
    const command = [postgresProgram(program), ...args];
    const result = root
      ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ')], {
          encoding: 'utf8',
        })
      : spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${program} failed: ${result.stderr || result.stdout}`);
  };
  const data = join(folder, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '--locale=C.UTF-8', '--encoding=UTF8', '--auth=trust', '--username=postgres']);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(folder, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c max_connections=300${durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'}`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
