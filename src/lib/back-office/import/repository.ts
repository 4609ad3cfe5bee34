/**
 * Writes a file's plan (plan.ts): new records inserted, changed ones updated in the
 * columns that changed and nothing else (updated_at stamped then), unchanged ones not
 * touched. References are turned from natural keys into ids before the transaction, since
 * ids never change; inside it only the writes run, so the write lock is held briefly.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { PortalDb } from '../../db/database.ts';
import { certificateNumberColumns, organisationNameColumns } from '../../db/derived-columns.ts';
import { certificateNumberKey } from '../../ground/text/normalise.ts';
import type { CertificateMove, FilePlan } from './plan.ts';
import { definitionOf, type RecordKind } from './records.ts';

/** The ids the plan's references name, by natural key. */
export interface ReferenceIds {
  bodies: Map<string, number>;
  schemes: Map<string, number>;
  organisations: Map<string, number>;
  /** By number key. */
  certificates: Map<string, number>;
}

const KEYS_PER_QUERY = 500;

async function idsByKey(keys: Iterable<string>, query: (chunk: string[]) => Promise<{ key: string; id: number }[]>): Promise<Map<string, number>> {
  const all = [...new Set(keys)];
  const ids = new Map<string, number>();
  for (let start = 0; start < all.length; start += KEYS_PER_QUERY) {
    for (const row of await query(all.slice(start, start + KEYS_PER_QUERY))) ids.set(row.key, row.id);
  }
  return ids;
}

/** Read before the transaction: a row's id never changes and rows are never deleted. */
export async function resolveReferenceIds(db: PortalDb, plan: FilePlan): Promise<ReferenceIds> {
  const records = [...plan.added, ...plan.changed].map((planned) => planned.record);
  const texts = (field: string) => records.map((record) => record[field]).filter((value): value is string => typeof value === 'string');
  const [bodies, schemes, organisations, certificates] = await Promise.all([
    db.selectFrom('certificationBody').select(['code as key', 'id']).execute(),
    db.selectFrom('scheme').select(['code as key', 'id']).execute(),
    idsByKey([...texts('holder_uscc'), ...texts('applicant_uscc')], (chunk) =>
      db.selectFrom('organisation').select(['uscc as key', 'id']).where('uscc', 'in', chunk).execute(),
    ),
    idsByKey(texts('certificate_number').map(certificateNumberKey), (chunk) =>
      db.selectFrom('certificate').select(['numberKey as key', 'id']).where('numberKey', 'in', chunk).execute(),
    ),
  ]);
  return {
    bodies: new Map(bodies.map((row) => [row.key, row.id])),
    schemes: new Map(schemes.map((row) => [row.key, row.id])),
    organisations,
    certificates,
  };
}

const TABLES: Record<RecordKind, { table: string; stamped: boolean }> = {
  bodies: { table: 'certificationBody', stamped: true },
  schemes: { table: 'scheme', stamped: true },
  'scheme-levels': { table: 'schemeLevel', stamped: false },
  organisations: { table: 'organisation', stamped: true },
  certificates: { table: 'certificate', stamped: true },
  'certificate-events': { table: 'certificateEvent', stamped: false },
  notices: { table: 'notice', stamped: true },
};

const camelCase = (field: string) => field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function idOf(ids: Map<string, number>, key: string): number {
  const id = ids.get(key);
  // The plan checked every reference, and rows are never deleted: a missing id is a bug.
  if (id === undefined) throw new Error(`No id for ${key}`);
  return id;
}

/** The columns a field is stored in: its own, a derived one with it, or the id its natural key names. */
function columnsOf(kind: RecordKind, field: string, value: unknown, ids: ReferenceIds): Record<string, unknown> {
  const text = value as string;
  switch (field) {
    case 'holder_uscc':
    case 'applicant_uscc':
      return { organisationId: idOf(ids.organisations, text) };
    case 'body_code':
      return { bodyId: idOf(ids.bodies, text) };
    case 'scheme_code':
      return { schemeId: idOf(ids.schemes, text) };
    case 'certificate_number':
      return { certificateId: value === null ? null : idOf(ids.certificates, certificateNumberKey(text)) };
    case 'name':
      return kind === 'organisations' ? organisationNameColumns(text) : { name: value };
    case 'number':
      return certificateNumberColumns(text);
    default:
      return { [camelCase(field)]: value };
  }
}

function row(
  kind: RecordKind,
  record: Record<string, unknown>,
  fields: readonly string[],
  ids: ReferenceIds,
  updatedAt: string,
): Record<string, unknown> {
  return Object.assign({}, ...fields.map((field) => columnsOf(kind, field, record[field], ids)), TABLES[kind].stamped ? { updatedAt } : {});
}

/** Rows per insert: below SQLite's 32,766 bound parameters for the widest table here. */
const ROWS_PER_INSERT = 500;

export interface WriteOptions {
  now: Date;
  /** The description of a certificate's holder_changed event. */
  describeMove: (move: CertificateMove) => string;
  onProgress?: (done: number) => void;
}

/** Writes the plan inside the caller's transaction; returns how many holder_changed events it recorded. */
export async function writePlan(db: PortalDb, plan: FilePlan, ids: ReferenceIds, options: WriteOptions): Promise<number> {
  const { table } = TABLES[plan.kind];
  // The table is a parameter here, which Kysely's types cannot follow; the rows follow the contract's columns.
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  const anyTable = db as unknown as Kysely<any>;
  const updatedAt = options.now.toISOString();
  const { fields } = definitionOf(plan.kind);
  let done = 0;
  for (let start = 0; start < plan.added.length; start += ROWS_PER_INSERT) {
    const chunk = plan.added.slice(start, start + ROWS_PER_INSERT);
    await anyTable
      .insertInto(table)
      .values(chunk.map((added) => row(plan.kind, added.record, fields, ids, updatedAt)))
      .execute();
    done += chunk.length;
    options.onProgress?.(done);
  }

  let moves = 0;
  // Building and compiling a query costs more than SQLite's update: each set of changed columns is compiled once.
  const updates = new Map<string, CompiledQuery>();
  for (const changed of plan.changed) {
    const set = row(
      plan.kind,
      changed.record,
      changed.fields.map((change) => change.field),
      ids,
      updatedAt,
    );
    const columns = Object.keys(set).join(' ');
    let update = updates.get(columns);
    if (!update) {
      update = anyTable.updateTable(table).set(set).where('id', '=', changed.id).compile();
      updates.set(columns, update);
    }
    // The compiled parameters are the set's values in order, then the id.
    await db.executeQuery(CompiledQuery.raw(update.sql, [...Object.values(set), changed.id]));
    if (changed.move) {
      await db
        .insertInto('certificateEvent')
        .values({
          certificateId: changed.id,
          kind: 'holder_changed',
          occurredAt: updatedAt,
          description: options.describeMove(changed.move),
          levelCode: null,
          expiresOn: null,
          scope: null,
        })
        .execute();
      moves += 1;
    }
    done += 1;
    if (done % 1000 === 0) options.onProgress?.(done);
  }
  options.onProgress?.(done);
  return moves;
}
