import { sql, type RawBuilder } from 'kysely';
import type { PortalDb } from './database.ts';

/**
 * Name matches are counted and ranked up to this many certificates: "有限公司" is in nearly
 * every name, and counting a million matches would read most of the registry.
 */
export const HOLDER_MATCH_LIMIT = 1000;

export interface HolderNameMatches {
  /** Certificates whose holder's search name contains the term, at most HOLDER_MATCH_LIMIT. */
  total: number;
  /** More than HOLDER_MATCH_LIMIT match: `total` is the limit, and only that many are ranked. */
  capped: boolean;
  /**
   * Certificate ids in ranked order: holders whose name starts with the term first (shorter
   * names first, so an exact name leads), then holders whose name contains it, in registry
   * order; a holder's certificates together, in registry order.
   */
  rankedIds(offset: number, limit: number): Promise<number[]>;
}

/** How one database's trigram index finds organisations by a term of three characters or more. */
export interface OrganisationTrigrams {
  /** Organisations (as organisation_id) whose search name contains the term, in any order. */
  containing: RawBuilder<{ organisation_id: number }>;
  /** The first HOLDER_MATCH_LIMIT of them by id (as organisation_id) whose name does not start with it. */
  inside: RawBuilder<{ organisation_id: number }>;
}

/**
 * Certificates by a substring (two characters or more, in search form) of their holder's
 * name, through the indexes both databases keep on organisations by triggers: the bigram
 * table for two characters (no trigram index can serve them), the name_search index for
 * names that start with the term, and the database's own trigram index (`trigrams`) for
 * names that contain it. Every query reads at most HOLDER_MATCH_LIMIT entries (plus one, to
 * know there are more).
 */
export async function matchHolderNames(db: PortalDb, term: string, trigrams: (term: string) => OrganisationTrigrams): Promise<HolderNameMatches> {
  const ids = async (query: RawBuilder<{ id: number }>) => (await query.execute(db)).rows.map((row) => row.id);
  // Only the first HOLDER_MATCH_LIMIT are ranked: a page past them is empty without reading anything.
  const page = (rank: (offset: number, limit: number) => Promise<number[]>) => (offset: number, limit: number) =>
    offset >= HOLDER_MATCH_LIMIT ? Promise.resolve([]) : rank(offset, Math.min(limit, HOLDER_MATCH_LIMIT - offset));
  const counted = async (matches: RawBuilder<unknown>) => {
    const { rows } = await sql<{ total: number }>`select count(*) as total from (${matches} limit ${HOLDER_MATCH_LIMIT + 1}) as matches`.execute(db);
    const total = Number(rows[0]?.total ?? 0);
    return { total: Math.min(total, HOLDER_MATCH_LIMIT), capped: total > HOLDER_MATCH_LIMIT };
  };

  if (Array.from(term).length === 2) {
    // The primary key's order is the ranked order: no sort, and a page reads only its rows.
    const matches = sql`select certificate.id from organisation_name_bigram as entry
      join certificate on certificate.organisation_id = entry.organisation_id where entry.bigram = ${term}`;
    return {
      ...(await counted(matches)),
      rankedIds: page((offset, limit) =>
        ids(sql`${matches} order by entry.inside, entry.name_length, entry.organisation_id, certificate.id
                limit ${limit} offset ${offset}`),
      ),
    };
  }

  const index = trigrams(term);
  return {
    ...(await counted(sql`select 1 from (${index.containing}) as holder join certificate on certificate.organisation_id = holder.organisation_id`)),
    rankedIds: page((offset, limit) =>
      ids(sql`select certificate.id from (
          select 0 as part, length(name_search) as name_length, id as organisation_id from (
            select id, name_search from organisation where name_search >= ${term} and name_search < ${`${term}\u{10FFFF}`}
            order by name_search limit ${HOLDER_MATCH_LIMIT}) as prefixed
          union all
          select 1, 0, organisation_id from (${index.inside}) as elsewhere
        ) as holder join certificate on certificate.organisation_id = holder.organisation_id
        order by holder.part, holder.name_length, holder.organisation_id, certificate.id limit ${limit} offset ${offset}`),
    ),
  };
}
