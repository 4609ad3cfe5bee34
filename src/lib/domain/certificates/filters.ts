import { sql } from 'kysely';
import type { PortalDb } from '../../db/database.ts';
import type { StoredCertificateStatus } from '../../db/registry.table.ts';
import { DomainError } from '../../ground/errors.ts';
import { inAdministrativeOrder } from '../../ground/organisations/provinces.ts';
import { requireBody } from '../bodies/repository.ts';
import { selectCertificateSummaries } from './repository.ts';
import { statusOnDay, type CertificateStatus } from './status.ts';

/** The statuses as the lookup lists them: valid first, then the rest. */
export const LOOKUP_STATUSES = ['valid', 'suspended', 'expired', 'withdrawn', 'cancelled'] as const satisfies readonly CertificateStatus[];
export const FACET_NAMES = ['status', 'scheme', 'province', 'body'] as const;
export type LookupFacetName = (typeof FACET_NAMES)[number];

/** What the lookup can be narrowed to: status today, scheme (code), holder's province, body (code). */
export interface LookupFilters {
  status?: CertificateStatus;
  scheme?: string;
  province?: string;
  body?: string;
}

/** One value of a filter, with how many certificates it would list (the other filters applied). */
export interface FacetValue {
  value: string;
  /** The scheme's or body's name; the value itself for a province and a status (the page words a status). */
  name: string;
  count: number;
}
export type LookupFacets = Record<LookupFacetName, FacetValue[]>;

/** A certificate as the filters see it, for the bounded candidate sets (a name's or a holder's matches). */
export interface FilterableRow {
  id: number;
  status: CertificateStatus;
  schemeCode: string;
  schemeName: string;
  province: string;
  bodyCode: string;
  bodyName: string;
}

const facetValue = (row: FilterableRow, facet: LookupFacetName): [value: string, name: string] =>
  facet === 'status'
    ? [row.status, row.status]
    : facet === 'scheme'
      ? [row.schemeCode, row.schemeName]
      : facet === 'province'
        ? [row.province, row.province]
        : [row.bodyCode, row.bodyName];

const passes = (row: FilterableRow, filters: LookupFilters, except?: LookupFacetName) =>
  FACET_NAMES.every((facet) => facet === except || filters[facet] === undefined || facetValue(row, facet)[0] === filters[facet]);

/**
 * A bounded candidate set (at most HOLDER_MATCH_LIMIT certificates, in their ranked order)
 * narrowed by the filters, valid ones first and the ranking kept within each status, with
 * the counts per value of each filter, the other filters applied.
 */
export function filterCandidates<Row extends FilterableRow>(rows: Row[], filters: LookupFilters): { rows: Row[]; facets: LookupFacets } {
  const facets = Object.fromEntries(
    FACET_NAMES.map((facet) => {
      const counts = new Map<string, FacetValue>();
      for (const row of rows) {
        if (!passes(row, filters, facet)) continue;
        const [value, name] = facetValue(row, facet);
        const entry = counts.get(value) ?? { value, name, count: 0 };
        entry.count += 1;
        counts.set(value, entry);
      }
      return [facet, orderFacet(facet, [...counts.values()])];
    }),
  ) as LookupFacets;
  const rank = (status: CertificateStatus) => LOOKUP_STATUSES.indexOf(status as (typeof LOOKUP_STATUSES)[number]);
  const kept = rows.filter((row) => passes(row, filters)).map((row, index) => ({ row, index }));
  kept.sort((a, b) => rank(a.row.status) - rank(b.row.status) || a.index - b.index);
  return { rows: kept.map(({ row }) => row), facets };
}

/** Statuses in the lookup's order, provinces in GB/T 2260 order, schemes and bodies by name. */
function orderFacet(facet: LookupFacetName, values: FacetValue[]): FacetValue[] {
  if (facet === 'status') return LOOKUP_STATUSES.flatMap((status) => values.filter((value) => value.value === status));
  if (facet === 'province') {
    const order = inAdministrativeOrder(values.map((value) => value.value));
    return order.map((province) => values.find((value) => value.value === province)!);
  }
  return [...values].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The summaries with what the filters read, of these certificates, in the order of `ids`. */
export async function filterableSummaries(db: PortalDb, ids: number[], today: string) {
  if (ids.length === 0) return [];
  // The ids as a list of values, not `id in (…)`: both databases then look each one up by its key,
  // also when they are most of a small registry (PostgreSQL otherwise reads the index whole).
  const wanted = sql<{ column1: number }>`(values ${sql.join(ids.map((id) => sql`(cast(${id} as integer))`))})`.as('wanted');
  const found = await selectCertificateSummaries(db)
    .innerJoin('certificationBody', 'certificationBody.id', 'certificate.bodyId')
    .select([
      'certificate.id',
      'certificate.province',
      'scheme.code as schemeCode',
      'certificationBody.code as bodyCode',
      'certificationBody.name as bodyName',
    ])
    .where('certificate.id', 'in', (eb) => eb.selectFrom(wanted).select('wanted.column1'))
    .execute();
  const position = new Map(ids.map((id, index) => [id, index]));
  return found
    .sort((a, b) => position.get(a.id)! - position.get(b.id)!)
    .map((row) => ({ ...row, storedStatus: row.status, status: statusOnDay(row.status, row.expiresOn, today) }));
}

/** The ids a filter of the URL names (body and scheme by code): an unknown one is not found. */
export interface ResolvedFilters {
  status?: CertificateStatus;
  schemeId?: number;
  province?: string;
  bodyId?: number;
}

export async function resolveFilters(db: PortalDb, filters: LookupFilters): Promise<ResolvedFilters> {
  const [body, scheme] = await Promise.all([
    filters.body === undefined ? undefined : requireBody(db, filters.body),
    filters.scheme === undefined ? undefined : db.selectFrom('scheme').select('id').where('code', '=', filters.scheme).executeTakeFirst(),
  ]);
  if (filters.scheme !== undefined && !scheme) {
    throw new DomainError('not_found', 'scheme_not_found', { scheme: filters.scheme.slice(0, 50) });
  }
  return { status: filters.status, schemeId: scheme?.id, province: filters.province, bodyId: body?.id };
}

/** A status today as ranges of the stored status and the expiry date: what an index of (status, expires_on) reads. */
interface StatusRange {
  stored: StoredCertificateStatus;
  /** expires_on >= today (in force), < today (lapsed), or any. */
  expiry: 'current' | 'past' | 'any';
}
const RANGES: Record<CertificateStatus, StatusRange[]> = {
  valid: [{ stored: 'valid', expiry: 'current' }],
  suspended: [{ stored: 'suspended', expiry: 'current' }],
  expired: [
    { stored: 'valid', expiry: 'past' },
    { stored: 'suspended', expiry: 'past' },
  ],
  withdrawn: [{ stored: 'withdrawn', expiry: 'any' }],
  cancelled: [{ stored: 'cancelled', expiry: 'any' }],
};

/** How many certificates each range of RANGES holds, by `${stored}:${expiry}`. */
export type RangeCounts = Record<string, number>;
const rangeKey = (stored: StoredCertificateStatus, lapsed: boolean) =>
  `${stored}:${stored === 'withdrawn' || stored === 'cancelled' ? 'any' : lapsed ? 'past' : 'current'}`;
const statusCount = (counts: RangeCounts, status: CertificateStatus) =>
  RANGES[status].reduce((sum, range) => sum + (counts[`${range.stored}:${range.expiry}`] ?? 0), 0);

/**
 * The counts per value of each filter over the whole registry, from certificate_filter_tally (the
 * rows of the other filters' values, grouped in the database) and the certificates that
 * lapsed between the tally's day and today (certificate_lapsing, read from the index alone;
 * a day's when the tally is moved forward daily, and right also when it was not): never a
 * count of certificates. With them, the counts of the ranges the filters choose, where each
 * part of the list begins.
 */
export async function registryFacets(db: PortalDb, filters: ResolvedFilters, today: string): Promise<{ facets: LookupFacets; ranges: RangeCounts }> {
  const { lapsedBefore } = await db.selectFrom('certificateFilterTallySince').select('lapsedBefore').executeTakeFirstOrThrow();
  // The tally's 'past' ends at its day; the certificates between it and today change sides.
  const lapsing = today >= lapsedBefore;
  const [from, to] = lapsing ? [lapsedBefore, today] : [today, lapsedBefore];
  const columns = { scheme: 'scheme_id', province: 'province', body: 'body_id' } as const;
  const dimensionValues = { scheme: filters.schemeId, province: filters.province, body: filters.bodyId };
  const conditions = (except: LookupFacetName, table: string) =>
    (Object.keys(columns) as (keyof typeof columns)[])
      .filter((facet) => facet !== except && dimensionValues[facet] !== undefined)
      .map((facet) => sql`and ${sql.ref(`${table}.${columns[facet]}`)} = ${dimensionValues[facet]}`);

  /** Range counts by the facet's value (one group for the status facet). */
  const grouped = async (facet: LookupFacetName) => {
    const group = (table: string) => (facet === 'status' ? sql`''` : sql.ref(`${table}.${columns[facet]}`));
    const [tally, lapsed] = await Promise.all([
      sql<{ grouped: string | number; status: StoredCertificateStatus; past: number; certificates: number }>`
        select ${group('certificate_filter_tally')} as grouped, status, case when lapse = 'past' then 1 else 0 end as past,
          sum(certificates) as certificates
        from certificate_filter_tally where 1 = 1 ${sql.join(conditions(facet, 'certificate_filter_tally'), sql` `)}
        group by 1, 2, 3`.execute(db),
      sql<{ grouped: string | number; status: StoredCertificateStatus; certificates: number }>`
        select ${group('certificate')} as grouped, status, count(*) as certificates from certificate
        where expires_on >= ${from} and expires_on < ${to} and status in ('valid', 'suspended') and province is not null ${sql.join(conditions(facet, 'certificate'), sql` `)}
        group by 1, 2`.execute(db),
    ]);
    const counts = new Map<string, RangeCounts>();
    const add = (key: string | number, range: string, certificates: number) => {
      const entry = counts.get(String(key)) ?? {};
      entry[range] = (entry[range] ?? 0) + certificates;
      counts.set(String(key), entry);
    };
    for (const row of tally.rows) add(row.grouped, rangeKey(row.status, Number(row.past) === 1), Number(row.certificates));
    for (const row of lapsed.rows) {
      add(row.grouped, rangeKey(row.status, !lapsing), -Number(row.certificates));
      add(row.grouped, rangeKey(row.status, lapsing), Number(row.certificates));
    }
    return counts;
  };

  const selected = (counts: RangeCounts | undefined) => (counts === undefined ? 0 : filteredTotal(filters, counts));
  const [byStatus, byScheme, byProvince, byBody, schemes, bodies] = await Promise.all([
    grouped('status'),
    grouped('scheme'),
    grouped('province'),
    grouped('body'),
    db.selectFrom('scheme').select(['id', 'code', 'name']).execute(),
    db.selectFrom('certificationBody').select(['id', 'code', 'name']).execute(),
  ]);
  const named = (counts: Map<string, RangeCounts>, names: { id: number; code: string; name: string }[]) =>
    names.map((entry) => ({ value: entry.code, name: entry.name, count: selected(counts.get(String(entry.id))) })).filter((entry) => entry.count > 0);
  const ranges = byStatus.get('') ?? {};
  return {
    facets: {
      status: LOOKUP_STATUSES.map((status) => ({ value: status, name: status, count: statusCount(ranges, status) })).filter(
        (entry) => entry.count > 0,
      ),
      scheme: orderFacet('scheme', named(byScheme, schemes)),
      province: orderFacet(
        'province',
        [...byProvince.entries()]
          .map(([province, counts]) => ({ value: province, name: province, count: selected(counts) }))
          .filter((entry) => entry.count > 0),
      ),
      body: orderFacet('body', named(byBody, bodies)),
    },
    ranges,
  };
}

/** How many certificates the filters choose, from the ranges' counts. */
export const filteredTotal = (filters: ResolvedFilters, ranges: RangeCounts): number =>
  chosenStatuses(filters).reduce((sum, status) => sum + statusCount(ranges, status), 0);

const chosenStatuses = (filters: { status?: CertificateStatus }): readonly CertificateStatus[] =>
  filters.status === undefined ? LOOKUP_STATUSES : [filters.status];

/**
 * A page of the certificates the filters choose, valid first, then suspended, expired (those
 * that lapsed while valid, then while suspended), withdrawn and cancelled, each by expiry
 * (latest first), then id (newest first): each part a range of one of the
 * indexes led by a filter's column and (status, expires_on, id), entered at the page's
 * offset within it (bounded: the list goes no further than HOLDER_MATCH_LIMIT).
 */
export async function pageByFilters(
  db: PortalDb,
  filters: ResolvedFilters,
  ranges: RangeCounts,
  offset: number,
  limit: number,
  today: string,
): Promise<number[]> {
  const ids: number[] = [];
  let skip = offset;
  for (const status of chosenStatuses(filters)) {
    for (const range of RANGES[status]) {
      const size = ranges[`${range.stored}:${range.expiry}`] ?? 0;
      if (ids.length >= limit) return ids;
      if (skip >= size) {
        skip -= size;
        continue;
      }
      let query = db.selectFrom('certificate').select('id').where('status', '=', range.stored);
      if (range.expiry === 'current') query = query.where('expiresOn', '>=', today);
      if (range.expiry === 'past') query = query.where('expiresOn', '<', today);
      if (filters.bodyId !== undefined) query = query.where('bodyId', '=', filters.bodyId);
      if (filters.schemeId !== undefined) query = query.where('schemeId', '=', filters.schemeId);
      if (filters.province !== undefined) query = query.where('province', '=', filters.province);
      const rows = await query
        .orderBy('expiresOn', 'desc')
        .orderBy('id', 'desc')
        .limit(limit - ids.length)
        .offset(skip)
        .execute();
      ids.push(...rows.map((row) => row.id));
      skip = 0;
    }
  }
  return ids;
}
