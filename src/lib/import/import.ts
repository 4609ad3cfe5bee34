/**
 * The bulk import: files of records in, one transaction per file, all or nothing. Each
 * file is read and validated whole before the database is touched; references are then
 * checked inside the file's transaction, so a rejected file leaves no trace.
 */
import { basename } from 'node:path';
import type { ZodIssue } from 'zod';
import type { PortalDb } from '../db/database.ts';
import { isConstraintViolation } from '../db/seam.ts';
import { formatOfFileName, readRecords, type RawRecord } from './formats.ts';
import { ImportRejected, InvalidRecords, describeLocation, type ImportProblem, type Located } from './problems.ts';
import { KIND_DEFINITIONS, RECORD_KINDS, type RecordKind, type RecordTypes } from './records.ts';
import {
  upsertBodies,
  upsertCertificateEvents,
  upsertCertificates,
  upsertNotices,
  upsertOrganisations,
  upsertSchemeLevels,
  upsertSchemes,
  type ProgressListener,
  type UpsertCounts,
} from './repository.ts';

export interface ImportSource {
  /** How messages name the file: the path as given. */
  name: string;
  content: Uint8Array;
  /** The kind of its records; by default the file name says it (kindOfFileName). */
  kind?: RecordKind;
}

export type ImportPhase = 'checking' | 'writing';

export interface ImportOptions {
  /** Check everything, references and database constraints included, then roll back. */
  dryRun: boolean;
  /** The import's one clock: updated_at of every row it changes. */
  now: Date;
  onProgress?: (file: string, phase: ImportPhase, done: number, total: number) => void;
}

export type FileOutcome =
  | { file: string; kind: RecordKind; accepted: true; records: number; counts: UpsertCounts }
  | { file: string; kind: RecordKind | null; accepted: false; rejection: ImportRejected };

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

/** A zod issue said in the import's words: field, then reason. */
function problemsOfIssue(issue: ZodIssue, location: Located<unknown>['location'], kind: RecordKind): ImportProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      location,
      field: key,
      reason: `is not a field of ${kind} records; the fields are ${KIND_DEFINITIONS[kind].fields.join(', ')}`,
    }));
  }
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  let reason = issue.message;
  // zod's own wording ("Required", "Expected string, received number") is replaced; a schema's own message kept.
  if (issue.code === 'invalid_type' && (issue.message === 'Required' || issue.message.startsWith('Expected '))) {
    reason = issue.received === 'undefined' ? 'is required' : `must be ${issue.expected === 'string' ? 'a text' : `a ${issue.expected}`}, not ${issue.received}`;
  }
  return [{ location, ...(field === undefined ? {} : { field }), reason }];
}

/** Every record checked against its kind's schema, and no natural key twice in one file. */
function validateRecords<Kind extends RecordKind>(kind: Kind, raw: readonly RawRecord[], onProgress?: ProgressListener): Located<RecordTypes[Kind]>[] {
  const definition = KIND_DEFINITIONS[kind];
  const problems: ImportProblem[] = [];
  const records: Located<RecordTypes[Kind]>[] = [];
  const firstSeen = new Map<string, Located<unknown>['location']>();
  for (const [index, { location, fields }] of raw.entries()) {
    if (index % 1000 === 0) onProgress?.(index);
    const parsed = definition.schema.safeParse(fields);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.flatMap((issue) => problemsOfIssue(issue, location, kind)));
      continue;
    }
    const key = definition.naturalKey(parsed.data);
    const earlier = firstSeen.get(key);
    if (earlier) {
      problems.push({ location, field: definition.keyName, reason: `repeats the record at ${describeLocation(earlier)} (the same ${definition.keyName})` });
      continue;
    }
    firstSeen.set(key, location);
    records.push({ location, record: parsed.data });
  }
  if (problems.length > 0) throw new InvalidRecords(problems);
  return records;
}

/** The file's kind and its validated records; throws InvalidRecords. */
export function readImportFile(
  source: ImportSource,
  onProgress?: (done: number, total: number) => void,
): { kind: RecordKind; records: Located<RecordTypes[RecordKind]>[] } {
  const kind = source.kind ?? kindOfFileName(source.name);
  if (!kind) {
    throw new InvalidRecords([
      { reason: `the file name does not say the kind of its records: name it after one of ${RECORD_KINDS.join(', ')} (e.g. certificates.csv), or give --kind` },
    ]);
  }
  const format = formatOfFileName(source.name);
  if (!format) throw new InvalidRecords([{ reason: 'the file name must end in .json, .ndjson (or .jsonl) or .csv' }]);
  const raw = readRecords(source.content, format, KIND_DEFINITIONS[kind].fields);
  return { kind, records: validateRecords(kind, raw, onProgress && ((done) => onProgress(done, raw.length))) };
}

/** Writes one file's records with the upsert of their kind. */
export function writeRecords(
  db: PortalDb,
  kind: RecordKind,
  records: readonly Located<RecordTypes[RecordKind]>[],
  now: Date,
  onProgress?: ProgressListener,
): Promise<UpsertCounts> {
  // The cast is safe: readImportFile validated the records with this kind's schema.
  const as = <Kind extends RecordKind>() => records as readonly Located<RecordTypes[Kind]>[];
  switch (kind) {
    case 'bodies':
      return upsertBodies(db, as<'bodies'>(), now, onProgress);
    case 'schemes':
      return upsertSchemes(db, as<'schemes'>(), now, onProgress);
    case 'scheme-levels':
      return upsertSchemeLevels(db, as<'scheme-levels'>(), onProgress);
    case 'organisations':
      return upsertOrganisations(db, as<'organisations'>(), now, onProgress);
    case 'certificates':
      return upsertCertificates(db, as<'certificates'>(), now, onProgress);
    case 'certificate-events':
      return upsertCertificateEvents(db, as<'certificate-events'>(), onProgress);
    case 'notices':
      return upsertNotices(db, as<'notices'>(), now, onProgress);
  }
}

type FileWriter = (write: (db: PortalDb) => Promise<UpsertCounts>) => Promise<UpsertCounts>;

async function importOne(source: ImportSource, options: ImportOptions, inTransaction: FileWriter): Promise<FileOutcome> {
  let kind: RecordKind | null = source.kind ?? kindOfFileName(source.name);
  try {
    const file = readImportFile(source, (done, total) => options.onProgress?.(source.name, 'checking', done, total));
    kind = file.kind;
    const total = file.records.length;
    const counts = await inTransaction((db) =>
      writeRecords(db, file.kind, file.records, options.now, (done) => options.onProgress?.(source.name, 'writing', done, total)),
    );
    return { file: source.name, kind: file.kind, accepted: true, records: total, counts };
  } catch (error) {
    if (error instanceof InvalidRecords) return { file: source.name, kind, accepted: false, rejection: new ImportRejected(source.name, error.problems) };
    // A constraint of the schema that validation did not foresee: still the file's fault, still all or nothing.
    if (isConstraintViolation(error)) {
      return { file: source.name, kind, accepted: false, rejection: new ImportRejected(source.name, [{ reason: `the database refused a record: ${(error as Error).message}` }]) };
    }
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
 * is one transaction; a dry run puts them all in one that is rolled back, each file in a
 * savepoint, so later files are checked against the earlier ones as a real run would.
 */
export async function importFiles(db: PortalDb, sources: readonly ImportSource[], options: ImportOptions): Promise<FileOutcome[]> {
  const ordered = [...sources].sort((a, b) => dependencyOrder(a) - dependencyOrder(b));

  if (!options.dryRun) {
    const outcomes: FileOutcome[] = [];
    for (const source of ordered) {
      outcomes.push(await importOne(source, options, (write) => db.transaction().execute(write)));
    }
    return outcomes;
  }

  const trx = await db.startTransaction().execute();
  try {
    const outcomes: FileOutcome[] = [];
    for (const source of ordered) {
      outcomes.push(
        await importOne(source, options, async (write) => {
          const file = await trx.savepoint('import_file').execute();
          try {
            const counts = await write(file);
            await file.releaseSavepoint('import_file').execute();
            return counts;
          } catch (error) {
            await file.rollbackToSavepoint('import_file').execute();
            throw error;
          }
        }),
      );
    }
    return outcomes;
  } finally {
    await trx.rollback().execute();
  }
}
