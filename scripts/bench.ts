/**
 * `npm run bench`: latency of the registry queries on the large data set (100,000
 * certificates, 20,000 notices), built once into data/bench.db (BENCH_DB overrides).
 * A benchmark, not a test: it prints figures and judges nothing.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { certificateNotices } from '../src/lib/domain/certificates/life.ts';
import { lookupCertificates } from '../src/lib/domain/certificates/lookup.ts';
import { lookupOverdueCertificates, newestOverdueCertificates } from '../src/lib/domain/certificates/overdue.ts';
import type { PortalDb } from '../src/lib/db/database.ts';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { openDatabase } from '../src/lib/db/sqlite.ts';
import { beijingDate } from '../src/lib/ground/time/beijing.ts';
import { sampler } from './bench/sampler.ts';
import { benchNoticeSearchAtBothSizes } from './bench/search.ts';
import { seedDemoData } from './demo/generate.ts';

const DATA_SET = { certificates: 100_000, notices: 20_000, seed: 20261126 };
const SAMPLES = 1000;
const WARMUP = 100;
const databasePath = process.env.BENCH_DB ?? 'data/bench.db';

async function openBenchDatabase(): Promise<PortalDb> {
  const fresh = !existsSync(databasePath);
  const db = openDatabase(databasePath);
  await migrateToLatest(db);
  if (fresh) {
    const started = performance.now();
    console.log(`Building the benchmark data set in ${databasePath} (once)…`);
    await seedDemoData(db, { ...DATA_SET, now: new Date() });
    console.log(`  built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return db;
}

async function percentiles(queries: string[], run: (query: string) => Promise<unknown>) {
  for (const query of queries.slice(0, WARMUP)) await run(query);
  const timings: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await run(query);
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const at = (fraction: number) => timings[Math.min(timings.length - 1, Math.floor(fraction * timings.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: timings.at(-1)! };
}

const LEGAL_FORMS = /(股份有限公司|有限责任公司|有限公司|分公司|集团)+.*$/;

async function main(): Promise<void> {
  const db = await openBenchDatabase();
  const today = beijingDate(new Date());
  const random = sampler(7);
  const { total } = await db
    .selectFrom('certificate')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const numbers = await db.selectFrom('certificate').select('number').execute();
  const names = await db.selectFrom('organisation').select('name').execute();

  const byNumber = Array.from({ length: SAMPLES }, () => numbers[Math.floor(random(numbers.length))]!.number);
  // What people type: two to five consecutive characters from the distinctive part of a name.
  const byName = Array.from({ length: SAMPLES }, () => {
    const characters = Array.from(names[Math.floor(random(names.length))]!.name.replace(LEGAL_FORMS, ''));
    const length = 2 + Math.floor(random(Math.min(4, characters.length - 1)));
    const start = Math.floor(random(characters.length - length + 1));
    return characters.slice(start, start + length).join('');
  });

  // The worst case: words in thousands of names, whose totals and first pages are largest.
  const commonWords = ['管理', '物业', '服务', '餐饮', '有限公司', '物业管理', '科技有限'];
  const byCommonWord = Array.from({ length: SAMPLES }, (_, i) => commonWords[i % commonWords.length]!);
  const usccs = await db.selectFrom('organisation').select('uscc').execute();
  const byUscc = Array.from({ length: SAMPLES }, () => usccs[Math.floor(random(usccs.length))]!.uscc);

  const lookup = (q: string) => lookupCertificates(db, q, 1, today);
  const rows = [
    ['lookup by certificate number', await percentiles(byNumber, lookup)],
    ['lookup by USCC', await percentiles(byUscc, lookup)],
    ['lookup by name substring (2-5 characters)', await percentiles(byName, lookup)],
    [`lookup by a common word (${commonWords.join(', ')})`, await percentiles(byCommonWord, lookup)],
  ] as const;

  console.log(`\nRegistry lookups on ${Number(total).toLocaleString('en')} certificates, ${SAMPLES} queries each, first page of 20 with total (ms):`);
  console.log('| query | p50 | p95 | max |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [label, figures] of rows) {
    console.log(`| ${label} | ${figures.p50.toFixed(2)} | ${figures.p95.toFixed(2)} | ${figures.max.toFixed(2)} |`);
  }
  await benchSurveillance(db, today, random, byNumber, lookup);
  await db.destroy();
  await benchNoticeSearchAtBothSizes(databasePath);
}

/** CPU (user + system, the process's own accounting) per run of `run` over `queries`, in ms. */
async function cpuPerQuery(queries: string[], run: (query: string) => Promise<unknown>): Promise<number> {
  const started = process.cpuUsage();
  for (const query of queries) await run(query);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000 / queries.length;
}

/**
 * The overdue-surveillance filter, its feed and a certificate's notices, beside the lookup by
 * number measured in the same run: their CPU is said as a multiple of that lookup's.
 */
async function benchSurveillance(
  db: PortalDb,
  today: string,
  random: (below: number) => number,
  byNumber: string[],
  lookup: (q: string) => Promise<unknown>,
): Promise<void> {
  const overdue = await db
    .selectFrom('certificateSurveillanceDue as due')
    .innerJoin('organisation', 'organisation.id', 'due.organisationId')
    .select('organisation.name')
    .where('due.dueOn', '<', today)
    .where('due.expiresOn', '>=', today)
    .execute();
  const { total } = await lookupOverdueCertificates(db, '', 1, today);
  const pages = Math.max(1, Math.ceil(total / 20));
  const overdueNames = Array.from({ length: SAMPLES }, () => {
    const characters = Array.from(overdue[Math.floor(random(overdue.length))]!.name.replace(LEGAL_FORMS, ''));
    const start = Math.floor(random(Math.max(1, characters.length - 2)));
    return characters.slice(start, start + 3).join('');
  });
  const ids = await db.selectFrom('certificate').select('id').execute();
  const certificates = Array.from({ length: SAMPLES }, () => String(ids[Math.floor(random(ids.length))]!.id));
  const blank = Array.from({ length: SAMPLES }, () => '');
  const pageNumbers = Array.from({ length: SAMPLES }, () => String(1 + Math.floor(random(pages))));

  const reference = await cpuPerQuery(byNumber, lookup);
  const rows: [string, string[], (query: string) => Promise<unknown>][] = [
    ['overdue surveillance: first page with total', blank, () => lookupOverdueCertificates(db, '', 1, today)],
    [`overdue surveillance: any page of ${pages}`, pageNumbers, (page) => lookupOverdueCertificates(db, '', Number(page), today)],
    ['overdue surveillance narrowed by 3 characters of a name', overdueNames, (name) => lookupOverdueCertificates(db, name, 1, today)],
    ['overdue surveillance feed (50 newest)', blank, () => newestOverdueCertificates(db, today, 50)],
    ['the notices of a certificate, with their counts', certificates, (id) => certificateNotices(db, Number(id))],
  ];
  console.log(
    `\nSurveillance and the life of a certificate, ${total.toLocaleString('en')} overdue today, ${SAMPLES} queries each (ms; CPU as a multiple of the lookup by number, ${reference.toFixed(3)} ms):`,
  );
  console.log('| query | p50 | p95 | max | CPU per query | × lookup by number |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, queries, run] of rows) {
    const figures = await percentiles(queries, run);
    const cpu = await cpuPerQuery(queries, run);
    console.log(
      `| ${label} | ${figures.p50.toFixed(2)} | ${figures.p95.toFixed(2)} | ${figures.max.toFixed(2)} | ${cpu.toFixed(3)} | ${(cpu / reference).toFixed(1)} |`,
    );
  }
}

await main();
