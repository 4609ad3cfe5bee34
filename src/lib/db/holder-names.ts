import { sql, type RawBuilder } from 'kysely';
import type { PortalDb } from './database.ts';

export interface HolderNameMatches {
  /** Certificates whose holder's search name contains the term. */
  total: number;
  /** Of which the name starts with the term. */
  atStart: number;
  /**
   * Certificate ids in ranked order: names that start with the term first (shorter names
   * first, so an exact name leads), then names that contain it; ties in registry order.
   */
  rankedIds(offset: number, limit: number): Promise<number[]>;
}

export const countOf = async (db: PortalDb, query: RawBuilder<{ total: number }>): Promise<number> => Number((await query.execute(db)).rows[0]?.total ?? 0);
export const idsOf = async (db: PortalDb, query: RawBuilder<{ id: number }>): Promise<number[]> => (await query.execute(db)).rows.map((row) => row.id);

/** How a database finds names that start with a term, and names that contain it elsewhere. */
export interface SubstringIndex {
  total: RawBuilder<{ total: number }>;
  atStart: RawBuilder<{ total: number }>;
  /** Names starting with the term, shortest first, then by certificate. */
  leading: (offset: number, limit: number) => RawBuilder<{ id: number }>;
  /** Names containing the term but not starting with it, by certificate. */
  inside: (offset: number, limit: number) => RawBuilder<{ id: number }>;
}

/** The ranked matches of a term of three characters or more, from either database's trigram index. */
export async function rankedSubstringMatches(db: PortalDb, index: SubstringIndex): Promise<HolderNameMatches> {
  const [total, atStart] = await Promise.all([countOf(db, index.total), countOf(db, index.atStart)]);
  return {
    total,
    atStart,
    rankedIds: async (offset, limit) => {
      const leading = offset < atStart ? await idsOf(db, index.leading(offset, limit)) : [];
      const wanted = limit - leading.length;
      if (wanted === 0) return leading;
      return [...leading, ...(await idsOf(db, index.inside(Math.max(0, offset - atStart), wanted)))];
    },
  };
}

/**
 * Two-character terms, through the table of every two-character piece of each holder's name
 * that both databases keep by triggers (no trigram index can serve two characters): its
 * primary key is the ranked order, so totals and pages are read from it alone.
 */
export async function matchHolderBigrams(db: PortalDb, term: string): Promise<HolderNameMatches> {
  const [total, atStart] = await Promise.all([
    countOf(db, sql`select count(*) as total from certificate_holder_bigram where bigram = ${term}`),
    countOf(db, sql`select count(*) as total from certificate_holder_bigram where bigram = ${term} and inside = 0`),
  ]);
  return {
    total,
    atStart,
    rankedIds: (offset, limit) =>
      idsOf(db, sql`select certificate_id as id from certificate_holder_bigram where bigram = ${term}
                    order by inside, name_length, certificate_id limit ${limit} offset ${offset}`),
  };
}
