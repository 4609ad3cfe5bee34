/**
 * What importing a file would do, worked out before anything is written: each record
 * checked field by field, completed by its stored record (a field the file lacks stays as
 * stored), checked across fields and against the records it refers to, and compared with
 * what is stored, field by field. Every problem of the file is found in one pass.
 */
import type { PortalDb } from '../../db/database.ts';
import { certificateNumberKey } from '../../ground/text/normalise.ts';
import { findStoredRecords, type StoredRecord } from './export.ts';
import type { RawRecord, ReadRecords } from './formats.ts';
import type { ImportProblem, MoveField, RecordLocation, RecordProblem, ReferenceTarget } from './problems.ts';
import { definitionOf, type RecordKind } from './records.ts';

/** A record whose fields passed their own checks; `invalid` names those that did not. */
interface CheckedRecord {
  location: RecordLocation;
  /** The fields the file gives, cleaned; absent ones are not here. */
  given: Record<string, unknown>;
  invalid: Set<string>;
  key: string;
}

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/** A certificate that goes to another holder, body or scheme: recorded as a holder_changed event. */
export interface CertificateMove {
  moves: { field: MoveField; from: string; to: string; fromName: string; toName: string }[];
}

export interface AddedRecord {
  location: RecordLocation;
  key: string;
  label: string;
  record: Record<string, unknown>;
}

export interface ChangedRecord extends AddedRecord {
  id: number;
  fields: FieldChange[];
  move?: CertificateMove;
}

export interface FilePlan {
  kind: RecordKind;
  records: number;
  added: AddedRecord[];
  changed: ChangedRecord[];
  unchanged: number;
  /** The stored records the plan was made against, by key: the write checks they are still so. */
  snapshot: Map<string, StoredRecord>;
}

/**
 * Records that earlier files of a dry run would have written, by kind and key: later files
 * are checked against them as a real run would check them against the database (a real
 * run's earlier files are in the database, so its pending records stay empty).
 */
export type PendingRecords = Map<RecordKind, Map<string, Record<string, unknown>>>;

export interface PlanOptions {
  /** Let certificates move to another holder, body or scheme (each move recorded as a holder_changed event). */
  allowHolderChange: boolean;
  pending: PendingRecords;
}

/** Every record's fields checked on their own, and no natural key twice in one file. */
function checkRecords(
  kind: RecordKind,
  raw: readonly RawRecord[],
  onProgress?: (done: number) => void,
): { records: CheckedRecord[]; problems: ImportProblem[] } {
  const definition = definitionOf(kind);
  const problems: ImportProblem[] = [];
  const records: CheckedRecord[] = [];
  const firstSeen = new Map<string, RecordLocation>();
  for (const [index, { location, fields }] of raw.entries()) {
    if (index % 1000 === 0) onProgress?.(index);
    const given: Record<string, unknown> = {};
    const invalid = new Set<string>();
    const unknown = Object.keys(fields).filter((field) => !(field in definition.specs));
    for (const field of unknown) problems.push({ location, field, problem: { code: 'unknown_field', fields: definition.fields } });
    for (const field of definition.fields) {
      if (!(field in fields)) continue;
      const parsed = definition.specs[field]!.parse(fields[field]);
      if (parsed.ok) given[field] = parsed.value;
      else {
        invalid.add(field);
        problems.push({ location, field, problem: parsed.problem });
      }
    }
    const missingKey = definition.keyFields.filter((field) => !(field in fields));
    for (const field of missingKey) problems.push({ location, field, problem: { code: 'required' } });
    if (missingKey.length > 0 || definition.keyFields.some((field) => invalid.has(field))) continue;

    const key = definition.keyOf(given);
    const earlier = firstSeen.get(key);
    if (earlier) {
      problems.push({
        location,
        field: definition.keyFields.join(', '),
        problem: { code: 'repeated_key', keyName: definition.keyFields.join(', '), earlier },
      });
      continue;
    }
    firstSeen.set(key, location);
    records.push({ location, given, invalid, key });
  }
  return { records, problems };
}

/** What a record names, by its natural key, that must exist: [field, target, key, level's scheme]. */
type Reference = { field: string; target: ReferenceTarget; key: string } | { field: string; target: 'level'; scheme: string; level: string };

function referencesOf(kind: RecordKind, record: Record<string, unknown>, known: KnownRecords): Reference[] {
  const text = (field: string) => record[field] as string | null;
  const references: Reference[] = [];
  const add = (field: string, target: ReferenceTarget, key: string | null) => key !== null && references.push({ field, target, key });
  const level = (field: string, scheme: string | null) => {
    const code = text(field);
    if (scheme !== null && code !== null) references.push({ field, target: 'level', scheme, level: code });
  };
  switch (kind) {
    case 'scheme-levels':
      add('scheme_code', 'scheme', text('scheme_code'));
      break;
    case 'certificates':
      add('holder_uscc', 'organisation', text('holder_uscc'));
      add('body_code', 'body', text('body_code'));
      add('scheme_code', 'scheme', text('scheme_code'));
      level('level_code', text('scheme_code'));
      break;
    case 'certificate-events': {
      const number = text('certificate_number')!;
      add('certificate_number', 'certificate', number);
      level('level_code', known.certificates.get(certificateNumberKey(number))?.schemeCode ?? null);
      break;
    }
    case 'notices':
      add('applicant_uscc', 'organisation', text('applicant_uscc'));
      add('scheme_code', 'scheme', text('scheme_code'));
      add('body_code', 'body', text('body_code'));
      level('proposed_level_code', text('scheme_code'));
      add('certificate_number', 'certificate', text('certificate_number'));
      break;
    default:
  }
  return references;
}

/** The records others refer to, as stored (or pending in a dry run): what references are checked against. */
interface KnownRecords {
  bodies: Map<string, { name: string; approvalNumber: string }>;
  schemes: Map<string, { name: string }>;
  /** "scheme_code level_code" */
  levels: Set<string>;
  organisations: Map<string, { name: string }>;
  /** By number key. */
  certificates: Map<string, { schemeCode: string }>;
}

const KEYS_PER_QUERY = 500;

async function inChunks<Row>(keys: Iterable<string>, query: (chunk: string[]) => Promise<Row[]>): Promise<Row[]> {
  const all = [...new Set(keys)];
  const rows: Row[] = [];
  for (let start = 0; start < all.length; start += KEYS_PER_QUERY) rows.push(...(await query(all.slice(start, start + KEYS_PER_QUERY))));
  return rows;
}

/** Bodies, schemes and levels whole (they are few); organisations and certificates by the keys named. */
async function loadKnownRecords(db: PortalDb, usccs: Iterable<string>, numberKeys: Iterable<string>, pending: PendingRecords): Promise<KnownRecords> {
  const [bodies, schemes, levels, organisations, certificates] = await Promise.all([
    db.selectFrom('certificationBody').select(['code', 'name', 'approvalNumber']).execute(),
    db.selectFrom('scheme').select(['code', 'name']).execute(),
    db
      .selectFrom('schemeLevel')
      .innerJoin('scheme', 'scheme.id', 'schemeLevel.schemeId')
      .select(['scheme.code as schemeCode', 'schemeLevel.code'])
      .execute(),
    inChunks(usccs, (chunk) => db.selectFrom('organisation').select(['uscc', 'name']).where('uscc', 'in', chunk).execute()),
    inChunks(numberKeys, (chunk) =>
      db
        .selectFrom('certificate')
        .innerJoin('scheme', 'scheme.id', 'certificate.schemeId')
        .select(['certificate.numberKey', 'scheme.code as schemeCode'])
        .where('certificate.numberKey', 'in', chunk)
        .execute(),
    ),
  ]);
  const known: KnownRecords = {
    bodies: new Map(bodies.map((body) => [body.code, { name: body.name, approvalNumber: body.approvalNumber }])),
    schemes: new Map(schemes.map((scheme) => [scheme.code, { name: scheme.name }])),
    levels: new Set(levels.map((level) => `${level.schemeCode} ${level.code}`)),
    organisations: new Map(organisations.map((organisation) => [organisation.uscc, { name: organisation.name }])),
    certificates: new Map(certificates.map((certificate) => [certificate.numberKey, { schemeCode: certificate.schemeCode }])),
  };
  const pendingOf = (kind: RecordKind) => [...(pending.get(kind)?.values() ?? [])] as Record<string, string>[];
  for (const body of pendingOf('bodies')) known.bodies.set(body.code!, { name: body.name!, approvalNumber: body.approval_number! });
  for (const scheme of pendingOf('schemes')) known.schemes.set(scheme.code!, { name: scheme.name! });
  for (const level of pendingOf('scheme-levels')) known.levels.add(`${level.scheme_code} ${level.code}`);
  for (const organisation of pendingOf('organisations')) known.organisations.set(organisation.uscc!, { name: organisation.name! });
  for (const certificate of pendingOf('certificates'))
    known.certificates.set(certificateNumberKey(certificate.number!), { schemeCode: certificate.scheme_code! });
  return known;
}

function exists(known: KnownRecords, reference: Reference): boolean {
  switch (reference.target) {
    case 'body':
      return known.bodies.has(reference.key);
    case 'scheme':
      return known.schemes.has(reference.key);
    case 'organisation':
      return known.organisations.has(reference.key);
    case 'certificate':
      return known.certificates.has(certificateNumberKey(reference.key));
    case 'level':
      return known.levels.has(`${reference.scheme} ${reference.level}`);
  }
}

function referenceProblem(reference: Reference): RecordProblem {
  return reference.target === 'level'
    ? { code: 'level_not_in_scheme', scheme: reference.scheme, level: reference.level }
    : { code: 'unknown_reference', target: reference.target, key: reference.key };
}

const MOVE_FIELDS: readonly MoveField[] = ['holder_uscc', 'body_code', 'scheme_code'];

function nameOf(known: KnownRecords, field: MoveField, key: string): string {
  const source = field === 'holder_uscc' ? known.organisations : field === 'body_code' ? known.bodies : known.schemes;
  return source.get(key)?.name ?? key;
}

/** The stored records a file's keys name: the pending ones of a dry run over those in the database. */
async function storedRecords(db: PortalDb, kind: RecordKind, keys: string[], pending: PendingRecords): Promise<Map<string, StoredRecord>> {
  const stored = await findStoredRecords(db, kind, keys);
  const pendingOfKind = pending.get(kind);
  for (const key of pendingOfKind ? keys : []) {
    const record = pendingOfKind!.get(key);
    if (record) stored.set(key, { id: stored.get(key)?.id ?? 0, record });
  }
  return stored;
}

/** A certificate reference is the same whatever dashes or case it is written with: only its key counts. */
const sameValue = (field: string, a: unknown, b: unknown) =>
  field === 'certificate_number' && typeof a === 'string' && typeof b === 'string' ? certificateNumberKey(a) === certificateNumberKey(b) : a === b;

/**
 * The plan for one file's records, or every problem found in them. `db` is read only:
 * nothing is written here.
 */
export async function planFile(
  db: PortalDb,
  kind: RecordKind,
  raw: ReadRecords,
  options: PlanOptions,
  onProgress?: (done: number) => void,
): Promise<{ plan: FilePlan; problems: ImportProblem[] }> {
  const definition = definitionOf(kind);
  const checked = checkRecords(kind, raw.records, onProgress);
  const problems = [...raw.problems, ...checked.problems];
  const keys = checked.records.map((record) => record.key);
  const snapshot = await storedRecords(db, kind, keys, options.pending);

  const merged = checked.records.map((checkedRecord) => {
    const stored = snapshot.get(checkedRecord.key);
    const missing = stored
      ? []
      : definition.fields.filter(
          (field) => definition.specs[field]!.required && !(field in checkedRecord.given) && !checkedRecord.invalid.has(field),
        );
    if (missing.length > 0) problems.push({ location: checkedRecord.location, problem: { code: 'required_for_new', fields: missing } });
    const blank = Object.fromEntries(definition.fields.map((field) => [field, null]));
    return {
      ...checkedRecord,
      stored,
      record: { ...blank, ...stored?.record, ...checkedRecord.given },
      unusable: new Set([...checkedRecord.invalid, ...missing]),
    };
  });

  const usccs = merged
    .flatMap(({ record, stored }) => [record.holder_uscc, record.applicant_uscc, stored?.record.holder_uscc])
    .filter((uscc): uscc is string => typeof uscc === 'string');
  const numbers = merged.flatMap(({ record }) => [record.certificate_number]).filter((number): number is string => typeof number === 'string');
  const known = await loadKnownRecords(db, usccs, numbers.map(certificateNumberKey), options.pending);

  // A body's approval number is no other body's: among the stored bodies and this file's.
  const approvalHolders = new Map([...known.bodies].map(([code, body]) => [body.approvalNumber, code]));
  const plan: FilePlan = { kind, records: raw.records.length, added: [], changed: [], unchanged: 0, snapshot };
  for (const { location, record, stored, unusable, key } of merged) {
    const before = problems.length;
    const report = (field: string, problem: RecordProblem) => problems.push({ location, field, problem });
    for (const check of definition.checks) {
      if (check.fields.some((field) => unusable.has(field))) continue;
      const problem = check.problem(record);
      if (problem) report(check.field, problem);
    }
    for (const reference of referencesOf(kind, record, known)) {
      if (!unusable.has(reference.field) && !exists(known, reference)) report(reference.field, referenceProblem(reference));
    }
    if (kind === 'bodies' && !unusable.has('approval_number')) {
      const holder = approvalHolders.get(record.approval_number as string);
      if (holder !== undefined && holder !== record.code)
        report('approval_number', { code: 'approval_number_taken', approvalNumber: record.approval_number as string, body: holder });
      else approvalHolders.set(record.approval_number as string, record.code as string);
    }
    const label = definition.labelOf(record);
    const fields = stored
      ? definition.fields
          .filter((field) => !sameValue(field, record[field], stored.record[field]))
          .map((field) => ({ field, old: stored.record[field], new: record[field] }))
      : [];
    let move: CertificateMove | undefined;
    if (kind === 'certificates' && stored) {
      const moves = fields.filter((change): change is FieldChange & { field: MoveField } =>
        (MOVE_FIELDS as readonly string[]).includes(change.field),
      );
      if (moves.length > 0 && !options.allowHolderChange) {
        for (const change of moves)
          report(change.field, { code: 'move_refused', move: change.field, number: label, stored: String(change.old), proposed: String(change.new) });
      }
      if (moves.length > 0) {
        move = {
          moves: moves.map((change) => ({
            field: change.field,
            from: String(change.old),
            to: String(change.new),
            fromName: nameOf(known, change.field, String(change.old)),
            toName: nameOf(known, change.field, String(change.new)),
          })),
        };
      }
    }
    if (problems.length > before || unusable.size > 0) continue;
    if (!stored) plan.added.push({ location, key, label, record });
    else if (fields.length > 0) plan.changed.push({ location, key, label, record, id: stored.id, fields, ...(move ? { move } : {}) });
    else plan.unchanged += 1;
  }
  return { plan, problems };
}

/** A dry run's accepted file: later files of the run see its records as if written. */
export function keepPending(pending: PendingRecords, plan: FilePlan): void {
  const records = pending.get(plan.kind) ?? new Map<string, Record<string, unknown>>();
  for (const { key, record } of [...plan.added, ...plan.changed]) records.set(key, record);
  pending.set(plan.kind, records);
}
