/**
 * `npm run bench:import`: how long the bulk import holds SQLite's write lock, which the
 * portal's comments wait for (at most PORTAL_WRITE_WAIT, 12 s), per kind of record, for new
 * records and for changed ones, from the demo data set written as import files. The lock
 * time is wall-clock, which a busy machine stretches; the CPU time of this process during
 * the transaction (SQLite runs in it) is the steady figure, and the largest file that keeps
 * the lock under 10 s is worked out from both. A benchmark, not a test: it judges nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { openDatabase } from '../src/lib/db/sqlite.ts';
import { exportRecords } from '../src/lib/back-office/import/export.ts';
import { formatRecords } from '../src/lib/back-office/import/formats.ts';
import { importFiles, type FileOutcome, type ImportSource } from '../src/lib/back-office/import/import.ts';
import { KIND_DEFINITIONS, RECORD_KINDS, type RecordKind } from '../src/lib/back-office/import/records.ts';
import { seedDemoData } from './demo/generate.ts';

const DATA_SET = { certificates: 20_000, notices: 4_000, seed: 20261126 };
/** The lock a file may hold while the portal takes comments. */
const LOCK_BUDGET_MS = 10_000;

/** One field of every record changed, as a routine update file would: a status, an address, a description. */
const CHANGE: Partial<Record<RecordKind, (record: Record<string, unknown>) => Record<string, unknown>>> = {
  organisations: (record) => ({ ...record, address: `${record.address}（新址）` }),
  certificates: (record) => ({ ...record, status: record.status === 'valid' ? 'suspended' : 'valid' }),
  'certificate-events': (record) => ({ ...record, description: `${record.description}（更正）` }),
  notices: (record) => ({ ...record, objection_contact: `${record.objection_contact}（更新）` }),
};

const source = (kind: RecordKind, records: Record<string, unknown>[]): ImportSource => ({
  name: `${kind}.csv`,
  content: Buffer.from(formatRecords(records, 'csv', KIND_DEFINITIONS[kind].fields), 'utf8'),
});

function lockOf(outcome: FileOutcome | undefined) {
  if (outcome?.result !== 'imported' || !outcome.lock) throw new Error(`${outcome?.file} was not written: ${outcome?.result}`);
  return { records: outcome.counts.added + outcome.counts.changed, ...outcome.lock };
}

async function main(): Promise<void> {
  console.log(
    `Generating the demo data set (${DATA_SET.certificates.toLocaleString('en')} certificates, ${DATA_SET.notices.toLocaleString('en')} notices)…`,
  );
  const demo = openDatabase(':memory:');
  await migrateToLatest(demo);
  await seedDemoData(demo, { ...DATA_SET, now: new Date() });
  const records = new Map<RecordKind, Record<string, unknown>[]>();
  for (const kind of RECORD_KINDS) records.set(kind, await exportRecords(demo, kind));
  await demo.destroy();

  const folder = mkdtempSync(join(tmpdir(), 'portal-bench-import-'));
  const db = openDatabase(join(folder, 'portal.db'));
  try {
    await migrateToLatest(db);
    const rows: string[] = [];
    const run = async (kind: RecordKind, file: Record<string, unknown>[], what: string) => {
      const [outcome] = await importFiles(db, [source(kind, file)], { dryRun: false, now: new Date() });
      const lock = lockOf(outcome);
      const per10k = (milliseconds: number) => (milliseconds / lock.records) * 10_000;
      const largest = (milliseconds: number) => Math.floor(((LOCK_BUDGET_MS / milliseconds) * lock.records) / 1000) * 1000;
      rows.push(
        `| ${kind} | ${what} | ${lock.records.toLocaleString('en')} | ${(lock.milliseconds / 1000).toFixed(2)} | ${(lock.cpuMilliseconds / 1000).toFixed(2)} | ` +
          `${(per10k(lock.cpuMilliseconds) / 1000).toFixed(2)} | ${largest(lock.cpuMilliseconds).toLocaleString('en')} | ${largest(lock.milliseconds).toLocaleString('en')} |`,
      );
    };
    for (const kind of RECORD_KINDS) {
      const all = records.get(kind)!;
      if (all.length < 1000) {
        await importFiles(db, [source(kind, all)], { dryRun: false, now: new Date() });
        continue;
      }
      await run(kind, all, 'new');
      const change = CHANGE[kind];
      if (change) await run(kind, all.map(change), 'changed');
    }
    console.log(`\nThe import's write lock per file on the demo data set (seconds; "largest file" keeps the lock under ${LOCK_BUDGET_MS / 1000} s):`);
    console.log('| kind | records | in the file | lock held (wall) | CPU while held | CPU per 10,000 | largest file by CPU | largest file by wall |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) console.log(row);
  } finally {
    await db.destroy();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
