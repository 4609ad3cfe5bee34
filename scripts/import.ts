/**
 * `npm run import -- [--dry-run] [--kind KIND] FILE...`: the back office's bulk import of
 * bodies, schemes, scheme levels, organisations, certificates, certificate events and
 * notices (JSON, NDJSON or CSV; docs/back-office.md) into PORTAL_DB. One transaction per
 * file: a file with any bad record is rejected whole. Exit code 0 when every file was
 * accepted, 1 when one was rejected, 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { openDatabase } from '../src/lib/db/sqlite.ts';
import { importFiles, type FileOutcome, type ImportOptions, type ImportSource } from '../src/lib/import/import.ts';
import { ImportRejected } from '../src/lib/import/problems.ts';
import { RECORD_KINDS, type RecordKind } from '../src/lib/import/records.ts';
import { systemClock } from '../src/lib/time/clock.ts';
import { fromInvocationFolder, startCommand, UsageError, USAGE_EXIT_CODE } from './command.ts';

const USAGE = `Usage: npm run import -- [--dry-run] [--kind ${RECORD_KINDS.join('|')}] FILE...
  The kind of each file's records comes from its name (certificates.csv, 2026-11.notices.ndjson),
  or from --kind for every file given. Formats: .json (an array), .ndjson (one object a line), .csv.`;


function readArguments(): { files: string[]; dryRun: boolean; kind: RecordKind | undefined } {
  const { values, positionals } = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, kind: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('Name at least one file to import.');
  const kind = values.kind;
  if (kind !== undefined && !(RECORD_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`--kind must be one of ${RECORD_KINDS.join(', ')}, not "${kind}"`);
  }
  return { files: positionals, dryRun: values['dry-run'], kind: kind as RecordKind | undefined };
}

/** A bar on a terminal only: piped or logged output gets the summary lines alone. */
function progressReporter(): { onProgress: ImportOptions['onProgress']; stop: () => void } {
  if (!process.stdout.isTTY) return { onProgress: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: '{file} {phase} [{bar}] {percentage}% | {value}/{total} records | {duration_formatted}', stream: process.stdout, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let current: string | null = null;
  return {
    onProgress: (file, phase, done, total) => {
      const step = `${file} ${phase}`;
      if (current !== step) {
        if (current !== null) bar.stop();
        bar.start(total, 0, { file, phase });
        current = step;
      }
      bar.update(done, { file, phase });
    },
    stop: () => {
      if (current !== null) bar.stop();
      current = null;
    },
  };
}

function describeOutcome(outcome: FileOutcome & { accepted: true }, dryRun: boolean): string {
  const { added, changed, unchanged } = outcome.counts;
  const count = (n: number) => n.toLocaleString('en');
  const figures = `${count(outcome.records)} ${outcome.kind} records: ${count(added)} new, ${count(changed)} changed, ${count(unchanged)} unchanged`;
  return `${outcome.file}: ${figures}${dryRun ? ' (dry run: not written)' : ''}`;
}

async function main(): Promise<number> {
  const command = startCommand(USAGE, readArguments);
  if (!command) return USAGE_EXIT_CODE;
  const { options, databasePath } = command;

  const sources: ImportSource[] = [];
  const unreadable: ImportRejected[] = [];
  for (const file of options.files) {
    try {
      sources.push({ name: file, content: readFileSync(fromInvocationFolder(file)), ...(options.kind ? { kind: options.kind } : {}) });
    } catch (error) {
      unreadable.push(new ImportRejected(file, [{ reason: `cannot be read: ${(error as Error).message}` }]));
    }
  }

  const started = performance.now();
  const db = openDatabase(databasePath);
  const progress = progressReporter();
  try {
    await migrateToLatest(db);
    const outcomes = await importFiles(db, sources, { dryRun: options.dryRun, now: systemClock(), onProgress: progress.onProgress });
    progress.stop();
    for (const rejection of unreadable) console.error(rejection.message);
    for (const outcome of outcomes) {
      if (outcome.accepted) console.log(describeOutcome(outcome, options.dryRun));
      else console.error(outcome.rejection.message);
    }
    const rejected = unreadable.length + outcomes.filter((outcome) => !outcome.accepted).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const summary = options.dryRun
      ? `Dry run: checked ${options.files.length} files in ${seconds} s; nothing was written to ${databasePath}.`
      : `${options.files.length - rejected} of ${options.files.length} files imported into ${databasePath} in ${seconds} s.`;
    console.log(rejected > 0 ? `${summary} ${rejected} rejected.` : summary);
    return rejected > 0 ? 1 : 0;
  } finally {
    progress.stop();
    await db.destroy();
  }
}

process.exitCode = await main();
