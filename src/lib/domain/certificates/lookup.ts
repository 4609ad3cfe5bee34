import type { PortalDb } from '../../db/database.ts';
import { matchHolderNames } from '../../db/seam.ts';
import { DomainError } from '../../ground/errors.ts';
import { correctedUscc, findUsccProblem, looksLikeUscc } from '../../ground/organisations/uscc.ts';
import { certificateNumberKey, normaliseInput, toSearchForm } from '../../ground/text/normalise.ts';
import { requireBody } from '../bodies/repository.ts';
import { HOLDER_MATCH_LIMIT } from '../../db/holder-names.ts';
import { selectCertificateSummaries, type CertificateSummaryRow } from './repository.ts';
import {
  filterableSummaries,
  filterCandidates,
  filteredTotal,
  pageByFilters,
  registryFacets,
  resolveFilters,
  type LookupFacets,
  type LookupFilters,
} from './filters.ts';
import { statusOnDay, type CertificateStatus } from './status.ts';
import { MAX_NUMBER_LENGTH } from './inputs.ts';

export const MAX_QUERY_LENGTH = 200;
export const LOOKUP_PAGE_SIZE = 20;

export interface CertificateSummary extends Omit<CertificateSummaryRow, 'status'> {
  /** As of the day asked for (today in Beijing). */
  status: CertificateStatus;
}

export interface LookupResult {
  /** The query as understood, after normalisation. */
  query: string;
  /** How the query was read: none when it was empty or too short to search; filters when it was empty and filters were chosen (the registry narrowed by them). */
  matchedBy: 'number' | 'uscc' | 'name' | 'filters' | 'none';
  total: number;
  /** More match by name than `total` (HOLDER_MATCH_LIMIT): pages go no further, and the page says so; the counts per filter are then over those. */
  totalCapped: boolean;
  /** How many of `total` the pages go through: HOLDER_MATCH_LIMIT at most, and the page says so when fewer. */
  listed: number;
  /** How many each value of each filter would list, the other filters applied; null for a lookup by number. */
  facets: LookupFacets | null;
  page: number;
  pageCount: number;
  items: CertificateSummary[];
}

/** A query as typed, normalised; one over MAX_QUERY_LENGTH characters is refused, whatever box it came from. */
export function normalisedQuery(rawQuery: string): string {
  const query = normaliseInput(rawQuery);
  const length = Array.from(query).length;
  if (length > MAX_QUERY_LENGTH) {
    throw new DomainError('invalid_input', 'query_too_long', { length, max: MAX_QUERY_LENGTH });
  }
  return query;
}

/**
 * The consumer's one search box: a certificate number, a USCC, or part of an organisation's
 * name, narrowed by the filters (status today, scheme, holder's province, body). Valid
 * certificates come first, then the rest; names keep their ranking (exact, then starting with
 * the query, shorter first, then containing it) within each status. A name's or a holder's
 * matches are a bounded set (HOLDER_MATCH_LIMIT), filtered and counted per filter value in
 * memory; with no query, the filters alone list the registry from its indexes and count it
 * from its tally. `body` also narrows a whole number.
 */
export async function lookupCertificates(
  db: PortalDb,
  rawQuery: string,
  page: number,
  today: string,
  filters: LookupFilters = {},
): Promise<LookupResult> {
  const query = normalisedQuery(rawQuery);
  const offset = (page - 1) * LOOKUP_PAGE_SIZE;
  const filtered = Object.values(filters).some((value) => value !== undefined);
  if (query === '' && filtered) {
    const resolved = await resolveFilters(db, filters);
    const { facets, ranges } = await registryFacets(db, resolved, today);
    const total = filteredTotal(resolved, ranges);
    const listed = Math.min(total, HOLDER_MATCH_LIMIT);
    const ids = offset < listed ? await pageByFilters(db, resolved, ranges, offset, Math.min(LOOKUP_PAGE_SIZE, listed - offset), today) : [];
    return paged(query, 'filters', { total, capped: false, listed }, page, await summariesInOrder(db, ids), today, facets);
  }

  const numberKey = certificateNumberKey(query);
  if (numberKey.length > 0) {
    const bodyId = filters.body === undefined ? null : (await requireBody(db, filters.body)).id;
    const summaries = bodyId === null ? selectCertificateSummaries(db) : selectCertificateSummaries(db).where('certificate.bodyId', '=', bodyId);
    const byNumber = await summaries.where('certificate.numberKey', '=', numberKey).execute();
    // Narrowed to a body, a query with a digit is a number (not a USCC): none of that body's is none found.
    if (byNumber.length > 0 || (bodyId !== null && /\d/.test(query) && !looksLikeUscc(compactCode(query)))) {
      return paged(query, 'number', { total: byNumber.length, capped: false }, page, byNumber, today, null);
    }
  }

  const compact = compactCode(query);
  if (looksLikeUscc(compact)) {
    const problem = findUsccProblem(compact);
    if (problem) throw new DomainError('unprocessable', 'invalid_uscc', { uscc: compact, problem });
    // A holder's certificates: a few, in number order, at most HOLDER_MATCH_LIMIT.
    const held = await db
      .selectFrom('certificate')
      .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
      .select('certificate.id')
      .where('organisation.uscc', '=', compact)
      .orderBy('certificate.number')
      .limit(HOLDER_MATCH_LIMIT + 1)
      .execute();
    const ids = held.map((row) => row.id);
    return narrowed(db, query, 'uscc', { ids: ids.slice(0, HOLDER_MATCH_LIMIT), capped: ids.length > HOLDER_MATCH_LIMIT }, filters, page, today);
  }

  const words = [...new Set(query.split(' ').map(toSearchForm))].filter((word) => Array.from(word).length >= 2);
  if (words.length > 1) return narrowed(db, query, 'name', await matchingEveryWord(db, words), filters, page, today);
  const term = toSearchForm(query);
  if (Array.from(term).length < 2) return nothing(query, page);
  const matches = await matchHolderNames(db, term);
  return narrowed(db, query, 'name', { ids: await matches.rankedIds(0, HOLDER_MATCH_LIMIT), capped: matches.capped }, filters, page, today);
}

const nothing = (query: string, page: number): LookupResult => ({
  query,
  matchedBy: 'none',
  total: 0,
  totalCapped: false,
  listed: 0,
  facets: null,
  page,
  pageCount: 0,
  items: [],
});

/** A bounded candidate set (ranked ids) narrowed by the filters, counted per filter value, and paged. */
async function narrowed(
  db: PortalDb,
  query: string,
  matchedBy: 'uscc' | 'name',
  candidates: { ids: number[]; capped: boolean },
  filters: LookupFilters,
  page: number,
  today: string,
): Promise<LookupResult> {
  const { rows, facets } = filterCandidates(await filterableSummaries(db, candidates.ids, today), filters);
  const shown = rows.slice((page - 1) * LOOKUP_PAGE_SIZE, page * LOOKUP_PAGE_SIZE).map((row) => ({ ...row, status: row.storedStatus }));
  return paged(query, matchedBy, { total: rows.length, capped: candidates.capped }, page, shown, today, facets);
}

/** The summaries of these certificates, in the order of `ids` (a ranking). */
async function summariesInOrder(db: PortalDb, ids: number[]): Promise<CertificateSummaryRow[]> {
  if (ids.length === 0) return [];
  const found = await selectCertificateSummaries(db).select('certificate.id').where('certificate.id', 'in', ids).execute();
  const position = new Map(ids.map((id, index) => [id, index]));
  return found.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}

/**
 * Certificates whose holder's name contains every one of `words` (in search form, two
 * characters or more each), in the order of the rarest word's ranking. The rarest word is
 * found from the indexes' counts; its ranked certificates (HOLDER_MATCH_LIMIT at most) are the
 * candidates, and the other words are checked in their holders' names, so the work is
 * bounded whatever the registry's size.
 */
async function matchingEveryWord(db: PortalDb, words: string[]): Promise<{ ids: number[]; capped: boolean }> {
  const matches = await Promise.all(words.map((word) => matchHolderNames(db, word)));
  const rarest = matches.reduce((best, candidate) => (candidate.total < best.total ? candidate : best));
  const ids = await rarest.rankedIds(0, rarest.total);
  if (ids.length === 0) return { ids: [], capped: false };
  const names = await db
    .selectFrom('certificate')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .select(['certificate.id', 'organisation.nameSearch'])
    .where('certificate.id', 'in', ids)
    .execute();
  const named = new Map(names.map((row) => [row.id, row.nameSearch]));
  // Past the rarest word's ranked matches, more may hold every word: said as a capped total.
  return { ids: ids.filter((id) => words.every((word) => named.get(id)?.includes(word))), capped: rarest.capped };
}

/** A code as typed, for comparing with USCCs: upper case, without spaces or dashes. */
const compactCode = (query: string): string => query.toUpperCase().replace(/[ -]/g, '');

/** The USCC someone meant by a query that is one with a wrong check character, or null. */
export function meantUscc(rawQuery: string): string | null {
  return correctedUscc(compactCode(normaliseInput(rawQuery)));
}

/**
 * A part of a name to suggest trying when a query found nothing: the first two characters
 * of its first word, if that is shorter than what was typed; null when there is nothing
 * shorter to suggest (a two-character query).
 */
export function shorterNamePart(query: string): string | null {
  const word = query.split(' ').find((candidate) => Array.from(candidate).length >= 2);
  if (!word) return null;
  const part = Array.from(word).slice(0, 2).join('');
  return Array.from(query.replace(/ /g, '')).length > 2 ? part : null;
}

function paged(
  query: string,
  matchedBy: LookupResult['matchedBy'],
  { total, capped, listed = total }: { total: number; capped: boolean; listed?: number },
  page: number,
  rows: CertificateSummaryRow[],
  today: string,
  facets: LookupFacets | null,
): LookupResult {
  return {
    query,
    matchedBy,
    total,
    totalCapped: capped,
    listed,
    facets,
    page,
    pageCount: Math.ceil(listed / LOOKUP_PAGE_SIZE),
    items: summariseAsOf(rows, today),
  };
}

function summariseAsOf(rows: CertificateSummaryRow[], today: string): CertificateSummary[] {
  return rows.map((row) => ({
    number: row.number,
    expiresOn: row.expiresOn,
    holderName: row.holderName,
    uscc: row.uscc,
    schemeName: row.schemeName,
    levelName: row.levelName,
    status: statusOnDay(row.status, row.expiresOn, today),
  }));
}

export interface NearMatches {
  /** The same number written with other dashes, spaces or case; failing that, the numbers one typing slip away. */
  likelyMeant: CertificateSummary[];
  /** Other certificates of their holders. */
  sameHolder: CertificateSummary[];
}

/** The characters of a number key (certificateNumberKey). */
const KEY_CHARACTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Keys looked up in one statement: well under any database's limit on bound parameters. */
const KEYS_PER_LOOKUP = 500;

/**
 * Every key one typing slip from `key`: a character changed, added or dropped, or two
 * neighbours swapped. Some 75 per character: looked up by the unique index, whatever the
 * size of the registry.
 */
export function keysOneSlipFrom(key: string): string[] {
  const slips = new Set<string>();
  for (let at = 0; at <= key.length; at++) {
    const [before, after] = [key.slice(0, at), key.slice(at)];
    for (const character of KEY_CHARACTERS) {
      slips.add(before + character + after);
      if (at < key.length) slips.add(before + character + after.slice(1));
    }
    if (at < key.length) slips.add(before + after.slice(1));
    if (at + 1 < key.length) slips.add(before + after[1] + after[0] + after.slice(2));
  }
  slips.delete(key);
  return [...slips];
}

/** Registered number keys one typing slip from `key`. */
async function keysOneSlipAway(db: PortalDb, key: string): Promise<string[]> {
  const slips = keysOneSlipFrom(key);
  const found: string[] = [];
  for (let start = 0; start < slips.length; start += KEYS_PER_LOOKUP) {
    const rows = await db
      .selectFrom('certificate')
      .select('numberKey')
      .where('numberKey', 'in', slips.slice(start, start + KEYS_PER_LOOKUP))
      .execute();
    found.push(...rows.map((row) => row.numberKey));
  }
  return found;
}

/**
 * What to offer when a certificate page is asked for a number that is not registered in any
 * spelling (the page redirects every spelling of a registered one): the numbers one slip away.
 */
export async function findNearMatches(db: PortalDb, requested: string, today: string): Promise<NearMatches> {
  const key = certificateNumberKey(requested);
  // Nothing that long is a certificate number: no near match is looked for.
  if (key === '' || key.length > MAX_NUMBER_LENGTH) return { likelyMeant: [], sameHolder: [] };
  const keys = await keysOneSlipAway(db, key);
  if (keys.length === 0) return { likelyMeant: [], sameHolder: [] };
  const likelyMeant = await selectCertificateSummaries(db)
    .select('certificate.organisationId')
    .where('certificate.numberKey', 'in', keys)
    .orderBy('certificate.number')
    .limit(LOOKUP_PAGE_SIZE)
    .execute();
  const holderIds = [...new Set(likelyMeant.map((row) => row.organisationId))];
  const sameHolder =
    holderIds.length === 0
      ? []
      : await selectCertificateSummaries(db)
          .where('certificate.organisationId', 'in', holderIds)
          .where('certificate.numberKey', 'not in', keys)
          .orderBy('certificate.number')
          .limit(LOOKUP_PAGE_SIZE)
          .execute();
  return { likelyMeant: summariseAsOf(likelyMeant, today), sameHolder: summariseAsOf(sameHolder, today) };
}
