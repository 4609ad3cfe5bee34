import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { postgresProgram } from '../../src/lib/db/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server the tests may create databases in, as its superuser. */
    postgresUrl: string;
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
 * A throw-away PostgreSQL cluster for the PostgreSQL half of the tests, in a folder of its
 * own, on a free port: initdb (as the postgres user when run as root, which initdb refuses),
 * C.UTF-8, no fsync (its data dies with the run). PORTAL_TEST_POSTGRES_URL names a server to
 * use instead.
 */
export default async function startCluster(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.PORTAL_TEST_POSTGRES_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return undefined;
  }
  if (!existsSync(postgresProgram('initdb'))) {
    throw new Error('PostgreSQL 15 is needed for the PostgreSQL half of the tests: apt-get install postgresql-15 (.ci/run does it)');
  }
  const folder = mkdtempSync(join(tmpdir(), 'portal-postgres-'));
  const root = process.getuid?.() === 0;
  if (root) chownSync(folder, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const run = (program: string, args: string[]) => {
    const command = [postgresProgram(program), ...args];
    const result = root
      ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ')], { encoding: 'utf8' })
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
    `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  project.provide('postgresUrl', `postgres://postgres@127.0.0.1:${port}/postgres`);
  return () => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    rmSync(folder, { recursive: true, force: true });
  };
}
