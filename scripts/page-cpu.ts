/**
 * Server CPU per request, per kind of page, over the database PORTAL_DB:
 *   PORTAL_DB=data/national.db npm run page-cpu -- [--requests N]
 * Starts the built portal (as `npm start` does) on a free port, asks each kind of page N
 * times at addresses that vary (other certificates, list pages, provinces, queries: nothing
 * a cache could answer twice), one request at a time, and reads the server's CPU from the
 * kernel's accounting of its threads (/proc, Linux): the main thread (the pages) and the
 * whole process (with the search worker, which builds its index at first: search is
 * measured last, once it answers, if it does within --search-wait seconds). A noisy machine slows the requests, not the CPU
 * they take. Figures only; it judges nothing.
 */
import SQLite from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from './build.ts';
import { fromInvocationFolder } from './command.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200' }, 'search-wait': { type: 'string', default: '60' } } });
const REQUESTS = Number(values.requests);
/** Seconds to wait for the search index: at national size lunr takes longer than a measurement should. */
const SEARCH_WAIT_SECONDS = Number(values['search-wait']);
const WARMUP = 10;
const databasePath = fromInvocationFolder(process.env.PORTAL_DB ?? 'data/portal.db');
const TICKS_PER_SECOND = 100;

/** A fixed-seed generator, so every run asks the same addresses. */
let state = 20261126;
function below(limit: number): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * limit);
}
const pick = <T>(list: readonly T[]): T => list[below(list.length)]!;

/** Samples of what the addresses name, read by id (index seeks) from the database itself. */
function samples() {
  const db = new SQLite(databasePath, { readonly: true, fileMustExist: true });
  const last = (table: string) => (db.prepare(`select max(id) as id from ${table}`).get() as { id: number }).id;
  const byId = <Row>(sql: string, table: string, count: number): Row[] => {
    const statement = db.prepare(sql);
    const rows: Row[] = [];
    const top = last(table);
    while (rows.length < count) {
      const row = statement.get(1 + below(top)) as Row | undefined;
      if (row) rows.push(row);
    }
    return rows;
  };
  const certificates = byId<{ number: string; uscc: string; name: string }>(
    'select number, uscc, name from certificate join organisation on organisation.id = organisation_id where certificate.id = ?',
    'certificate',
    400,
  );
  const notices = byId<{ id: number }>('select id from notice where id = ?', 'notice', 400).map((row) => row.id);
  const tracking = byId<{ tracking_number: string }>('select tracking_number from comment where id = ?', 'comment', 200).map(
    (row) => row.tracking_number,
  );
  const provinces = (db.prepare('select distinct province from organisation where id < 5000').all() as { province: string }[]).map(
    (row) => row.province,
  );
  const schemes = (db.prepare('select code from scheme').all() as { code: string }[]).map((row) => row.code);
  db.close();
  return { certificates, notices, tracking, provinces, schemes };
}

const KINDS = ['initial', 'surveillance', 'recertification', 'level_change', 'scope_change'];
const WORDS = ['物业服务', '售后', '家电维修', '评价组', '五星', '餐饮', '上海', '投诉处理', '服务承诺', '现场评价'];

function pageKinds(s: ReturnType<typeof samples>): [string, () => { path: string; init?: RequestInit }][] {
  const q = encodeURIComponent;
  const nameFragment = () => {
    const name = Array.from(pick(s.certificates).name.replace(/(股份有限公司|有限责任公司|有限公司)$/, ''));
    const length = 2 + below(3);
    const start = below(Math.max(1, name.length - length));
    return name.slice(start, start + length).join('');
  };
  const get = (path: string) => () => ({ path });
  return [
    ['home /', get('/')],
    ['/notices?page=1..100', () => ({ path: `/notices?page=${1 + below(100)}` })],
    ['/notices?province=&page=', () => ({ path: `/notices?province=${q(pick(s.provinces))}&page=${1 + below(5)}` })],
    ['/notices?kind=&scheme=', () => ({ path: `/notices?kind=${pick(KINDS)}&scheme=${pick(s.schemes)}&page=${1 + below(5)}` })],
    ['/notices?state=closed&year=&page=', () => ({ path: `/notices?state=closed&year=${2022 + below(5)}&page=${1 + below(100)}` })],
    ['/notices/{id}', () => ({ path: `/notices/${pick(s.notices)}` })],
    ['/feeds/notices.xml?province=', () => ({ path: `/feeds/notices.xml?province=${q(pick(s.provinces))}` })],
    ['/feeds/decisions.xml', get('/feeds/decisions.xml')],
    ['/feeds/certificates/{number}.xml', () => ({ path: `/feeds/certificates/${q(pick(s.certificates).number)}.xml` })],
    ['/certificates?q={number}', () => ({ path: `/certificates?q=${q(pick(s.certificates).number)}` })],
    ['/certificates?q={USCC}', () => ({ path: `/certificates?q=${pick(s.certificates).uscc}` })],
    ['/certificates?q={part of a name}', () => ({ path: `/certificates?q=${q(nameFragment())}` })],
    ['/certificates?q=有限公司&page=', () => ({ path: `/certificates?q=${q('有限公司')}&page=${1 + below(25)}` })],
    ['/certificates/{number}', () => ({ path: `/certificates/${q(pick(s.certificates).number)}` })],
    ['/certificates/{unknown number}', () => ({ path: `/certificates/${q(`${pick(s.certificates).number.slice(0, -2)}9X`)}` })],
    ['/comments/{tracking}', () => ({ path: `/comments/${pick(s.tracking)}` })],
    ['/api/v1/certificates/{number}', () => ({ path: `/api/v1/certificates/${q(pick(s.certificates).number)}` })],
    ['/api/v1/certificates?q={part of a name}', () => ({ path: `/api/v1/certificates?q=${q(nameFragment())}` })],
    ['/api/v1/notices?page=', () => ({ path: `/api/v1/notices?page=${1 + below(100)}` })],
    ['/api/v1/notices/{id}', () => ({ path: `/api/v1/notices/${pick(s.notices)}` })],
    [
      'POST /api/v1/certificates/verify (20 numbers)',
      () => ({
        path: '/api/v1/certificates/verify',
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ numbers: Array.from({ length: 20 }, () => pick(s.certificates).number) }),
        },
      }),
    ],
    ['/search?q=', () => ({ path: `/search?q=${q(pick(WORDS))}&page=${1 + below(3)}` })],
  ];
}

/** CPU seconds the kernel has counted for one thread, or for the whole process. */
function cpuSeconds(pid: number, thread?: number): number {
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function startServer(): Promise<{ baseUrl: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/start.ts')], {
    cwd: projectRoot,
    // One process: the main thread measured is the one that renders the pages.
    env: { ...process.env, PORTAL_DB: databasePath, HOST: '127.0.0.1', PORT: '0', PORTAL_PROCESSES: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /Portal listening on (http:\/\/[\d.]+:\d+)/.exec(printed);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`The portal stopped (${code}):\n${printed}`)));
  });
  return { baseUrl, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

async function searchReady(baseUrl: string): Promise<boolean> {
  const until = Date.now() + SEARCH_WAIT_SECONDS * 1000;
  for (;;) {
    const response = await fetch(`${baseUrl}/api/v1/search?q=${encodeURIComponent('物业')}`);
    await response.arrayBuffer();
    if (response.status === 200) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

async function main(): Promise<void> {
  const sampled = samples();
  const server = await startServer();
  try {
    console.log(`${databasePath}: server CPU per request, ${REQUESTS} requests per kind, one at a time`);
    console.log('| page | main thread (ms) | whole process (ms) | statuses |');
    console.log('| --- | ---: | ---: | --- |');
    for (const [name, address] of pageKinds(sampled)) {
      // Search answers 503 while its index is first built: measured last, once it is ready.
      if (name.startsWith('/search') && !(await searchReady(server.baseUrl))) {
        console.log(`| ${name} | not measured: the index was not ready after ${SEARCH_WAIT_SECONDS} s | | |`);
        continue;
      }
      const ask = async () => {
        const { path, init } = address();
        const response = await fetch(`${server.baseUrl}${path}`, init);
        await response.arrayBuffer();
        return response.status;
      };
      for (let i = 0; i < WARMUP; i++) await ask();
      const statuses = new Map<number, number>();
      const [main, whole] = [cpuSeconds(server.pid, server.pid), cpuSeconds(server.pid)];
      for (let i = 0; i < REQUESTS; i++) {
        const status = await ask();
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      const perRequest = (seconds: number) => ((seconds * 1000) / REQUESTS).toFixed(2);
      const told = [...statuses].map(([status, count]) => `${status}×${count}`).join(' ');
      console.log(`| ${name} | ${perRequest(cpuSeconds(server.pid, server.pid) - main)} | ${perRequest(cpuSeconds(server.pid) - whole)} | ${told} |`);
    }
  } finally {
    server.stop();
  }
}

await main();
