import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { PortalDb } from '../../db/database.ts';
import { containsText } from '../../db/seam.ts';
import { looksLikeUscc } from '../../ground/organisations/uscc.ts';
import { certificateNumberKey, toSearchForm } from '../../ground/text/normalise.ts';
import { LOOKUP_PAGE_SIZE, normalisedQuery, type CertificateSummary } from './lookup.ts';
import { selectCertificateSummaries } from './repository.ts';
import { statusOnDay } from './status.ts';

export interface OverdueCertificate extends CertificateSummary {
  /** The last day by which the missing surveillance should have been recorded. */
  surveillanceDueOn: string;
  province: string;
}

export interface OverdueLookup {
  /** The query as understood, after normalisation; empty for every overdue certificate. */
  query: string;
  total: number;
  page: number;
  pageCount: number;
  items: OverdueCertificate[];
}

/**
 * The certificates whose surveillance is overdue at `today`, read from the index the triggers
 * keep (certificate_surveillance_due): due before today and still in force (not past their
 * end; withdrawn and cancelled ones have no row). What it reads grows with the number of
 * overdue certificates (a few in a hundred), never with the registry.
 */
function overdueRows(db: PortalDb, today: string) {
  return db.selectFrom('certificateSurveillanceDue as due').where('due.dueOn', '<', today).where('due.expiresOn', '>=', today);
}

/** The index's own order (due_on, expires_on, organisation_id, rowid). */
const LONGEST_OVERDUE_FIRST = ['due.dueOn', 'due.expiresOn', 'due.organisationId', 'due.certificateId'] as const;

/**
 * How a lookup query narrows the overdue certificates (a condition on certificate and
 * organisation): to a USCC's or to the certificate with that number (a handful, found
 * through their indexes), or to holders whose name contains it (two characters or more),
 * checked on each overdue certificate. Null when the query can name none.
 */
async function narrowing(db: PortalDb, text: string): Promise<{ condition: RawBuilder<SqlBool>; byName: boolean } | null> {
  const compact = text.toUpperCase().replace(/[ -]/g, '');
  if (looksLikeUscc(compact)) return { condition: sql<SqlBool>`${sql.ref('organisation.uscc')} = ${compact}`, byName: false };
  const numberKey = certificateNumberKey(text);
  const numbered = numberKey !== '' && (await db.selectFrom('certificate').select('id').where('numberKey', '=', numberKey).executeTakeFirst());
  if (numbered) return { condition: sql<SqlBool>`${sql.ref('certificate.numberKey')} = ${numberKey}`, byName: false };
  const term = toSearchForm(text);
  if (Array.from(term).length < 2) return null;
  return { condition: containsText(db, 'organisation.nameSearch', term), byName: true };
}

/** Lines of the list for these overdue rows. */
function overdueLines(db: PortalDb, today: string) {
  return selectCertificateSummaries(db)
    .innerJoin('certificateSurveillanceDue as due', 'due.certificateId', 'certificate.id')
    .select(['due.dueOn as surveillanceDueOn', 'organisation.province'])
    .where('due.dueOn', '<', today)
    .where('due.expiresOn', '>=', today);
}

type OverdueLines = ReturnType<typeof overdueLines>;
type OverdueLine = Awaited<ReturnType<OverdueLines['execute']>>[number];

/**
 * In the index's order, so that a page is read without sorting the whole set ('desc': the
 * most recently overdue first). Any query over the index orders alike; it keeps its rows.
 */
// biome-ignore lint/suspicious/noExplicitAny: any query over the due rows, whatever tables it joins, orders alike.
function longestOverdueFirst<Row>(query: SelectQueryBuilder<any, any, Row>, direction: 'asc' | 'desc'): SelectQueryBuilder<any, any, Row> {
  return LONGEST_OVERDUE_FIRST.reduce((ordered, column) => ordered.orderBy(sql.ref(column), direction), query);
}

/**
 * The lookup narrowed to certificates whose surveillance is overdue at `today` (Beijing), the
 * longest overdue first; `rawQuery` narrows it further, or is empty for all of them. A page's
 * certificates are chosen from the index first, and only those twenty are read in full.
 */
export async function lookupOverdueCertificates(db: PortalDb, rawQuery: string, page: number, today: string): Promise<OverdueLookup> {
  const query = normalisedQuery(rawQuery);
  const narrowed = query === '' ? null : await narrowing(db, query);
  const offset = (page - 1) * LOOKUP_PAGE_SIZE;
  const result = (total: number, rows: OverdueLine[]): OverdueLookup => ({
    query,
    total,
    page,
    pageCount: Math.ceil(total / LOOKUP_PAGE_SIZE),
    items: rows.map((row) => overdueCertificate(row, today)),
  });
  if (query !== '' && !narrowed) return result(0, []);
  // A USCC or a number names a few certificates: all of them are read, and counted as they are.
  if (narrowed && !narrowed.byName) {
    const all = await longestOverdueFirst(overdueLines(db, today).where(narrowed.condition), 'asc').execute();
    return result(all.length, all.slice(offset, offset + LOOKUP_PAGE_SIZE));
  }
  // biome-ignore lint/suspicious/noExplicitAny: a subquery of ids, whatever it joins.
  const lines = (ids: readonly number[] | SelectQueryBuilder<any, any, { certificateId: number }>) =>
    longestOverdueFirst(overdueLines(db, today).where('certificate.id', 'in', ids), 'asc').execute();
  if (!narrowed) {
    const pageIds = longestOverdueFirst(overdueRows(db, today).select('due.certificateId'), 'asc').limit(LOOKUP_PAGE_SIZE).offset(offset);
    const [counted, rows] = await Promise.all([
      overdueRows(db, today)
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow(),
      lines(pageIds),
    ]);
    return result(Number(counted.total), rows);
  }
  // By name: every overdue holder's name is tested once, beside the index; the matches are counted and paged.
  const matching = await longestOverdueFirst(
    overdueRows(db, today).innerJoin('organisation', 'organisation.id', 'due.organisationId').select('due.certificateId').where(narrowed.condition),
    'asc',
  ).execute();
  const pageIds = matching.slice(offset, offset + LOOKUP_PAGE_SIZE).map((row) => row.certificateId);
  return result(matching.length, pageIds.length === 0 ? [] : await lines(pageIds));
}

/** The certificates that became overdue most recently by `today`: what the overdue feed carries. */
export async function newestOverdueCertificates(db: PortalDb, today: string, limit: number): Promise<OverdueCertificate[]> {
  const rows = await longestOverdueFirst(overdueLines(db, today), 'desc').limit(limit).execute();
  return rows.map((row) => overdueCertificate(row, today));
}

function overdueCertificate(row: OverdueLine, today: string): OverdueCertificate {
  return { ...row, status: statusOnDay(row.status, row.expiresOn, today) };
}
