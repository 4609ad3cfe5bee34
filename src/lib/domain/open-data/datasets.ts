/**
 * What the bulk files hold: the whole public registry, one record a certificate, a
 * certificate event and a notice, each read in pages by its primary key (keyset: `id > last
 * order by id limit n`, the primary key's order, so a page costs the same at the first and
 * the millionth row) with its holder or applicant joined by primary key. Bodies, schemes and
 * their levels (a few hundred rows nationally) are read whole once per generation.
 *
 * Only what the portal publishes anyway: nothing of the comment tables is ever read here, so
 * no commenter's name, contact or address can reach a file.
 */
import type { PortalDb } from '../../db/database.ts';
import { toBeijingIso } from '../../ground/time/beijing.ts';

export type Cell = string | number | null;

export const DATASET_NAMES = ['certificates', 'certificate-events', 'notices'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface Dataset {
  name: DatasetName;
  /** The CSV header and the NDJSON keys, in order. */
  columns: readonly string[];
  /** The records, `pageSize` at a time, each with a cell per column. */
  pages(db: PortalDb, lookups: Lookups, pageSize: number): AsyncGenerator<Cell[][]>;
}

/** Rows per page: a few megabytes of text at most, whatever the size of the registry. */
export const DEFAULT_PAGE_SIZE = 5000;

/** The small tables, by id: each page names its body, scheme and level by these. */
export interface Lookups {
  bodies: Map<number, { code: string; name: string }>;
  schemes: Map<number, { code: string; name: string }>;
  /** "schemeId code" → the level's name. */
  levels: Map<string, string>;
}

export async function readLookups(db: PortalDb): Promise<Lookups> {
  const [bodies, schemes, levels] = await Promise.all([
    db.selectFrom('certificationBody').select(['id', 'code', 'name']).execute(),
    db.selectFrom('scheme').select(['id', 'code', 'name']).execute(),
    db.selectFrom('schemeLevel').select(['schemeId', 'code', 'name']).execute(),
  ]);
  return {
    bodies: new Map(bodies.map(({ id, code, name }) => [id, { code, name }])),
    schemes: new Map(schemes.map(({ id, code, name }) => [id, { code, name }])),
    levels: new Map(levels.map(({ schemeId, code, name }) => [`${schemeId} ${code}`, name])),
  };
}

/** Pages of `read(after)` until one comes back short; `read` orders by id and takes `pageSize` rows after `after`. */
async function* byKey<Row extends { id: number }>(
  pageSize: number,
  read: (after: number) => Promise<Row[]>,
  toCells: (row: Row) => Cell[],
): AsyncGenerator<Cell[][]> {
  for (let after = 0; ; ) {
    const rows = await read(after);
    if (rows.length > 0) yield rows.map(toCells);
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}

/** The cells scheme, schemeName, levelCode (as given), levelName. */
const schemeCells = (lookups: Lookups, schemeId: number, levelCode: string | null): Cell[] => [
  lookups.schemes.get(schemeId)?.code ?? null,
  lookups.schemes.get(schemeId)?.name ?? null,
  levelCode,
  levelCode === null ? null : (lookups.levels.get(`${schemeId} ${levelCode}`) ?? null),
];
/** The cells bodyCode, bodyName. */
const bodyCells = (lookups: Lookups, bodyId: number): Cell[] => [lookups.bodies.get(bodyId)?.code ?? null, lookups.bodies.get(bodyId)?.name ?? null];

export const CERTIFICATES: Dataset = {
  name: 'certificates',
  columns: [
    'number',
    // As the body recorded it: "expired" is never stored, it follows from expiresOn (a valid or suspended certificate past it is expired).
    'recordedStatus',
    'expiresOn',
    'firstIssuedOn',
    'issuedOn',
    'holderName',
    'holderUscc',
    'holderProvince',
    'holderCity',
    'holderAddress',
    'scheme',
    'schemeName',
    'levelCode',
    'levelName',
    'scope',
    'sites',
    'bodyCode',
    'bodyName',
    'updatedAt',
  ],
  pages: (db, lookups, pageSize) =>
    byKey(
      pageSize,
      (after) =>
        db
          .selectFrom('certificate')
          .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
          .select([
            'certificate.id',
            'certificate.number',
            'certificate.status',
            'certificate.expiresOn',
            'certificate.firstIssuedOn',
            'certificate.issuedOn',
            'organisation.name',
            'organisation.uscc',
            'organisation.province',
            'organisation.city',
            'organisation.address',
            'certificate.schemeId',
            'certificate.levelCode',
            'certificate.scope',
            'certificate.sites',
            'certificate.bodyId',
            'certificate.updatedAt',
          ])
          .where('certificate.id', '>', after)
          .orderBy('certificate.id')
          .limit(pageSize)
          .execute(),
      (row) => [
        row.number,
        row.status,
        row.expiresOn,
        row.firstIssuedOn,
        row.issuedOn,
        row.name,
        row.uscc,
        row.province,
        row.city,
        row.address,
        ...schemeCells(lookups, row.schemeId, row.levelCode),
        row.scope,
        row.sites,
        ...bodyCells(lookups, row.bodyId),
        toBeijingIso(row.updatedAt),
      ],
    ),
};

export const CERTIFICATE_EVENTS: Dataset = {
  name: 'certificate-events',
  columns: ['certificateNumber', 'kind', 'occurredAt', 'description', 'levelCode', 'expiresOn', 'scope'],
  pages: (db, _lookups, pageSize) =>
    byKey(
      pageSize,
      (after) =>
        db
          .selectFrom('certificateEvent')
          .innerJoin('certificate', 'certificate.id', 'certificateEvent.certificateId')
          .select([
            'certificateEvent.id',
            'certificate.number',
            'certificateEvent.kind',
            'certificateEvent.occurredAt',
            'certificateEvent.description',
            'certificateEvent.levelCode',
            'certificateEvent.expiresOn',
            'certificateEvent.scope',
          ])
          .where('certificateEvent.id', '>', after)
          .orderBy('certificateEvent.id')
          .limit(pageSize)
          .execute(),
      (row) => [row.number, row.kind, toBeijingIso(row.occurredAt), row.description, row.levelCode, row.expiresOn, row.scope],
    ),
};

export const NOTICES: Dataset = {
  name: 'notices',
  columns: [
    'id',
    'reference',
    'kind',
    'status',
    'decision',
    'applicantName',
    'applicantUscc',
    'province',
    'applicantAddress',
    'scheme',
    'schemeName',
    'proposedLevelCode',
    'proposedLevelName',
    'scope',
    'evaluationSummary',
    'bodyCode',
    'bodyName',
    'objectionContact',
    'publishedAt',
    'windowStart',
    'windowEnd',
    'decidedAt',
    'certificateNumber',
    'updatedAt',
  ],
  pages: (db, lookups, pageSize) =>
    byKey(
      pageSize,
      (after) =>
        db
          .selectFrom('notice')
          .innerJoin('organisation', 'organisation.id', 'notice.organisationId')
          .leftJoin('certificate', 'certificate.id', 'notice.certificateId')
          .select([
            'notice.id',
            'notice.reference',
            'notice.kind',
            'notice.status',
            'notice.decision',
            'organisation.name',
            'organisation.uscc',
            'notice.province',
            'notice.applicantAddress',
            'notice.schemeId',
            'notice.proposedLevelCode',
            'notice.scope',
            'notice.evaluationSummary',
            'notice.bodyId',
            'notice.objectionContact',
            'notice.publishedAt',
            'notice.windowStart',
            'notice.windowEnd',
            'notice.decidedAt',
            'certificate.number as certificateNumber',
            'notice.updatedAt',
          ])
          .where('notice.id', '>', after)
          .orderBy('notice.id')
          .limit(pageSize)
          .execute(),
      (row) => [
        row.id,
        row.reference,
        row.kind,
        row.status,
        row.decision,
        row.name,
        row.uscc,
        row.province,
        row.applicantAddress,
        ...schemeCells(lookups, row.schemeId, row.proposedLevelCode),
        row.scope,
        row.evaluationSummary,
        ...bodyCells(lookups, row.bodyId),
        row.objectionContact,
        toBeijingIso(row.publishedAt),
        toBeijingIso(row.windowStart),
        toBeijingIso(row.windowEnd),
        row.decidedAt ? toBeijingIso(row.decidedAt) : null,
        row.certificateNumber,
        toBeijingIso(row.updatedAt),
      ],
    ),
};

export const DATASETS: readonly Dataset[] = [CERTIFICATES, CERTIFICATE_EVENTS, NOTICES];

/** The tables the files are made of: a change to one of them is what makes them be written again. */
export const PUBLISHED_TABLES = ['certificationBody', 'scheme', 'schemeLevel', 'organisation', 'certificate', 'certificateEvent', 'notice'] as const;
