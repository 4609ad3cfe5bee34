/**
 * `npm run import -- [--dry-run] [--allow-holder-change] [--changes FILE] [--kind KIND] [--lang zh|en] FILE...`:
 * the back office's bulk import of bodies, schemes, scheme levels, organisations,
 * certificates, certificate events and notices (JSON, NDJSON or CSV; docs/back-office.md)
 * into PORTAL_DB. One transaction per file: a file with any bad record is rejected whole.
 * Everything it says (each file's problems or changes, then the summary) goes to standard
 * output in the order it happens, in Chinese unless --lang en or an English LANG. Exit code
 * 0 when every file was imported, 1 when one was rejected or the database could not take
 * it, 2 for a usage error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { connectDatabase, databaseName } from '../src/lib/db/connect.ts';
import { isDatabaseUnavailable } from '../src/lib/db/storage.ts';
import type { DomainError } from '../src/lib/ground/errors.ts';
import { BACK_OFFICE_WORDS, holderChangedDescription } from '../src/lib/i18n/back-office.ts';
import { importFiles, type FileOutcome, type ImportOptions, type ImportSource } from '../src/lib/back-office/import/import.ts';
import type { AddedRecord, ChangedRecord } from '../src/lib/back-office/import/plan.ts';
import { MAX_SHOWN_PROBLEMS } from '../src/lib/back-office/import/problems.ts';
import { RECORD_KINDS, type RecordKind } from '../src/lib/back-office/import/records.ts';
import { systemClock } from '../src/lib/ground/time/clock.ts';
import { commandLocale, fromInvocationFolder, LANGUAGE_OPTION, parseCommandArguments, startCommand, unavailable, UsageError } from './command.ts';

const words = BACK_OFFICE_WORDS[commandLocale(process.argv.slice(2))];

function readArguments() {
  const { values, positionals } = parseCommandArguments(words, {
    options: {
      'dry-run': { type: 'boolean', default: false },
      'allow-holder-change': { type: 'boolean', default: false },
      changes: { type: 'string' },
      kind: { type: 'string' },
      ...LANGUAGE_OPTION,
    },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError(words.import.needFiles);
  const kind = values.kind;
  if (kind !== undefined && !(RECORD_KINDS as readonly string[]).includes(kind)) throw new UsageError(words.import.kind(RECORD_KINDS, kind));
  return {
    files: positionals,
    dryRun: values['dry-run'],
    allowHolderChange: values['allow-holder-change'],
    changesFile: values.changes ?? null,
    kind: kind as RecordKind | undefined,
  };
}

/** A bar on a terminal only: piped or logged output gets the report lines alone. */
function progressReporter(): { onProgress: ImportOptions['onProgress']; stop: () => void } {
  if (!process.stdout.isTTY) return { onProgress: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: '{file} {phase} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}',
      stream: process.stdout,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let current: string | null = null;
  const stop = () => {
    if (current !== null) bar.stop();
    current = null;
  };
  return {
    onProgress: (file, phase, done, total) => {
      const step = `${file} ${phase}`;
      if (current !== step) {
        stop();
        bar.start(total, 0, { file, phase });
        current = step;
      }
      bar.update(done, { file, phase });
    },
    stop,
  };
}

/** Records listed per file, at most: past that, a count, and all of them in --changes FILE. */
const MAX_SHOWN_CHANGES = 50;

function changeLines(outcome: Extract<FileOutcome, { result: 'imported' }>, dryRun: boolean, changesFile: string | null): string[] {
  const planned: (AddedRecord | ChangedRecord)[] = [...outcome.plan.added, ...outcome.plan.changed].sort((a, b) => position(a) - position(b));
  const lines = planned
    .slice(0, MAX_SHOWN_CHANGES)
    .flatMap((record) =>
      'fields' in record
        ? [
            `  ${words.import.changed(record.location, record.label)}`,
            ...record.fields.map((change) => `    ${words.import.fieldChange(change.field, change.old, change.new)}`),
            ...(record.move ? [`    ${words.import.holderEvent(dryRun)}`] : []),
          ]
        : [`  ${words.import.added(record.location, record.label)}`],
    );
  if (planned.length > MAX_SHOWN_CHANGES) lines.push(`  ${words.import.moreChanges(planned.length - MAX_SHOWN_CHANGES, changesFile)}`);
  return lines;
}

const position = ({ location }: AddedRecord) => ('line' in location ? location.line : location.record);

/** One line per new or changed record, everything about it, for --changes FILE. */
function changesNdjson(outcomes: readonly FileOutcome[], dryRun: boolean): { lines: string; count: number } {
  const lines: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.result !== 'imported') continue;
    const common = (record: AddedRecord) => ({ file: outcome.file, ...record.location, kind: outcome.kind, key: record.label, written: !dryRun });
    for (const added of outcome.plan.added) lines.push(JSON.stringify({ ...common(added), change: 'added', values: added.record }));
    for (const changed of outcome.plan.changed) {
      const fields = Object.fromEntries(changed.fields.map((change) => [change.field, { old: change.old, new: change.new }]));
      lines.push(JSON.stringify({ ...common(changed), change: 'changed', fields, ...(changed.move ? { event: 'holder_changed' } : {}) }));
    }
  }
  return { lines: lines.map((line) => `${line}\n`).join(''), count: lines.length };
}

function report(outcome: FileOutcome, options: ReturnType<typeof readArguments>, waitMilliseconds: number): string[] {
  switch (outcome.result) {
    case 'rejected': {
      const shown = outcome.problems.slice(0, MAX_SHOWN_PROBLEMS).map((problem) => `  ${words.import.problemLine(outcome.file, problem)}`);
      const more = outcome.problems.length > shown.length ? [`  ${words.import.moreProblems(outcome.problems.length - shown.length)}`] : [];
      return [words.import.rejected(outcome.file), ...shown, ...more];
    }
    case 'imported':
      return [words.import.fileSummary(outcome, options.dryRun), ...changeLines(outcome, options.dryRun, options.changesFile)];
    case 'unavailable':
      return [words.unavailable(unavailable(outcome.error, waitMilliseconds), words.import.nothingWritten(outcome.file))];
    case 'not_attempted':
      return [];
  }
}

async function main(): Promise<number> {
  const command = startCommand(words, words.import.usage(RECORD_KINDS), readArguments);
  if (typeof command === 'number') return command;
  const { options, config } = command;
  const { writeWaitMilliseconds } = config;

  const sources: ImportSource[] = [];
  const unreadable: FileOutcome[] = [];
  for (const file of options.files) {
    try {
      sources.push({ name: file, content: readFileSync(fromInvocationFolder(file)), ...(options.kind ? { kind: options.kind } : {}) });
    } catch (error) {
      unreadable.push({ file, kind: null, result: 'rejected', problems: [{ problem: { code: 'unreadable', detail: (error as Error).message } }] });
    }
  }

  const started = performance.now();
  const db = connectDatabase(config);
  const progress = progressReporter();
  try {
    await migrateToLatest(db);
    const outcomes = [
      ...unreadable,
      ...(await importFiles(db, sources, {
        dryRun: options.dryRun,
        now: systemClock(),
        ...(options.allowHolderChange ? { allowHolderChange: { describe: holderChangedDescription } } : {}),
        onProgress: progress.onProgress,
      })),
    ];
    progress.stop();
    for (const outcome of outcomes) for (const line of report(outcome, options, writeWaitMilliseconds)) console.log(line);
    const notAttempted = outcomes.filter((outcome) => outcome.result === 'not_attempted').map((outcome) => outcome.file);
    if (notAttempted.length > 0) console.log(words.import.notAttempted(notAttempted));
    if (options.changesFile !== null) {
      const changes = changesNdjson(outcomes, options.dryRun);
      try {
        writeFileSync(fromInvocationFolder(options.changesFile), changes.lines);
        console.log(words.import.changesWritten(changes.count, options.changesFile));
      } catch (error) {
        console.log(words.import.changesNotWritten(options.changesFile, (error as Error).message));
      }
    }
    const imported = outcomes.filter((outcome) => outcome.result === 'imported').length;
    const seconds = (performance.now() - started) / 1000;
    console.log(words.import.summary({ dryRun: options.dryRun, files: options.files.length, imported, seconds, database: databaseName(config) }));
    return imported === options.files.length ? 0 : 1;
  } catch (error) {
    // Bringing the schema up to date writes too, and may find the database busy like any write.
    if (!isDatabaseUnavailable(error)) throw error;
    progress.stop();
    console.log(words.unavailable(unavailable(error as DomainError, writeWaitMilliseconds), words.import.nothingWritten(options.files.join(', '))));
    return 1;
  } finally {
    progress.stop();
    await db.destroy();
  }
}

process.exitCode = await main();
