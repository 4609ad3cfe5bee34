/**
 * The notice search benchmark, run by `npm run bench` (or alone:
 * `node --expose-gc --import tsx scripts/bench/search.ts [DB...]`). Per database, each phase
 * runs in a process of its own, so memory and CPU are that phase's, read from the process's
 * own accounting (resourceUsage, cpuUsage; every thread of the process included):
 *
 * - first build: the search threads over an empty index folder, until search answers, then
 *   until the merges that follow are done;
 * - restart: the same folder, until search answers; the memory the loaded index holds;
 *   queries (1,000 of two to five characters of a name, a scope or a summary, 1,000 of
 *   common words), through the query thread as the server asks it;
 * - the whole portal (`npm start`'s server) over that folder: its resident memory once search
 *   answers and after 200 searches (read from /proc, so on Linux);
 * - 100 single-notice changes written by another process, one at a time: the time from its
 *   commit to the notice being found, the CPU each change costs (beyond what the same wait
 *   costs with nothing written, measured just before), the merges they cause.
 *
 * A benchmark, not a test: it prints figures and judges nothing.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/lib/ground/config/config.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { openDatabase } from '../../src/lib/db/sqlite.ts';
import { readNoticeEntries } from '../../src/lib/domain/search/corpus.ts';
import { NoticeSearch, searchIndexFolder, type NoticeSearchStatus } from '../../src/lib/domain/search/service.ts';
import { projectRoot } from '../build.ts';
import { seedDemoData } from '../demo/generate.ts';
import { sampler } from './sampler.ts';

/** The national data set's notices, for search: BENCH_SEARCH_DB, made once when missing. */
const NATIONAL = { certificates: 300_000, notices: 200_000, seed: 20261126 };
export const nationalSearchDatabase = process.env.BENCH_SEARCH_DB ?? 'data/bench-search-200k.db';

const QUERIES = 1000;
const WARMUP = 100;
const CHANGES = 100;
/** How often the bench asks whether a change is found yet. */
const POLL_MS = 20;
const IDLE_SAMPLE_MS = 10_000;
const COMMON_WORDS = ['服务', '有限公司', '现场评价', '物业服务', '售后'];
const MB = 1e6;

type Phase = 'build' | 'serve';

interface Percentiles {
  p50: number;
  p95: number;
  max: number;
}

interface BuildFigures {
  notices: number;
  readySeconds: number;
  cpuSeconds: number;
  settledSeconds: number;
  parts: number;
  peakRssMb: number;
  largestMerge: { notices: number; milliseconds: number } | null;
}

interface ServeFigures {
  readySeconds: number;
  memory: { queryHeapMb: number; indexerHeapMb: number; partsMb: number; rssMb: number };
  typed: Percentiles;
  common: Percentiles;
  cpuPerQueryMs: number;
  commitToFound: Percentiles;
  cpuPerChangeMs: number;
  merges: { count: number; milliseconds: number; largest: number };
  peakRssMb: number;
}

function percentiles(timings: number[]): Percentiles {
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const peakRssMb = () => (process.resourceUsage().maxRSS * 1024) / MB;
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function whenReady(search: NoticeSearch): Promise<void> {
  while (!search.ready) await pause(20);
}

/** Until no merge or save runs and no merge has started for two seconds. */
async function whenMergesSettle(search: NoticeSearch): Promise<NoticeSearchStatus> {
  let last = await search.status();
  for (let quiet = 0; quiet < 4; ) {
    await pause(500);
    const status = await search.status();
    const idle = !status.indexer.merging && !status.indexer.saving && status.indexer.merges.length === last.indexer.merges.length;
    quiet = idle ? quiet + 1 : 0;
    last = status;
  }
  return last;
}

function startSearch(databasePath: string, cacheFolder: string): NoticeSearch {
  const search = new NoticeSearch({ database: loadConfig({ PORTAL_DB: databasePath }), cacheFolder, log: (line) => console.error(`    ${line}`) });
  void search.start();
  return search;
}

async function buildPhase(databasePath: string, cacheFolder: string): Promise<BuildFigures> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const search = startSearch(databasePath, cacheFolder);
  await whenReady(search);
  const readySeconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuMs(cpu) / 1000;
  const settled = await whenMergesSettle(search);
  const largest = settled.indexer.merges.reduce<BuildFigures['largestMerge']>(
    (best, merge) => (best && best.notices >= merge.notices ? best : { notices: merge.notices, milliseconds: merge.milliseconds }),
    null,
  );
  await search.stop();
  return {
    notices: settled.indexer.liveNotices,
    readySeconds,
    cpuSeconds,
    settledSeconds: (performance.now() - started) / 1000,
    parts: settled.indexer.parts.length,
    peakRssMb: peakRssMb(),
    largestMerge: largest,
  };
}

/** What people type: two to five consecutive characters of an applicant's name, a scope or a summary. */
async function typedQueries(databasePath: string, notices: number): Promise<string[]> {
  const db = openDatabase(databasePath);
  const random = sampler(7);
  const ids = (await db.selectFrom('notice').select('id').orderBy('id').execute()).map((row) => row.id);
  const entries = await readNoticeEntries(
    db,
    Array.from({ length: QUERIES }, () => ids[Math.floor(random(Math.min(notices, ids.length)))]!),
  );
  await db.destroy();
  return Array.from({ length: QUERIES }, (_, i) => {
    const { document } = entries[i % entries.length]!;
    const text = Array.from([document.applicant.split(' ')[0]!, document.scope, document.summary][i % 3]!);
    const length = 2 + Math.floor(random(4));
    const start = Math.floor(random(Math.max(1, text.length - length)));
    return text.slice(start, start + length).join('');
  });
}

async function timeQueries(search: NoticeSearch, queries: string[]): Promise<{ latency: Percentiles; cpuMs: number }> {
  const now = new Date();
  for (const query of queries.slice(0, WARMUP)) await search.search(query, {}, 1, now);
  const timings: number[] = [];
  const cpu = process.cpuUsage();
  for (const query of queries) {
    const started = performance.now();
    await search.search(query, {}, 1, now);
    timings.push(performance.now() - started);
  }
  return { latency: percentiles(timings), cpuMs: cpuMs(cpu) };
}

/** Another process that writes one notice at a time when asked, and says when it committed. */
function startWriter(databasePath: string): ChildProcess {
  return fork(fileURLToPath(import.meta.url), ['--writer', databasePath], { execArgv: ['--import', 'tsx'] });
}

function write(writer: ChildProcess, change: { id: number; summary: string }): Promise<number> {
  return new Promise((resolve) => {
    writer.once('message', (committedAt) => resolve(committedAt as number));
    writer.send(change);
  });
}

async function changesPhase(search: NoticeSearch, databasePath: string): Promise<Pick<ServeFigures, 'commitToFound' | 'cpuPerChangeMs' | 'merges'>> {
  const db = openDatabase(databasePath);
  const random = sampler(11);
  const ids = (await db.selectFrom('notice').select('id').orderBy('id').execute()).map((row) => row.id);
  const chosen = [...new Set(Array.from({ length: CHANGES * 2 }, () => ids[Math.floor(random(ids.length))]!))].slice(0, CHANGES);
  const originals = await db.selectFrom('notice').select(['id', 'evaluationSummary']).where('id', 'in', chosen).execute();
  await db.destroy();
  const writer = startWriter(databasePath);
  const now = new Date();
  const found = async (token: string) => (await search.search(token, {}, 1, now)).total > 0;
  // What the process spends with nothing to index, asking as the loop below asks: subtracted from the loop's CPU.
  const idleStarted = performance.now();
  const idleCpu = process.cpuUsage();
  while (performance.now() - idleStarted < IDLE_SAMPLE_MS) {
    await found('benchneverwritten');
    await pause(POLL_MS);
  }
  const idleCpuPerMs = cpuMs(idleCpu) / (performance.now() - idleStarted);

  const before = await search.status();
  const latencies: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const [i, { id, evaluationSummary }] of originals.entries()) {
    const token = `benchchange${i}x`;
    const committedAt = await write(writer, { id, summary: `${evaluationSummary} ${token}` });
    while (!(await found(token))) await pause(POLL_MS);
    latencies.push(Date.now() - committedAt);
    // The next commit falls anywhere in the indexer's poll interval.
    await pause(Math.floor(random(1000)));
  }
  const cpuPerChangeMs = (cpuMs(cpu) - idleCpuPerMs * (performance.now() - started)) / originals.length;
  const after = await search.status();
  for (const { id, evaluationSummary } of originals) await write(writer, { id, summary: evaluationSummary });
  writer.kill();
  const merges = after.indexer.merges.slice(before.indexer.merges.length);
  return {
    commitToFound: percentiles(latencies),
    cpuPerChangeMs,
    merges: {
      count: merges.length,
      milliseconds: merges.reduce((sum, merge) => sum + merge.milliseconds, 0),
      largest: Math.max(0, ...merges.map((merge) => merge.notices)),
    },
  };
}

async function servePhase(databasePath: string, cacheFolder: string): Promise<ServeFigures> {
  const started = performance.now();
  const search = startSearch(databasePath, cacheFolder);
  await whenReady(search);
  const readySeconds = (performance.now() - started) / 1000;
  const { indexer, memory } = await search.status();
  const typed = await timeQueries(search, await typedQueries(databasePath, indexer.liveNotices));
  const common = await timeQueries(
    search,
    Array.from({ length: QUERIES }, (_, i) => COMMON_WORDS[i % COMMON_WORDS.length]!),
  );
  const changes = await changesPhase(search, databasePath);
  await search.stop();
  return {
    readySeconds,
    memory: {
      queryHeapMb: memory.query.heapUsed / MB,
      indexerHeapMb: memory.indexer.heapUsed / MB,
      partsMb: indexer.partBytes / MB,
      rssMb: memory.query.rss / MB,
    },
    typed: typed.latency,
    common: common.latency,
    cpuPerQueryMs: (typed.cpuMs + common.cpuMs) / (2 * QUERIES),
    ...changes,
    peakRssMb: peakRssMb(),
  };
}

interface PortalFigures {
  residentMb: number;
  peakResidentMb: number;
}

/** Kilobytes of a /proc/PID/status line ("VmRSS:  123456 kB"). */
function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${field}:`))!;
  return (Number(/(\d+)/.exec(line)![1]) * 1024) / MB;
}

/** The server `npm start` runs, over the saved index: what the portal really holds, search threads included. */
async function portalPhase(databasePath: string, queries: readonly string[]): Promise<PortalFigures | null> {
  if (!existsSync('/proc/self/status')) return null;
  const server = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/start.ts')], {
    cwd: projectRoot,
    env: { ...process.env, PORTAL_DB: databasePath, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let printed = '';
    const baseUrl = await new Promise<string>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        const match = /Portal listening on (http:\/\/[\d.]+:\d+)/.exec(printed);
        if (match) resolve(match[1]!);
      });
      server.once('exit', (code) => reject(new Error(`the portal exited with code ${code}:\n${printed}`)));
    });
    const ask = (query: string) =>
      fetch(`${baseUrl}/search?q=${encodeURIComponent(query)}`).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      });
    while ((await ask('服务')) !== 200) await pause(100);
    const residentMb = procStatusMb(server.pid!, 'VmRSS');
    for (const query of queries.slice(0, 200)) await ask(query);
    return { residentMb, peakResidentMb: procStatusMb(server.pid!, 'VmHWM') };
  } finally {
    server.kill('SIGTERM');
  }
}

/** Runs one phase in a fresh process (with --expose-gc, so heaps are read after a full collection). */
function inOwnProcess<Figures>(phase: Phase, databasePath: string, cacheFolder: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--phase', phase, databasePath, cacheFolder], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
    });
    child.once('message', (figures) => resolve(figures as Figures));
    child.once('exit', (code) => reject(new Error(`the ${phase} phase exited with code ${code}`)));
  });
}

async function ensureNationalDatabase(): Promise<void> {
  if (existsSync(nationalSearchDatabase)) return;
  console.log(
    `Building ${nationalSearchDatabase}: ${NATIONAL.certificates.toLocaleString('en')} certificates, ${NATIONAL.notices.toLocaleString('en')} notices (once, about 10 minutes)…`,
  );
  const db = openDatabase(nationalSearchDatabase);
  await migrateToLatest(db);
  await seedDemoData(db, { ...NATIONAL, now: new Date() });
  await db.destroy();
}

const f = (value: number, digits = 1) => value.toFixed(digits);

/** Benchmarks notice search on each database and prints the README's tables. */
export async function benchNoticeSearch(databasePaths: readonly string[]): Promise<void> {
  const rows: { build: BuildFigures; serve: ServeFigures; portal: PortalFigures | null }[] = [];
  for (const databasePath of databasePaths) {
    const db = openDatabase(databasePath);
    await migrateToLatest(db);
    await db.destroy();
    // The folder the portal itself uses, emptied for the first build and kept for `npm start` after.
    const cacheFolder = searchIndexFolder(databasePath);
    rmSync(cacheFolder, { recursive: true, force: true });
    console.log(`\nNotice search on ${databasePath}: first build…`);
    const build = await inOwnProcess<BuildFigures>('build', databasePath, cacheFolder);
    console.log('  restart, queries and changes…');
    const serve = await inOwnProcess<ServeFigures>('serve', databasePath, cacheFolder);
    console.log('  the whole portal…');
    const portal = await portalPhase(databasePath, await typedQueries(databasePath, build.notices));
    rows.push({ build, serve, portal });
  }

  console.log('\nNotice search: first build and restart (seconds; memory in MB; CPU of every thread of the process):');
  console.log(
    '| notices | first build | its CPU | then merged into | largest merge | peak resident | restart | query heap | indexer heap | parts | resident | portal resident | after 200 searches |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { build, serve, portal } of rows) {
    const merge = build.largestMerge
      ? `${build.largestMerge.notices.toLocaleString('en')} in ${f(build.largestMerge.milliseconds / 1000)} s`
      : 'none';
    const { memory } = serve;
    const whole = portal ? `${Math.round(portal.residentMb)} | ${Math.round(portal.peakResidentMb)}` : 'n/a | n/a';
    console.log(
      `| ${build.notices.toLocaleString('en')} | ${f(build.readySeconds)} | ${f(build.cpuSeconds)} | ${build.parts} parts | ${merge} | ${Math.round(build.peakRssMb)} | ${f(serve.readySeconds)} | ${Math.round(memory.queryHeapMb)} | ${Math.round(memory.indexerHeapMb)} | ${Math.round(memory.partsMb)} | ${Math.round(memory.rssMb)} | ${whole} |`,
    );
  }
  console.log(
    `\nNotice search: queries (${QUERIES} each after ${WARMUP} warm-up, ms, as the server asks the query thread) and ${CHANGES} single-notice changes by another process:`,
  );
  console.log(
    '| notices | typed p50 | typed p95 | common words p50 | common words p95 | CPU per query | commit to found p50 | p95 | CPU per change | merges | their time | peak resident |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { build, serve } of rows) {
    console.log(
      `| ${build.notices.toLocaleString('en')} | ${f(serve.typed.p50, 2)} | ${f(serve.typed.p95, 2)} | ${f(serve.common.p50, 2)} | ${f(serve.common.p95, 2)} | ${f(serve.cpuPerQueryMs, 2)} | ${Math.round(serve.commitToFound.p50)} | ${Math.round(serve.commitToFound.p95)} | ${f(serve.cpuPerChangeMs)} | ${serve.merges.count} (largest ${serve.merges.largest.toLocaleString('en')}) | ${serve.merges.milliseconds} ms | ${Math.round(serve.peakRssMb)} |`,
    );
  }
}

/** The bench's databases: the one scripts/bench.ts made (20,000 notices) and the national one. */
export async function benchNoticeSearchAtBothSizes(benchDatabase: string): Promise<void> {
  await ensureNationalDatabase();
  await benchNoticeSearch([benchDatabase, nationalSearchDatabase]);
}

async function runPhase(phase: Phase, databasePath: string, cacheFolder: string): Promise<void> {
  const figures = phase === 'build' ? await buildPhase(databasePath, cacheFolder) : await servePhase(databasePath, cacheFolder);
  process.send!(figures);
  process.exit(0);
}

function runWriter(databasePath: string): void {
  const db = openDatabase(databasePath);
  process.on('message', (change: { id: number; summary: string }) => {
    void db
      .updateTable('notice')
      .set({ evaluationSummary: change.summary, updatedAt: new Date().toISOString() })
      .where('id', '=', change.id)
      .execute()
      .then(() => process.send!(Date.now()));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [flag, ...rest] = process.argv.slice(2);
  if (flag === '--phase') await runPhase(rest[0] as Phase, rest[1]!, rest[2]!);
  else if (flag === '--writer') runWriter(rest[0]!);
  else if (flag) await benchNoticeSearch([flag, ...rest]);
  else await benchNoticeSearchAtBothSizes(process.env.BENCH_DB ?? 'data/bench.db');
}
