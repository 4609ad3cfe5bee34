/**
 * Writes validated import records: upserts by natural key, references resolved by natural
 * key. A record identical to its row leaves the row alone, updated_at included, so that
 * importing the same file twice changes nothing. Every function checks all references
 * first and throws InvalidRecords before writing anything.
 */
import { sql, type Insertable, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { PortalDatabase, PortalDb } from '../db/database.ts';
import type { CertificateEventTable } from '../db/registry.table.ts';
import { certificateNumberKey, toSearchForm } from '../text/normalise.ts';
import { InvalidRecords, type ImportProblem, type Located } from './problems.ts';
import type {
  BodyRecord,
  CertificateEventRecord,
  CertificateRecord,
  NoticeRecord,
  OrganisationRecord,
  SchemeLevelRecord,
  SchemeRecord,
} from './records.ts';

export interface UpsertCounts {
  added: number;
  changed: number;
  unchanged: number;
}

/** Called after each chunk with the number of records written so far. */
export type ProgressListener = (done: number) => void;

/** Rows per statement: well below SQLite's 32,766 bound parameters for the widest table here. */
const ROWS_PER_STATEMENT = 500;

function chunks<Item>(items: readonly Item[], size = ROWS_PER_STATEMENT): Item[][] {
  const result: Item[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * The ON CONFLICT update: every column from the proposed row, but only WHERE one of them
 * differs (IS DISTINCT FROM treats NULLs as values; PostgreSQL reads it the same), so an
 * identical row is not written and keeps its updated_at.
 */
function updateWhenChanged<Column extends string>(table: string, columns: readonly Column[], stamped: boolean) {
  const set = Object.fromEntries(
    [...columns, ...(stamped ? ['updatedAt'] : [])].map((column) => [column, sql.ref(`excluded.${column}`)]),
  ) as Record<Column, RawBuilder<never>>;
  const differs = sql<SqlBool>`${sql.join(
    columns.map((column) => sql`${sql.ref(`${table}.${column}`)} is distinct from ${sql.ref(`excluded.${column}`)}`),
    sql` or `,
  )}`;
  return { set, differs };
}

type NaturalKeyTable = 'certificationBody' | 'scheme' | 'organisation' | 'certificate' | 'notice';

/**
 * Inserts each row, or updates the row with the same natural key when one of `columns`
 * differs (stamping updated_at only then), counting added, changed and unchanged rows.
 */
async function upsertByNaturalKey<Table extends NaturalKeyTable>(
  db: PortalDb,
  table: Table,
  key: keyof PortalDatabase[Table] & string,
  rows: readonly Insertable<PortalDatabase[Table]>[],
  columns: readonly (keyof PortalDatabase[Table] & string)[],
  onProgress?: ProgressListener,
): Promise<UpsertCounts> {
  const { set, differs } = updateWhenChanged(table, columns, true);
  // The table is a parameter here, which Kysely's types cannot follow; each caller's rows are typed.
  const anyTable = db as unknown as Kysely<any>;
  const [tableName, keyColumn]: [string, string] = [table, key];
  return writeInChunks(
    rows,
    async (chunk) =>
      (await anyTable.selectFrom(tableName).select('id').where(keyColumn, 'in', chunk.map((row) => (row as Record<string, unknown>)[keyColumn])).execute()).length,
    async (chunk) =>
      (await anyTable.insertInto(tableName).values(chunk).onConflict((conflict) => conflict.column(keyColumn).doUpdateSet(set as Record<string, RawBuilder<never>>).where(differs)).executeTakeFirst())
        .numInsertedOrUpdatedRows ?? 0n,
    onProgress,
  );
}

/**
 * Writes `rows` in chunks with `write`, counting each chunk's new rows (keys not there
 * before) and changed ones (rows written that were there).
 */
async function writeInChunks<Row>(
  rows: readonly Row[],
  countExisting: (chunk: Row[]) => Promise<number>,
  write: (chunk: Row[]) => Promise<bigint | number>,
  onProgress?: ProgressListener,
): Promise<UpsertCounts> {
  const counts: UpsertCounts = { added: 0, changed: 0, unchanged: 0 };
  let done = 0;
  for (const chunk of chunks(rows)) {
    const existing = await countExisting(chunk);
    const written = Number(await write(chunk));
    counts.added += chunk.length - existing;
    counts.changed += written - (chunk.length - existing);
    counts.unchanged += chunk.length - written;
    done += chunk.length;
    onProgress?.(done);
  }
  return counts;
}

function throwIfAny(problems: ImportProblem[]): void {
  if (problems.length > 0) throw new InvalidRecords(problems);
}

/** Where a missing reference should have come from. */
const importIt = (kind: string) => `import it first (${kind} records, in this command or an earlier one)`;

/** Lookups of the records others refer to, by their natural keys. */
async function bodyIdsByCode(db: PortalDb): Promise<Map<string, number>> {
  const rows = await db.selectFrom('certificationBody').select(['id', 'code']).execute();
  return new Map(rows.map((row) => [row.code, row.id]));
}

async function schemeIdsByCode(db: PortalDb): Promise<Map<string, number>> {
  const rows = await db.selectFrom('scheme').select(['id', 'code']).execute();
  return new Map(rows.map((row) => [row.code, row.id]));
}

/** "schemeId code" of every level. */
async function levelKeys(db: PortalDb): Promise<Set<string>> {
  const rows = await db.selectFrom('schemeLevel').select(['schemeId', 'code']).execute();
  return new Set(rows.map((row) => `${row.schemeId} ${row.code}`));
}

async function organisationIdsByUscc(db: PortalDb, usccs: Iterable<string>): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const chunk of chunks([...new Set(usccs)])) {
    const rows = await db.selectFrom('organisation').select(['id', 'uscc']).where('uscc', 'in', chunk).execute();
    for (const row of rows) found.set(row.uscc, row.id);
  }
  return found;
}

async function certificatesByKey(db: PortalDb, keys: Iterable<string>): Promise<Map<string, { id: number; schemeId: number }>> {
  const found = new Map<string, { id: number; schemeId: number }>();
  for (const chunk of chunks([...new Set(keys)])) {
    const rows = await db.selectFrom('certificate').select(['id', 'numberKey', 'schemeId']).where('numberKey', 'in', chunk).execute();
    for (const row of rows) found.set(row.numberKey, { id: row.id, schemeId: row.schemeId });
  }
  return found;
}

/** Resolves a reference or records the problem; -1 stands in for the id of a missing one. */
function resolver(problems: ImportProblem[]) {
  return <Key>(lookup: Map<Key, number>, key: Key, located: Located<unknown>, field: string, missing: string): number => {
    const id = lookup.get(key);
    if (id !== undefined) return id;
    problems.push({ location: located.location, field, reason: missing });
    return -1;
  };
}

/**
 * The id of the scheme a record names, with a problem recorded when the scheme is unknown
 * or the level (optional) is not one of that scheme's.
 */
function resolveSchemeAndLevel(
  resolve: ReturnType<typeof resolver>,
  problems: ImportProblem[],
  known: { schemes: Map<string, number>; levels: Set<string> },
  located: Located<unknown>,
  schemeCode: string,
  level: { field: string; code: string | null },
): number {
  const schemeId = resolve(known.schemes, schemeCode, located, 'scheme_code', `no scheme has the code ${schemeCode}; ${importIt('schemes')}`);
  if (schemeId > 0 && level.code !== null && !known.levels.has(`${schemeId} ${level.code}`)) {
    problems.push({ location: located.location, field: level.field, reason: `scheme ${schemeCode} has no level ${level.code}` });
  }
  return schemeId;
}

export async function upsertBodies(db: PortalDb, records: readonly Located<BodyRecord>[], now: Date, onProgress?: ProgressListener): Promise<UpsertCounts> {
  // The approval number is unique too: a body's code cannot take over another body's approval.
  const held = new Map((await db.selectFrom('certificationBody').select(['code', 'approvalNumber']).execute()).map((row) => [row.approvalNumber, row.code]));
  const problems: ImportProblem[] = [];
  for (const { location, record } of records) {
    const holder = held.get(record.approval_number);
    if (holder !== undefined && holder !== record.code) {
      problems.push({ location, field: 'approval_number', reason: `${record.approval_number} is already the approval number of body ${holder}` });
    }
    held.set(record.approval_number, record.code);
  }
  throwIfAny(problems);

  const updatedAt = now.toISOString();
  const rows = records.map(({ record }) => ({
    code: record.code,
    name: record.name,
    approvalNumber: record.approval_number,
    website: record.website,
    phone: record.phone,
    address: record.address,
    updatedAt,
  }));
  return upsertByNaturalKey(db, 'certificationBody', 'code', rows, ['name', 'approvalNumber', 'website', 'phone', 'address'], onProgress);
}

export async function upsertSchemes(db: PortalDb, records: readonly Located<SchemeRecord>[], now: Date, onProgress?: ProgressListener): Promise<UpsertCounts> {
  const updatedAt = now.toISOString();
  const rows = records.map(({ record }) => ({
    code: record.code,
    name: record.name,
    nameEn: record.name_en,
    basis: record.basis,
    description: record.description,
    updatedAt,
  }));
  return upsertByNaturalKey(db, 'scheme', 'code', rows, ['name', 'nameEn', 'basis', 'description'], onProgress);
}

export async function upsertSchemeLevels(
  db: PortalDb,
  records: readonly Located<SchemeLevelRecord>[],
  onProgress?: ProgressListener,
): Promise<UpsertCounts> {
  const schemes = await schemeIdsByCode(db);
  const problems: ImportProblem[] = [];
  const resolve = resolver(problems);
  const rows = records.map((located) => ({
    schemeId: resolve(schemes, located.record.scheme_code, located, 'scheme_code', `no scheme has the code ${located.record.scheme_code}; ${importIt('schemes')}`),
    code: located.record.code,
    name: located.record.name,
    minScore: located.record.min_score,
    rank: located.record.rank,
  }));
  throwIfAny(problems);

  const { set, differs } = updateWhenChanged('schemeLevel', ['name', 'minScore', 'rank'] as const, false);
  const levels = await levelKeys(db);
  return writeInChunks(
    rows,
    async (chunk) => chunk.filter((row) => levels.has(`${row.schemeId} ${row.code}`)).length,
    async (chunk) =>
      (
        await db
          .insertInto('schemeLevel')
          .values(chunk)
          .onConflict((conflict) => conflict.columns(['schemeId', 'code']).doUpdateSet(set).where(differs))
          .executeTakeFirst()
      ).numInsertedOrUpdatedRows ?? 0n,
    onProgress,
  );
}

export async function upsertOrganisations(
  db: PortalDb,
  records: readonly Located<OrganisationRecord>[],
  now: Date,
  onProgress?: ProgressListener,
): Promise<UpsertCounts> {
  const updatedAt = now.toISOString();
  const rows = records.map(({ record }) => ({
    uscc: record.uscc,
    name: record.name,
    // Derived here, as the contract says whoever writes the name must; the triggers index it.
    nameSearch: toSearchForm(record.name),
    province: record.province,
    city: record.city,
    address: record.address,
    updatedAt,
  }));
  return upsertByNaturalKey(db, 'organisation', 'uscc', rows, ['name', 'nameSearch', 'province', 'city', 'address'], onProgress);
}

export async function upsertCertificates(
  db: PortalDb,
  records: readonly Located<CertificateRecord>[],
  now: Date,
  onProgress?: ProgressListener,
): Promise<UpsertCounts> {
  const [bodies, schemes, levels, holders] = await Promise.all([
    bodyIdsByCode(db),
    schemeIdsByCode(db),
    levelKeys(db),
    organisationIdsByUscc(
      db,
      records.map(({ record }) => record.holder_uscc),
    ),
  ]);
  const problems: ImportProblem[] = [];
  const resolve = resolver(problems);
  const updatedAt = now.toISOString();
  const rows = records.map((located) => {
    const { record } = located;
    const schemeId = resolveSchemeAndLevel(resolve, problems, { schemes, levels }, located, record.scheme_code, {
      field: 'level_code',
      code: record.level_code,
    });
    return {
      number: record.number,
      numberKey: certificateNumberKey(record.number),
      organisationId: resolve(holders, record.holder_uscc, located, 'holder_uscc', `no organisation has the USCC ${record.holder_uscc}; ${importIt('organisations')}`),
      bodyId: resolve(bodies, record.body_code, located, 'body_code', `no certification body has the code ${record.body_code}; ${importIt('bodies')}`),
      schemeId,
      levelCode: record.level_code,
      scope: record.scope,
      sites: record.sites,
      firstIssuedOn: record.first_issued_on,
      issuedOn: record.issued_on,
      expiresOn: record.expires_on,
      status: record.status,
      updatedAt,
    };
  });
  throwIfAny(problems);

  return upsertByNaturalKey(db, 'certificate', 'numberKey', rows, ['number', 'organisationId', 'bodyId', 'schemeId', 'levelCode', 'scope', 'sites', 'firstIssuedOn', 'issuedOn', 'expiresOn', 'status'], onProgress);
}

type EventRow = Omit<Insertable<CertificateEventTable>, 'id'>;
const eventKey = (event: Pick<EventRow, 'certificateId' | 'kind' | 'occurredAt'>) => `${event.certificateId} ${event.kind} ${event.occurredAt}`;
const EVENT_DETAILS = ['description', 'levelCode', 'expiresOn', 'scope'] as const;

/**
 * Events have no unique constraint on their natural key (certificate, kind, occurred_at),
 * so they are compared first: new ones inserted, changed ones updated, the rest left alone.
 */
export async function upsertCertificateEvents(
  db: PortalDb,
  records: readonly Located<CertificateEventRecord>[],
  onProgress?: ProgressListener,
): Promise<UpsertCounts> {
  const [certificates, levels] = await Promise.all([
    certificatesByKey(
      db,
      records.map(({ record }) => certificateNumberKey(record.certificate_number)),
    ),
    levelKeys(db),
  ]);
  const problems: ImportProblem[] = [];
  const rows: EventRow[] = [];
  for (const { location, record } of records) {
    const certificate = certificates.get(certificateNumberKey(record.certificate_number));
    if (!certificate) {
      problems.push({ location, field: 'certificate_number', reason: `no certificate has the number ${record.certificate_number}; ${importIt('certificates')}` });
      continue;
    }
    if (record.level_code !== null && !levels.has(`${certificate.schemeId} ${record.level_code}`)) {
      problems.push({ location, field: 'level_code', reason: `the certificate's scheme has no level ${record.level_code}` });
    }
    rows.push({
      certificateId: certificate.id,
      kind: record.kind,
      occurredAt: record.occurred_at,
      description: record.description,
      levelCode: record.level_code,
      expiresOn: record.expires_on,
      scope: record.scope,
    });
  }
  throwIfAny(problems);

  const counts: UpsertCounts = { added: 0, changed: 0, unchanged: 0 };
  let done = 0;
  for (const chunk of chunks(rows)) {
    const stored = await db
      .selectFrom('certificateEvent')
      .select(['id', 'certificateId', 'kind', 'occurredAt', ...EVENT_DETAILS])
      .where('certificateId', 'in', [...new Set(chunk.map((row) => row.certificateId))])
      .execute();
    const storedByKey = new Map(stored.map((event) => [eventKey(event), event]));
    const added = chunk.filter((row) => !storedByKey.has(eventKey(row)));
    if (added.length > 0) await db.insertInto('certificateEvent').values(added).execute();
    for (const row of chunk) {
      const existing = storedByKey.get(eventKey(row));
      if (!existing) continue;
      if (EVENT_DETAILS.every((column) => existing[column] === row[column])) {
        counts.unchanged += 1;
        continue;
      }
      await db
        .updateTable('certificateEvent')
        .set({ description: row.description, levelCode: row.levelCode, expiresOn: row.expiresOn, scope: row.scope })
        .where('id', '=', existing.id)
        .execute();
      counts.changed += 1;
    }
    counts.added += added.length;
    done += chunk.length;
    onProgress?.(done);
  }
  return counts;
}

export async function upsertNotices(db: PortalDb, records: readonly Located<NoticeRecord>[], now: Date, onProgress?: ProgressListener): Promise<UpsertCounts> {
  const [bodies, schemes, levels, applicants, certificates] = await Promise.all([
    bodyIdsByCode(db),
    schemeIdsByCode(db),
    levelKeys(db),
    organisationIdsByUscc(
      db,
      records.map(({ record }) => record.applicant_uscc),
    ),
    certificatesByKey(
      db,
      records.flatMap(({ record }) => (record.certificate_number === null ? [] : [certificateNumberKey(record.certificate_number)])),
    ),
  ]);
  const certificateIds = new Map([...certificates].map(([key, certificate]) => [key, certificate.id]));
  const problems: ImportProblem[] = [];
  const resolve = resolver(problems);
  const updatedAt = now.toISOString();
  const rows = records.map((located) => {
    const { record } = located;
    const schemeId = resolveSchemeAndLevel(resolve, problems, { schemes, levels }, located, record.scheme_code, {
      field: 'proposed_level_code',
      code: record.proposed_level_code,
    });
    return {
      reference: record.reference,
      kind: record.kind,
      organisationId: resolve(applicants, record.applicant_uscc, located, 'applicant_uscc', `no organisation has the USCC ${record.applicant_uscc}; ${importIt('organisations')}`),
      schemeId,
      bodyId: resolve(bodies, record.body_code, located, 'body_code', `no certification body has the code ${record.body_code}; ${importIt('bodies')}`),
      proposedLevelCode: record.proposed_level_code,
      scope: record.scope,
      applicantAddress: record.applicant_address,
      evaluationSummary: record.evaluation_summary,
      windowStart: record.window_start,
      windowEnd: record.window_end,
      publishedAt: record.published_at,
      status: record.status,
      decision: record.decision,
      decidedAt: record.decided_at,
      certificateId:
        record.certificate_number === null
          ? null
          : resolve(certificateIds, certificateNumberKey(record.certificate_number), located, 'certificate_number', `no certificate has the number ${record.certificate_number}; ${importIt('certificates')}`),
      objectionContact: record.objection_contact,
      updatedAt,
    };
  });
  throwIfAny(problems);

  return upsertByNaturalKey(db, 'notice', 'reference', rows, [
      'kind',
      'organisationId',
      'schemeId',
      'bodyId',
      'proposedLevelCode',
      'scope',
      'applicantAddress',
      'evaluationSummary',
      'windowStart',
      'windowEnd',
      'publishedAt',
      'status',
      'decision',
      'decidedAt',
      'certificateId',
      'objectionContact',
    ], onProgress);
}
