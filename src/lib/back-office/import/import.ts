/**
 * The bulk import: files of records in, one transaction per file, all or nothing. A file is
 * read, checked and compared with the database before the transaction (plan.ts); inside
 * it, the import makes sure the records it compared with are still as they were, and
 * writes only what differs. So the write lock, which the portal's comments wait for, is
 * held for the writing alone.
 */
import { basename } from 'node:path';
import type { PortalDb } from '../../db/database.ts';
import { isConstraintViolation } from '../../db/seam.ts';
import { isDatabaseUnavailable } from '../../db/storage.ts';
import type { DomainError } from '../../ground/errors.ts';
import { findStoredRecords, type StoredRecord } from './export.ts';
import { formatOfFileName, readRecords } from './formats.ts';
import { keepPending, planFile, type CertificateMove, type FilePlan, type PendingRecords } from './plan.ts';
import { InvalidRecords, type ImportProblem, type RecordLocation } from './problems.ts';
import { definitionOf, RECORD_KINDS, type RecordKind } from './records.ts';
import { resolveReferenceIds, writePlan } from './repository.ts';

export interface ImportSource {
  /** How messages name the file: the path as given. */
  name: string;
  content: Uint8Array;
  /** The kind of its records; by default the file name says it (kindOfFileName). */
  kind?: RecordKind;
}

export type ImportPhase = 'checking' | 'writing';

export interface ImportOptions {
  /** Check and compare everything, references between the files included, and write nothing. */
  dryRun: boolean;
  /** The import's one clock: updated_at of every row it changes, and the time of holder_changed events. */
  now: Date;
  /**
   * Let certificates move to another holder, body or scheme, each move recorded as a
   * holder_changed event described by `describe`. Without it such a change is refused.
   */
  allowHolderChange?: { describe: (move: CertificateMove) => string };
  onProgress?: (file: string, phase: ImportPhase, done: number, total: number) => void;
}

export interface UpsertCounts {
  added: number;
  changed: number;
  unchanged: number;
}

/** How long a file's transaction held SQLite's write lock, in wall-clock and this process's CPU time. */
export interface LockHeld {
  milliseconds: number;
  cpuMilliseconds: number;
}

export type FileOutcome =
  | { file: string; kind: RecordKind; result: 'imported'; counts: UpsertCounts; plan: FilePlan; holderEvents: number; lock: LockHeld | null }
  | { file: string; kind: RecordKind | null; result: 'rejected'; problems: ImportProblem[] }
  /** The database could not take the write (busy past the wait, full, read-only): nothing of the file was written, and the run stops. */
  | { file: string; kind: RecordKind | null; result: 'unavailable'; error: DomainError }
  /** After an unavailable database, the files not tried. */
  | { file: string; kind: RecordKind | null; result: 'not_attempted' };

/**
 * The kind a file name says: the name without its extension is the kind, or ends with it
 * after ".", "-" or "_": certificates.csv, 2026-11-26.certificates.csv, hxc_notices.ndjson.
 */
export function kindOfFileName(name: string): RecordKind | null {
  const stem = basename(name).replace(/\.[^.]*$/, '');
  const matches = RECORD_KINDS.filter((kind) => stem === kind || new RegExp(`[._-]${kind}$`).test(stem));
  // certificate-events also ends with "-events", which is no kind; the longest match is meant.
  return matches.sort((a, b) => b.length - a.length)[0] ?? null;
}

const position = (location: RecordLocation | undefined) => (location === undefined ? 0 : 'line' in location ? location.line : location.record);

/** Problems in the order of the file: whole-file ones first, then by line or record (a sort that keeps ties in order). */
const inFileOrder = (problems: readonly ImportProblem[]) => [...problems].sort((a, b) => position(a.location) - position(b.location));

/** The records another process changed between the plan and its transaction: plan again. */
class PlanOutdated extends Error {}

const sameRecords = (a: Map<string, StoredRecord>, b: Map<string, StoredRecord>) =>
  a.size === b.size &&
  [...a].every(([key, stored]) => {
    const other = b.get(key);
    return other !== undefined && other.id === stored.id && Object.keys(stored.record).every((field) => stored.record[field] === other.record[field]);
  });

/** Plans made again, at most, when other writers keep changing the file's records meanwhile. */
const MAX_PLANS = 3;

async function importOne(db: PortalDb, source: ImportSource, options: ImportOptions, pending: PendingRecords): Promise<FileOutcome> {
  const progress = (phase: ImportPhase, total: number) => (done: number) => options.onProgress?.(source.name, phase, done, total);
  const kind = source.kind ?? kindOfFileName(source.name);
  const rejected = (problems: readonly ImportProblem[]): FileOutcome => ({
    file: source.name,
    kind,
    result: 'rejected',
    problems: inFileOrder(problems),
  });
  if (!kind) return rejected([{ problem: { code: 'no_kind', kinds: RECORD_KINDS } }]);
  const format = formatOfFileName(source.name);
  if (!format) return rejected([{ problem: { code: 'no_format' } }]);

  try {
    const definition = definitionOf(kind);
    const raw = readRecords(source.content, format, definition);
    for (let attempt = 1; ; attempt++) {
      const { plan, problems } = await planFile(
        db,
        kind,
        raw,
        { allowHolderChange: options.allowHolderChange !== undefined, pending },
        progress('checking', raw.records.length),
      );
      if (problems.length > 0) return rejected(problems);
      const counts = { added: plan.added.length, changed: plan.changed.length, unchanged: plan.unchanged };
      const imported = (holderEvents: number, lock: LockHeld | null): FileOutcome => ({
        file: source.name,
        kind,
        result: 'imported',
        counts,
        plan,
        holderEvents,
        lock,
      });
      const holderMoves = plan.changed.filter((changed) => changed.move).length;
      if (options.dryRun) {
        keepPending(pending, plan);
        return imported(holderMoves, null);
      }
      if (counts.added + counts.changed === 0) return imported(0, null);

      const ids = await resolveReferenceIds(db, plan);
      const keys = [...plan.snapshot.keys(), ...plan.added.map((added) => added.key)];
      let lockedAt = 0;
      let cpuAtLock = process.cpuUsage();
      try {
        const holderEvents = await db.transaction().execute(async (trx) => {
          lockedAt = performance.now();
          cpuAtLock = process.cpuUsage();
          if (!sameRecords(await findStoredRecords(trx, kind, keys), plan.snapshot)) throw new PlanOutdated();
          return writePlan(trx, plan, ids, {
            now: options.now,
            describeMove: (move) => options.allowHolderChange!.describe(move),
            onProgress: progress('writing', counts.added + counts.changed),
          });
        });
        const cpu = process.cpuUsage(cpuAtLock);
        return imported(holderEvents, { milliseconds: performance.now() - lockedAt, cpuMilliseconds: (cpu.user + cpu.system) / 1000 });
      } catch (error) {
        if (!(error instanceof PlanOutdated)) throw error;
        if (attempt === MAX_PLANS) return rejected([{ problem: { code: 'changed_meanwhile', attempts: MAX_PLANS } }]);
      }
    }
  } catch (error) {
    if (error instanceof InvalidRecords) return rejected(error.problems);
    if (isDatabaseUnavailable(error)) return { file: source.name, kind, result: 'unavailable', error: error as DomainError };
    // A constraint of the schema that the checks did not foresee: still the file's fault, still all or nothing.
    if (isConstraintViolation(error)) return rejected([{ problem: { code: 'database_refused', detail: (error as Error).message } }]);
    throw error;
  }
}

const dependencyOrder = (source: ImportSource) => {
  const kind = source.kind ?? kindOfFileName(source.name);
  return kind ? RECORD_KINDS.indexOf(kind) : -1;
};

/**
 * Imports the files in the order their kinds depend on each other (bodies and schemes
 * before the certificates that name them), whatever order they were given in. Each file
 * is one transaction; a dry run writes nothing and checks each file against the database
 * and the earlier files, as a real run would. Once the database cannot take a write, the
 * files after it are not tried.
 */
export async function importFiles(db: PortalDb, sources: readonly ImportSource[], options: ImportOptions): Promise<FileOutcome[]> {
  const ordered = [...sources].sort((a, b) => dependencyOrder(a) - dependencyOrder(b));
  const pending: PendingRecords = new Map();
  const outcomes: FileOutcome[] = [];
  for (const source of ordered) {
    const stopped = outcomes.some((outcome) => outcome.result === 'unavailable');
    outcomes.push(
      stopped
        ? { file: source.name, kind: source.kind ?? kindOfFileName(source.name), result: 'not_attempted' }
        : await importOne(db, source, options, pending),
    );
  }
  return outcomes;
}
