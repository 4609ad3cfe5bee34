/**
 * `npm run bench [-- --national] [--postgres] [--demo-only] [--seconds N]`: the served portal,
 * page kind by page kind, on the demo data set and a larger one side by side (100,000
 * certificates and 20,000 notices; 1,000,000 and 200,000 with --national; the demo set alone
 * with --demo-only). The SQLite data sets are made once with `npm run seed` into .bench/ and
 * kept. --postgres runs the same on PostgreSQL beside SQLite: a throw-away cluster with
 * PostgreSQL's default durability, seeded anew each run, or the server PORTAL_BENCH_POSTGRES_URL
 * names, on which the seeded databases are kept like the SQLite files; and throughput with two
 * instances on one database against one. Load comes from wrk in a process of its own; CPU is
 * read from the server's own accounting (process.cpuUsage over the IPC channel the portal
 * opens with PORTAL_BENCH=1), so it stays steady on a busy machine. Prints figures and the
 * goals they are held to; judges nothing else.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase, type DatabaseLocation } from '../../src/lib/db/connect.ts';
import type { ProcessStats } from '../../src/lib/web/runtime/process-stats.ts';
import { startThrowAwayCluster } from '../../tests/support/postgres-cluster.ts';
import { startPortal, type RunningPortal } from '../../tests/support/server.ts';
import { ensureFreshBuild, projectRoot } from '../build.ts';
import { sampler } from './sampler.ts';

const { values: options } = parseArgs({
  options: {
    national: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    'demo-only': { type: 'boolean', default: false },
    seconds: { type: 'string', default: '4' },
  },
  strict: true,
});
const SECONDS = Number(options.seconds);
const FOLDER = join(projectRoot, '.bench');
const DATA_SETS = [
  { name: 'demo', certificates: 2000, notices: 300 },
  options.national ? { name: 'national', certificates: 1_000_000, notices: 200_000 } : { name: 'large', certificates: 100_000, notices: 20_000 },
].slice(0, options['demo-only'] ? 1 : 2);
/** What a browser sends: the portal then compresses as it would for people. */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };
const ADDRESSES_PER_KIND = 2000;

type DataSet = (typeof DATA_SETS)[number];

/** A data set in one database: what a portal is started with, and where the bench reads its addresses. */
interface SeededDataSet {
  database: 'SQLite' | 'PostgreSQL';
  env: Record<string, string>;
  location: DatabaseLocation;
  seedSeconds: number;
}

const seedArguments = (set: DataSet, replace: boolean) => [
  '--import',
  'tsx',
  join(projectRoot, 'scripts/seed.ts'),
  '--certificates',
  String(set.certificates),
  '--notices',
  String(set.notices),
  ...(replace ? ['--replace'] : []),
];

const locationOf = (path: string, url: string | null): DatabaseLocation => ({
  databasePath: path,
  databaseUrl: url,
  databasePoolSize: 2,
  writeWaitMilliseconds: 5000,
});

/** Seeds the SQLite data set once, and remembers how long that took. */
function sqliteDataSet(set: DataSet): SeededDataSet {
  mkdirSync(FOLDER, { recursive: true });
  const path = join(FOLDER, `${set.name}.db`);
  const facts = join(FOLDER, `${set.name}.json`);
  if (!existsSync(path) || !existsSync(facts)) {
    console.log(`Seeding ${path} (${set.certificates.toLocaleString('en')} certificates, ${set.notices.toLocaleString('en')} notices), once…`);
    const started = performance.now();
    const run = spawnSync(process.execPath, seedArguments(set, true), {
      cwd: projectRoot,
      env: { ...process.env, PORTAL_DB: path },
      stdio: 'inherit',
    });
    if (run.status !== 0) throw new Error(`seeding ${path} failed`);
    writeFileSync(facts, JSON.stringify({ seedSeconds: (performance.now() - started) / 1000 }));
  }
  const seedSeconds = (JSON.parse(readFileSync(facts, 'utf8')) as { seedSeconds: number }).seedSeconds;
  return { database: 'SQLite', env: { PORTAL_DB: path }, location: locationOf(path, null), seedSeconds };
}

/**
 * The data set in a database on the PostgreSQL server at `serverUrl`, seeded by `npm run seed`.
 * A server of the bench's own dies with the run, so it is seeded anew; on the server
 * PORTAL_BENCH_POSTGRES_URL names, the database is kept (`portal_bench_<set>`, with how long
 * its seed took in .bench/) and seeded once, as the SQLite files are.
 */
async function postgresDataSet(set: DataSet, serverUrl: string, keep: boolean): Promise<SeededDataSet> {
  const name = keep ? `portal_bench_${set.name}` : `portal_bench_${set.name}_${Date.now()}`;
  const facts = join(FOLDER, `postgres-${set.name}.json`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  const seeded = keep && exists && existsSync(facts);
  if (!seeded) {
    rmSync(facts, { force: true });
    if (exists) await admin.query(`drop database ${name}`);
    await admin.query(`create database ${name} template template0 encoding 'UTF8' locale 'C.UTF-8'`);
  }
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // The instance's own files (salt, saved search index) beside a PORTAL_DB of its own.
  mkdirSync(FOLDER, { recursive: true });
  const path = keep ? join(FOLDER, `postgres-${set.name}.db`) : join(mkdtempSync(join(tmpdir(), 'portal-bench-')), 'portal.db');
  const env = { PORTAL_DB: path, PORTAL_DATABASE_URL: url.href };
  if (!seeded) {
    console.log(
      `Seeding PostgreSQL database ${name} (${set.certificates.toLocaleString('en')} certificates, ${set.notices.toLocaleString('en')} notices)${keep ? ', once' : ''}…`,
    );
    const started = performance.now();
    const run = spawnSync(process.execPath, seedArguments(set, false), { cwd: projectRoot, env: { ...process.env, ...env }, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`seeding ${name} failed`);
    writeFileSync(facts, JSON.stringify({ seedSeconds: (performance.now() - started) / 1000 }));
  }
  const seedSeconds = (JSON.parse(readFileSync(facts, 'utf8')) as { seedSeconds: number }).seedSeconds;
  return { database: 'PostgreSQL', env, location: locationOf(path, url.href), seedSeconds };
}

interface PageKind {
  label: string;
  addresses: string[];
}

/** Addresses that vary, as people ask them: random certificates, notices, list pages, provinces, words. */
async function pageKinds(location: DatabaseLocation): Promise<PageKind[]> {
  const db = connectDatabase(location);
  const random = sampler(20261202);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random(list.length))]!;
  const count = async (table: 'certificate' | 'notice') =>
    Number((await sql<{ n: number }>`select max(id) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
  const [certificateIds, noticeIds] = await Promise.all([count('certificate'), count('notice')]);
  const sampleIds = (top: number) => Array.from({ length: ADDRESSES_PER_KIND }, () => 1 + Math.floor(random(top)));
  const numbers = (await db.selectFrom('certificate').select('number').where('id', 'in', sampleIds(certificateIds)).execute()).map(
    (row) => row.number,
  );
  const names = (
    await db
      .selectFrom('certificate')
      .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
      .select('organisation.name')
      .where('certificate.id', 'in', sampleIds(certificateIds).slice(0, 500))
      .execute()
  ).map((row) => row.name);
  const notices = (await db.selectFrom('notice').select('id').where('id', 'in', sampleIds(noticeIds)).execute()).map((row) => row.id);
  const provinces = (await db.selectFrom('organisation').select('province').distinct().execute()).map((row) => row.province);
  await db.destroy();
  const listPages = Math.max(1, Math.ceil(noticeIds / 20));
  const many = (make: () => string) => Array.from({ length: ADDRESSES_PER_KIND }, make);
  // Two to four consecutive characters of a holder's name, without its legal form.
  const namePiece = () => {
    const characters = Array.from(pick(names).replace(/(股份有限公司|有限责任公司|有限公司|分公司|集团)+.*$/, ''));
    const length = 2 + Math.floor(random(Math.min(3, characters.length - 1)));
    const start = Math.floor(random(characters.length - length + 1));
    return encodeURIComponent(characters.slice(start, start + length).join(''));
  };
  return [
    { label: 'home `/`, `/en`', addresses: ['/', '/en'] },
    { label: '`/notices?page=N`', addresses: many(() => `/notices?page=${1 + Math.floor(random(listPages))}`) },
    {
      label: '`/notices?province=…&page=N`',
      addresses: many(() => `/notices?province=${encodeURIComponent(pick(provinces))}&page=${1 + Math.floor(random(20))}`),
    },
    { label: '`/notices/{id}`', addresses: notices.map((id) => `/notices/${id}`) },
    { label: '`/certificates/{number}`', addresses: numbers.map((number) => `/certificates/${encodeURIComponent(number)}`) },
    { label: '`/certificates?q=` (part of a name)', addresses: many(() => `/certificates?q=${namePiece()}`) },
    { label: '`/search?q=` (never kept)', addresses: many(() => `/search?q=${namePiece()}`) },
    {
      label: '`/feeds/notices.xml?province=…`, `/feeds/decisions.xml`',
      addresses: many(() => (random(2) < 1 ? '/feeds/decisions.xml' : `/feeds/notices.xml?province=${encodeURIComponent(pick(provinces))}`)),
    },
    { label: '`/feeds/certificates/{number}.xml`', addresses: numbers.map((number) => `/feeds/certificates/${encodeURIComponent(number)}.xml`) },
    { label: '`/api/v1/certificates/{number}`', addresses: numbers.map((number) => `/api/v1/certificates/${encodeURIComponent(number)}`) },
    { label: '`/api/v1/notices?page=N`', addresses: many(() => `/api/v1/notices?page=${1 + Math.floor(random(listPages))}`) },
  ];
}

interface Load {
  requests: number;
  perSecond: number;
  failures: number;
  p50: number;
  p95: number;
  p99: number;
}

/** wrk's Lua: addresses in turn from a file; requests, errors, duration and percentiles printed in one line. */
const WRK_SCRIPT = `
local paths = {}
for line in io.lines(os.getenv("BENCH_ADDRESSES")) do paths[#paths + 1] = line end
local headers = {}
for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\\n]+") do
  local name, value = pair:match("^([^:]+):%s*(.*)$")
  headers[name] = value
end
local next = 0
request = function()
  next = next % #paths + 1
  return wrk.format("GET", paths[next], headers)
end
done = function(summary, latency)
  io.write(string.format("BENCH %d %d %.3f %.3f %.3f %.3f\\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
`;

let wrkRuns = 0;

/** Runs wrk against `baseUrl` over `addresses` and reads its summary line. */
function wrk(baseUrl: string, addresses: string[], connections: number, headers: Record<string, string>, seconds = SECONDS): Promise<Load> {
  // Files of each run's own: two wrk at once (two instances) must not read each other's half-written files.
  wrkRuns += 1;
  const listFile = join(FOLDER, `addresses-${wrkRuns}.txt`);
  const scriptFile = join(FOLDER, `addresses-${wrkRuns}.lua`);
  writeFileSync(listFile, `${addresses.join('\n')}\n`);
  writeFileSync(scriptFile, WRK_SCRIPT);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', scriptFile, baseUrl], {
      env: {
        ...process.env,
        BENCH_ADDRESSES: listFile,
        BENCH_HEADERS: Object.entries(headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join('\n'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      rmSync(listFile, { force: true });
      rmSync(scriptFile, { force: true });
      const match = /BENCH (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(printed);
      const failures = Number(/Non-2xx or 3xx responses: (\d+)/.exec(printed)?.[1] ?? 0);
      if (!match) return reject(new Error(`wrk printed no summary:\n${printed}`));
      const [, requests, errors, duration, p50, p95, p99] = match.map(Number) as number[];
      resolve({ requests: requests!, perSecond: requests! / duration!, failures: errors! + failures, p50: p50!, p95: p95!, p99: p99! });
    });
  });
}

const cpuOf = (processes: ProcessStats[]) => processes.reduce((sum, p) => sum + p.cpuMicros, 0);

/** Load and the server CPU it cost, per request (milliseconds). */
async function measured(portal: RunningPortal, addresses: string[], connections: number, headers: Record<string, string>) {
  await wrk(portal.baseUrl, addresses.slice(0, 50), connections, headers, 1); // warm up
  const before = await portal.stats();
  const load = await wrk(portal.baseUrl, addresses, connections, headers);
  const after = await portal.stats();
  return { ...load, cpuPerRequest: (cpuOf(after) - cpuOf(before)) / 1000 / load.requests, after };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Until search answers and the portal has settled: the search threads finish their build or
 * catch-up and merges after they answer, and their CPU is the process's too.
 */
async function untilSettled(portal: RunningPortal): Promise<void> {
  const started = Date.now();
  while ((await fetch(`${portal.baseUrl}/api/v1/search?q=%E6%9C%8D%E5%8A%A1`)).status !== 200) {
    if (Date.now() - started > 30 * 60_000) throw new Error('search never became ready');
    await sleep(500);
  }
  for (;;) {
    const before = cpuOf(await portal.stats());
    await sleep(1000);
    // Less than 3 % of a core over a second: idle.
    if (cpuOf(await portal.stats()) - before < 30_000 || Date.now() - started > 30 * 60_000) return;
  }
}

/** The body and headers of one answer, for the bare server to send byte for byte. */
async function answerOf(baseUrl: string, address: string): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const response = await fetch(`${baseUrl}${address}`, { headers: { 'accept-encoding': 'identity' } });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)) headers[name] = value;
  });
  return { headers, body: Buffer.from(await response.arrayBuffer()) };
}

async function bareServer(answer: { headers: Record<string, string>; body: Buffer }): Promise<{ baseUrl: string; stop: () => void }> {
  const file = join(FOLDER, 'bare-answer.json');
  writeFileSync(file, JSON.stringify({ headers: answer.headers, body: answer.body.toString('base64') }));
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/bench/bare-http.ts'), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => resolve(Number(/listening (\d+)/.exec(chunk.toString())?.[1]))),
  );
  return { baseUrl: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

interface DataSetFigures {
  set: DataSet;
  database: SeededDataSet['database'];
  seedSeconds: number;
  kinds: { label: string; uncached: Load & { cpuPerRequest: number }; repeated: Load & { cpuPerRequest: number } }[];
  uncachedCertificate: Load;
  cachedCertificate: Load;
  bare: Load;
  mix: { load: Load; delay: { p99: number; max: number } };
  /** Resident memory of the one process: the server and its search threads. */
  rss: number;
  /** Uncached certificate pages, the same load spread over two instances on the one database (PostgreSQL only). */
  twoInstances?: Load;
}

/** The same load as wrk -c`connections` on one instance, spread over two on the one database: requests a second of both together. */
async function spreadOverTwo(first: RunningPortal, second: RunningPortal, addresses: string[], connections: number): Promise<Load> {
  const half = addresses.length / 2;
  const [one, other] = await Promise.all([
    wrk(first.baseUrl, addresses.slice(0, half), connections / 2, {}),
    wrk(second.baseUrl, addresses.slice(half), connections / 2, {}),
  ]);
  const both = (pick: (load: Load) => number) => Math.max(pick(one), pick(other));
  return {
    requests: one.requests + other.requests,
    perSecond: one.perSecond + other.perSecond,
    failures: one.failures + other.failures,
    p50: both((l) => l.p50),
    p95: both((l) => l.p95),
    p99: both((l) => l.p99),
  };
}

async function benchDataSet(set: DataSet, seeded: SeededDataSet): Promise<DataSetFigures> {
  const { env, seedSeconds, database } = seeded;
  const path = env.PORTAL_DB!;
  const kinds = await pageKinds(seeded.location);
  const certificatePages = kinds.find((kind) => kind.label.startsWith('`/certificates/{number}`'))!.addresses;
  console.log(`\n${set.name} on ${database}: ${kinds.length} page kinds, ${SECONDS} s each…`);

  // Rendered every time: the response cache off, so every kind costs what a new address costs.
  const uncachedPortal = await startPortal(path, { ...env, PORTAL_BENCH: '1', PORTAL_CACHE_MB: '0', PORTAL_PROCESSES: '1' });
  const uncached: (Load & { cpuPerRequest: number })[] = [];
  let uncachedCertificate: Load;
  let mix: DataSetFigures['mix'];
  let rss: DataSetFigures['rss'];
  let twoInstances: Load | undefined;
  try {
    await untilSettled(uncachedPortal);
    for (const kind of kinds) {
      uncached.push(await measured(uncachedPortal, kind.addresses, 2, BROWSER));
      console.log(`  ${kind.label}: ${ms(uncached.at(-1)!.cpuPerRequest)} ms CPU per request`);
    }
    uncachedCertificate = await wrk(uncachedPortal.baseUrl, certificatePages, 32, {});
    // Every kind at once, as a day's traffic mixes them: how long any request held the event loop.
    const everything = kinds.flatMap((kind) => kind.addresses.slice(0, 200));
    const shuffle = sampler(7);
    for (let i = everything.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle(i + 1));
      [everything[i], everything[j]] = [everything[j]!, everything[i]!];
    }
    await uncachedPortal.stats();
    const mixLoad = await wrk(uncachedPortal.baseUrl, everything, 8, BROWSER);
    const after = await uncachedPortal.stats();
    const server = after.find((p) => p.role === 'server')!;
    mix = { load: mixLoad, delay: server.eventLoopDelay! };
    rss = server.rssBytes;
    if (database === 'PostgreSQL') {
      const secondPortal = await startPortal(path, { ...env, PORTAL_BENCH: '1', PORTAL_CACHE_MB: '0', PORTAL_PROCESSES: '1' });
      try {
        await untilSettled(secondPortal);
        twoInstances = await spreadOverTwo(uncachedPortal, secondPortal, certificatePages, 32);
      } finally {
        await secondPortal.stop();
      }
    }
  } finally {
    await uncachedPortal.stop();
  }

  // The cache on, as `npm start` runs: each kind asked again and again at two addresses.
  const cachedPortal = await startPortal(path, { ...env, PORTAL_BENCH: '1', PORTAL_PROCESSES: '1' });
  try {
    await untilSettled(cachedPortal);
    const figures: DataSetFigures['kinds'] = [];
    for (const [index, kind] of kinds.entries()) {
      figures.push({ label: kind.label, uncached: uncached[index]!, repeated: await measured(cachedPortal, kind.addresses.slice(0, 2), 2, BROWSER) });
    }
    const popular = certificatePages[0]!;
    const cachedCertificate = await wrk(cachedPortal.baseUrl, [popular], 32, {});
    const bare = await bareServer(await answerOf(cachedPortal.baseUrl, popular));
    try {
      const bareLoad = await wrk(bare.baseUrl, [popular], 32, {});
      return { set, database, seedSeconds, kinds: figures, uncachedCertificate, cachedCertificate, bare: bareLoad, mix, rss, twoInstances };
    } finally {
      bare.stop();
    }
  } finally {
    await cachedPortal.stop();
  }
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const rate = (value: number) => Math.round(value).toLocaleString('en');

function report(results: DataSetFigures[]): void {
  const sizes = results.map(
    (r) => `${r.set.certificates.toLocaleString('en')} / ${r.set.notices.toLocaleString('en')}${options.postgres ? ` (${r.database})` : ''}`,
  );
  console.log(
    `\nServer CPU per request (ms) and latency (ms, p50 / p95 / p99, 2 connections), addresses varying, response cache off; and the same kind repeated at two addresses with the cache on:`,
  );
  console.log(
    `| page | ${sizes.map((size) => `CPU at ${size}`).join(' | ')} | ${sizes.map((size) => `latency at ${size}`).join(' | ')} | ${sizes.map((size) => `repeated, CPU at ${size}`).join(' | ')} |`,
  );
  console.log(`| --- |${' ---: |'.repeat(sizes.length * 3)}`);
  results[0]!.kinds.forEach((kind, index) => {
    const at = results.map((r) => r.kinds[index]!);
    console.log(
      `| ${kind.label} | ${at.map((k) => ms(k.uncached.cpuPerRequest)).join(' | ')} | ${at.map((k) => `${ms(k.uncached.p50)} / ${ms(k.uncached.p95)} / ${ms(k.uncached.p99)}`).join(' | ')} | ${at.map((k) => ms(k.repeated.cpuPerRequest)).join(' | ')} |`,
    );
  });
  console.log(`\nThroughput with wrk -t1 -c32 (requests a second), one server process:`);
  console.log(`| | ${sizes.join(' | ')} |`);
  console.log(`| --- |${' ---: |'.repeat(sizes.length)}`);
  console.log(`| uncached certificate pages (addresses varying) | ${results.map((r) => rate(r.uncachedCertificate.perSecond)).join(' | ')} |`);
  console.log(`| cached certificate page (one address) | ${results.map((r) => rate(r.cachedCertificate.perSecond)).join(' | ')} |`);
  console.log(`| bare node:http sending the same bytes | ${results.map((r) => rate(r.bare.perSecond)).join(' | ')} |`);
  console.log(`| cached / bare | ${results.map((r) => `${Math.round((100 * r.cachedCertificate.perSecond) / r.bare.perSecond)} %`).join(' | ')} |`);
  console.log(`\nUnder the mix of every kind (8 connections, cache off):`);
  console.log(`| | ${sizes.join(' | ')} |`);
  console.log(`| --- |${' ---: |'.repeat(sizes.length)}`);
  console.log(`| event-loop delay p99 / max (ms) | ${results.map((r) => `${ms(r.mix.delay.p99)} / ${ms(r.mix.delay.max)}`).join(' | ')} |`);
  console.log(`| requests a second, failures | ${results.map((r) => `${rate(r.mix.load.perSecond)}, ${r.mix.load.failures}`).join(' | ')} |`);
  console.log(`| resident memory (the one process, search threads included) | ${results.map((r) => mb(r.rss)).join(' | ')} |`);
  console.log(`| seed time | ${results.map((r) => `${r.seedSeconds.toFixed(0)} s`).join(' | ')} |`);
  const onPostgres = results.filter((r) => r.twoInstances);
  if (onPostgres.length > 0) {
    console.log(`\nUncached certificate pages on PostgreSQL, wrk with 32 connections in all (requests a second):`);
    console.log(`| | ${onPostgres.map((r) => `${r.set.certificates.toLocaleString('en')} / ${r.set.notices.toLocaleString('en')}`).join(' | ')} |`);
    console.log(`| --- |${' ---: |'.repeat(onPostgres.length)}`);
    console.log(`| one instance | ${onPostgres.map((r) => rate(r.uncachedCertificate.perSecond)).join(' | ')} |`);
    console.log(`| two instances on the one database | ${onPostgres.map((r) => rate(r.twoInstances!.perSecond)).join(' | ')} |`);
  }

  // Held to the goals: the larger data set on SQLite, the embedded default.
  const large = results.filter((r) => r.database === 'SQLite').at(-1)!;
  const repeatedWorst = Math.max(...large.kinds.filter((kind) => !kind.label.includes('never kept')).map((kind) => kind.repeated.cpuPerRequest));
  const goals: [string, boolean][] = [
    [
      `cached certificate page ≥ 50 % of bare node:http (${Math.round((100 * large.cachedCertificate.perSecond) / large.bare.perSecond)} %)`,
      large.cachedCertificate.perSecond >= 0.5 * large.bare.perSecond,
    ],
    [
      `uncached certificate pages ≥ 2,000 requests a second (${rate(large.uncachedCertificate.perSecond)})`,
      large.uncachedCertificate.perSecond >= 2000,
    ],
    [`no request holds the event loop > 20 ms (max ${ms(large.mix.delay.max)} ms)`, large.mix.delay.max <= 20],
    [`a repeated page ≤ 2 ms CPU (worst of the kinds kept: ${ms(repeatedWorst)} ms)`, repeatedWorst <= 2],
  ];
  console.log(`\nGoals at ${large.set.certificates.toLocaleString('en')} / ${large.set.notices.toLocaleString('en')} on SQLite:`);
  for (const [goal, met] of goals) console.log(`- ${met ? 'met' : 'NOT met'}: ${goal}`);
}

ensureFreshBuild();
const results: DataSetFigures[] = [];
for (const set of DATA_SETS) results.push(await benchDataSet(set, sqliteDataSet(set)));
if (options.postgres) {
  const given = process.env.PORTAL_BENCH_POSTGRES_URL;
  const cluster = given ? undefined : await startThrowAwayCluster({ durable: true });
  try {
    for (const set of DATA_SETS) results.push(await benchDataSet(set, await postgresDataSet(set, given ?? cluster!.url, given !== undefined)));
  } finally {
    cluster?.stop();
  }
}
report(results);
