/**
 * The registry read back as import records (ids replaced by natural keys): what the import
 * compares a file's records with, and how a database's contents are written as import
 * files (demo and benchmark files, and a round trip that checks the import accepts
 * everything the portal holds).
 */
import type { PortalDb } from '../../db/database.ts';
import { definitionOf, type RecordKind } from './records.ts';

/** A stored record as the import compares it: its row's id and its fields as a file carries them. */
export interface StoredRecord {
  id: number;
  record: Record<string, unknown>;
}

/** Every row of a kind as a file's record would carry it, snake_case fields; instants in UTC, which the import accepts. */
export async function exportRecords(db: PortalDb, kind: RecordKind): Promise<Record<string, unknown>[]> {
  return (await recordRows(db, kind, null)).map(({ record }) => record);
}

/** Keys per query: well below SQLite's bound on parameters. */
const KEYS_PER_QUERY = 500;

/** The stored records with these natural keys (definitionOf(kind).keyOf), by key. */
export async function findStoredRecords(db: PortalDb, kind: RecordKind, keys: Iterable<string>): Promise<Map<string, StoredRecord>> {
  const definition = definitionOf(kind);
  const wanted = new Set(keys);
  // Levels and events are looked up by a part of their key (the scheme, the certificate) and picked out here.
  const lookup = [...new Set([...wanted].map((key) => (kind === 'scheme-levels' || kind === 'certificate-events' ? key.split(' ')[0]! : key)))];
  const found = new Map<string, StoredRecord>();
  for (let start = 0; start < lookup.length; start += KEYS_PER_QUERY) {
    for (const stored of await recordRows(db, kind, lookup.slice(start, start + KEYS_PER_QUERY))) {
      const key = definition.keyOf(stored.record);
      if (wanted.has(key)) found.set(key, stored);
    }
  }
  return found;
}

/** The rows of a kind, all of them or those whose lookup column (the key, or its first part) is in `lookup`. */
async function recordRows(db: PortalDb, kind: RecordKind, lookup: readonly string[] | null): Promise<StoredRecord[]> {
  const rows = (await recordQuery(db, kind, lookup)) as { id: number }[];
  // The queries name fields in camelCase, as the CamelCasePlugin hands every result back; files use snake_case.
  const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return rows.map(({ id, ...row }) => ({ id, record: Object.fromEntries(Object.entries(row).map(([name, value]) => [snakeCase(name), value])) }));
}

async function recordQuery(db: PortalDb, kind: RecordKind, lookup: readonly string[] | null): Promise<object[]> {
  const filtered = lookup !== null;
  const values = lookup ?? [];
  switch (kind) {
    case 'bodies':
      return db
        .selectFrom('certificationBody')
        .select(['id', 'code', 'name', 'approvalNumber', 'website', 'phone', 'address'])
        .$if(filtered, (query) => query.where('code', 'in', values))
        .orderBy('id')
        .execute();
    case 'schemes':
      return db
        .selectFrom('scheme')
        .select(['id', 'code', 'name', 'nameEn', 'basis', 'description'])
        .$if(filtered, (query) => query.where('code', 'in', values))
        .orderBy('id')
        .execute();
    case 'scheme-levels':
      return db
        .selectFrom('schemeLevel')
        .innerJoin('scheme', 'scheme.id', 'schemeLevel.schemeId')
        .select(['schemeLevel.id', 'scheme.code as schemeCode', 'schemeLevel.code', 'schemeLevel.name', 'schemeLevel.minScore', 'schemeLevel.rank'])
        .$if(filtered, (query) => query.where('scheme.code', 'in', values))
        .orderBy('schemeLevel.id')
        .execute();
    case 'organisations':
      return db
        .selectFrom('organisation')
        .select(['id', 'uscc', 'name', 'province', 'city', 'address'])
        .$if(filtered, (query) => query.where('uscc', 'in', values))
        .orderBy('id')
        .execute();
    case 'certificates':
      return db
        .selectFrom('certificate')
        .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
        .innerJoin('certificationBody', 'certificationBody.id', 'certificate.bodyId')
        .innerJoin('scheme', 'scheme.id', 'certificate.schemeId')
        .select([
          'certificate.id',
          'certificate.number',
          'organisation.uscc as holderUscc',
          'certificationBody.code as bodyCode',
          'scheme.code as schemeCode',
          'certificate.levelCode',
          'certificate.scope',
          'certificate.sites',
          'certificate.firstIssuedOn',
          'certificate.issuedOn',
          'certificate.expiresOn',
          'certificate.status',
        ])
        .$if(filtered, (query) => query.where('certificate.numberKey', 'in', values))
        .orderBy('certificate.id')
        .execute();
    case 'certificate-events':
      return db
        .selectFrom('certificateEvent')
        .innerJoin('certificate', 'certificate.id', 'certificateEvent.certificateId')
        .select([
          'certificateEvent.id',
          'certificate.number as certificateNumber',
          'certificateEvent.kind',
          'certificateEvent.occurredAt',
          'certificateEvent.description',
          'certificateEvent.levelCode',
          'certificateEvent.expiresOn',
          'certificateEvent.scope',
        ])
        .$if(filtered, (query) => query.where('certificate.numberKey', 'in', values))
        .orderBy('certificateEvent.id')
        .execute();
    case 'notices':
      return db
        .selectFrom('notice')
        .innerJoin('organisation', 'organisation.id', 'notice.organisationId')
        .innerJoin('certificationBody', 'certificationBody.id', 'notice.bodyId')
        .innerJoin('scheme', 'scheme.id', 'notice.schemeId')
        .leftJoin('certificate', 'certificate.id', 'notice.certificateId')
        .select([
          'notice.id',
          'notice.reference',
          'notice.kind',
          'organisation.uscc as applicantUscc',
          'scheme.code as schemeCode',
          'certificationBody.code as bodyCode',
          'notice.proposedLevelCode',
          'notice.scope',
          'notice.applicantAddress',
          'notice.evaluationSummary',
          'notice.windowStart',
          'notice.windowEnd',
          'notice.publishedAt',
          'notice.status',
          'notice.withdrawnAt',
          'notice.withdrawalReason',
          'notice.decision',
          'notice.decidedAt',
          'certificate.number as certificateNumber',
          'notice.objectionContact',
        ])
        .$if(filtered, (query) => query.where('notice.reference', 'in', values))
        .orderBy('notice.id')
        .execute();
  }
}
