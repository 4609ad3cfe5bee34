/**
 * Writes the deterministic demo data set as import files, one per kind, for trying and
 * timing the bulk import:
 *   node --import tsx scripts/demo/import-files.ts --out DIR [--certificates N] [--notices N] [--seed N] [--format csv|ndjson|json]
 * then `npm run import -- DIR/*.csv` into an empty database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { openDatabase } from '../../src/lib/db/sqlite.ts';
import { exportRecords } from '../../src/lib/back-office/import/export.ts';
import { FILE_FORMATS, formatRecords, type FileFormat } from '../../src/lib/back-office/import/formats.ts';
import { KIND_DEFINITIONS, RECORD_KINDS } from '../../src/lib/back-office/import/records.ts';
import { seedDemoData } from './generate.ts';

const USAGE =
  'Usage: node --import tsx scripts/demo/import-files.ts --out DIR [--certificates N] [--notices N] [--seed N] [--format csv|ndjson|json]';

function wholeNumber(option: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--${option} must be a whole number, not "${text}"`);
  return Number(text);
}

async function main(): Promise<number> {
  let options: { out: string; format: FileFormat; certificates: number; notices: number; seed: number };
  try {
    const { values } = parseArgs({
      options: {
        out: { type: 'string' },
        certificates: { type: 'string', default: '2000' },
        notices: { type: 'string', default: '300' },
        seed: { type: 'string', default: '20261126' },
        format: { type: 'string', default: 'csv' },
      },
      strict: true,
    });
    if (!values.out) throw new Error('--out DIR is required');
    if (!(FILE_FORMATS as readonly string[]).includes(values.format)) throw new Error(`--format must be one of ${FILE_FORMATS.join(', ')}`);
    options = {
      out: values.out,
      format: values.format as FileFormat,
      certificates: wholeNumber('certificates', values.certificates),
      notices: wholeNumber('notices', values.notices),
      seed: wholeNumber('seed', values.seed),
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  // Generated in memory by the demo generator, then read back as records: the files hold what seeding would.
  const db = openDatabase(':memory:');
  try {
    await migrateToLatest(db);
    await seedDemoData(db, { certificates: options.certificates, notices: options.notices, seed: options.seed, now: new Date() });
    mkdirSync(options.out, { recursive: true });
    for (const kind of RECORD_KINDS) {
      const records = await exportRecords(db, kind);
      const file = join(options.out, `${kind}.${options.format}`);
      writeFileSync(file, formatRecords(records, options.format, KIND_DEFINITIONS[kind].fields));
      console.log(`${file}: ${records.length.toLocaleString('en')} records`);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
