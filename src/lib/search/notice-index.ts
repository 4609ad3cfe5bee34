import lunr from 'lunr';
import type { NoticeKind } from '../db/notice.table.ts';
import type { NoticeDocument, NoticeFacts } from './corpus.ts';
import { indexTokens, tokenizeForSearch } from './tokenizer.ts';

/**
 * Two indexed fields, not one per column: lunr's work for a query grows with the
 * (notice, field) pairs its terms occur in, so fewer fields answer faster. Who the notice
 * is about counts more than what it says.
 */
const FIELDS = {
  names: { boost: 5, columns: ['applicant', 'reference', 'title'] },
  text: { boost: 1, columns: ['scheme', 'scope', 'place', 'summary'] },
} as const satisfies Record<string, { boost: number; columns: readonly Exclude<keyof NoticeDocument, 'id'>[] }>;
const FIELD_NAMES = Object.keys(FIELDS) as (keyof typeof FIELDS)[];

/**
 * lunr's time grows with the postings of the terms it scores (its dictionaries cost
 * microseconds per posting), so it is given only rare tokens: at most this many notices
 * in all. Which notices match every token is decided apart from lunr, on sorted arrays.
 */
export const SCORING_BUDGET = 3000;
export const SEARCH_PAGE_SIZE = 10;

export interface NoticeSearchFilters {
  kind?: NoticeKind;
  scheme?: string;
  province?: string;
  year?: number;
  state?: 'open' | 'closed' | 'upcoming';
}

export interface NoticeSearchOrder {
  /** relevance (the default) or newest first, as a feed lists them. */
  order?: 'relevance' | 'newest';
  pageSize?: number;
}

export type FacetName = keyof NoticeSearchFilters;
export const FACET_NAMES: readonly FacetName[] = ['state', 'kind', 'scheme', 'province', 'year'];
export type FacetCounts = Record<FacetName, { value: string; count: number }[]>;

export interface NoticeSearchPage {
  total: number;
  /** date: even the query's rarest token is in too many notices to score; newest first. */
  rankedBy: 'relevance' | 'date';
  page: number;
  pageCount: number;
  /** Ids of the page's notices, best first, with their scores. */
  hits: { id: number; score: number }[];
  facets: FacetCounts;
}

/** A built or loaded index: lunr for scores, and per token the sorted positions of its notices. */
export interface NoticeIndex {
  lunr: lunr.Index;
  /** In the order of `positions`: the facts of every notice. */
  facts: readonly NoticeFacts[];
  positionOf: Map<string, number>;
  /** Per token, the positions (ascending) of the notices it occurs in, in any field. */
  postings: Map<string, Int32Array>;
  /** 0 for the notice whose window starts last: orders ties and date-ranked results. */
  recency: Int32Array;
  /** Per facet, its values and each notice's value as an index into them. */
  facetValues: Record<FacetName, { labels: string[]; codes: Uint16Array }>;
  /** Window instants in milliseconds; a withdrawn notice's end is its start, so it reads as closed. */
  windows: { start: Float64Array; end: Float64Array };
}

const STATE_LABELS = ['open', 'upcoming', 'closed'] as const;

type LunrPostings = Record<string, Record<string, Record<string, object>>>;

function lunrPostings(index: lunr.Index): LunrPostings {
  return (index as unknown as { invertedIndex: LunrPostings }).invertedIndex;
}

function prepare(index: lunr.Index, facts: readonly NoticeFacts[]): NoticeIndex {
  const positionOf = new Map(facts.map((fact, position) => [String(fact.id), position]));
  const postings = new Map<string, Int32Array>();
  for (const [token, posting] of Object.entries(lunrPostings(index))) {
    const positions = new Set<number>();
    for (const field of FIELD_NAMES) for (const ref in posting[field]) positions.add(positionOf.get(ref)!);
    postings.set(token, Int32Array.from(positions).sort());
  }
  const recency = new Int32Array(facts.length);
  [...facts.keys()]
    .sort((a, b) => facts[b]!.windowStart.localeCompare(facts[a]!.windowStart) || facts[b]!.id - facts[a]!.id)
    .forEach((position, rank) => (recency[position] = rank));
  const coded = (valueOf: (fact: NoticeFacts) => string) => {
    const labels: string[] = [];
    const codeOf = new Map<string, number>();
    const codes = Uint16Array.from(facts, (fact) => {
      const value = valueOf(fact);
      if (!codeOf.has(value)) codeOf.set(value, labels.push(value) - 1);
      return codeOf.get(value)!;
    });
    return { labels, codes };
  };
  const facetValues: NoticeIndex['facetValues'] = {
    // The state depends on the time of the request: its codes are filled in per query.
    state: { labels: [...STATE_LABELS], codes: new Uint16Array(facts.length) },
    kind: coded((fact) => fact.kind),
    scheme: coded((fact) => fact.scheme),
    province: coded((fact) => fact.province),
    year: coded((fact) => String(fact.year)),
  };
  // Withdrawn notices are closed for the state facet, as in the notice list.
  const windows = {
    start: Float64Array.from(facts, (fact) => Date.parse(fact.windowStart)),
    end: Float64Array.from(facts, (fact) => (fact.withdrawn ? -Infinity : Date.parse(fact.windowEnd))),
  };
  return { lunr: index, facts, positionOf, postings, recency, facetValues, windows };
}

export function buildNoticeIndex(documents: readonly NoticeDocument[], facts: readonly NoticeFacts[]): NoticeIndex {
  const index = lunr(function () {
    this.ref('id');
    for (const [field, { boost, columns }] of Object.entries(FIELDS)) {
      this.field(field, { boost, extractor: (document) => columns.map((column) => (document as NoticeDocument)[column]).join('\n') });
    }
    // lunr's English trimmer, stop words and stemmer would destroy Chinese tokens.
    this.pipeline.reset();
    this.searchPipeline.reset();
    this.tokenizer = ((value: unknown) =>
      indexTokens(typeof value === 'string' ? value : '').map((token) => new lunr.Token(token, {}))) as typeof lunr.tokenizer;
    for (const document of documents) this.add(document);
  });
  return prepare(index, facts);
}

export function serialiseNoticeIndex(index: NoticeIndex): string {
  return JSON.stringify({ lunr: index.lunr, facts: index.facts });
}

/** No metadata (positions) is kept, so every posting can share one empty object. */
const NO_METADATA = Object.freeze(Object.create(null) as object);

/**
 * Loads a saved index. JSON gives each of the millions of postings its own empty metadata
 * object; sharing one cuts the heap about fourfold.
 */
export function loadNoticeIndex(serialised: string): NoticeIndex {
  const parsed = JSON.parse(serialised) as { lunr: object; facts: NoticeFacts[] };
  const index = lunr.Index.load(parsed.lunr);
  for (const posting of Object.values(lunrPostings(index))) {
    for (const field of FIELD_NAMES) {
      const documents = posting[field];
      if (documents) for (const ref in documents) documents[ref] = NO_METADATA;
    }
  }
  return prepare(index, parsed.facts);
}

/** What a query can match on: nothing when it has no token (only punctuation, or one Chinese character). */
export function isSearchable(query: string): boolean {
  return tokenizeForSearch(query).required.length > 0;
}

/** Positions in both ascending arrays. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const both = new Int32Array(Math.min(a.length, b.length));
  let count = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      both[count++] = a[i]!;
      i++;
      j++;
    }
  }
  return both.subarray(0, count);
}

/**
 * Ranked notices for a query: every required token must occur (in any field), whole words
 * add to the score. The query is never parsed by lunr, so `: * ~ ^ + -` and quotes are text.
 * Facet counts are disjunctive: each facet counts the matches under every other filter.
 */
export function searchNoticeIndex(
  index: NoticeIndex,
  query: string,
  filters: NoticeSearchFilters,
  page: number,
  now: Date,
  { order = 'relevance', pageSize = SEARCH_PAGE_SIZE }: NoticeSearchOrder = {},
): NoticeSearchPage {
  const { required, optional } = tokenizeForSearch(query);
  const facets = Object.fromEntries(FACET_NAMES.map((name) => [name, []])) as unknown as FacetCounts;
  const none: NoticeSearchPage = { total: 0, rankedBy: 'relevance', page, pageCount: 0, hits: [], facets };
  if (required.length === 0) return none;

  const tokens = required.map((token) => ({ token, positions: index.postings.get(token) })).sort(
    (a, b) => (a.positions?.length ?? 0) - (b.positions?.length ?? 0),
  );
  if (tokens.some(({ positions }) => positions === undefined)) return none;
  let candidates = tokens[0]!.positions!;
  for (const { positions } of tokens.slice(1)) candidates = intersect(candidates, positions!);

  // lunr scores the rarest tokens while they fit the budget; the rest only had to occur.
  const scored: string[] = [];
  let budget = SCORING_BUDGET;
  for (const { token, positions } of tokens) {
    if (positions!.length > budget) break;
    scored.push(token);
    budget -= positions!.length;
  }
  const rankedBy = order === 'relevance' && scored.length > 0 ? 'relevance' : 'date';
  const scores = new Float64Array(index.facts.length);
  if (rankedBy === 'relevance') {
    const words = optional.filter((word) => (index.postings.get(word)?.length ?? Infinity) <= budget);
    const results = index.lunr.query((builder) => {
      for (const term of scored) {
        builder.term(term, { presence: lunr.Query.presence.REQUIRED, usePipeline: false, wildcard: lunr.Query.wildcard.NONE });
      }
      for (const term of words) {
        builder.term(term, { presence: lunr.Query.presence.OPTIONAL, usePipeline: false, wildcard: lunr.Query.wildcard.NONE, boost: 2 });
      }
    });
    for (const result of results) scores[index.positionOf.get(result.ref)!] = result.score;
  }

  const nowMs = now.getTime();
  const stateCodes = index.facetValues.state.codes;
  for (const position of candidates) {
    stateCodes[position] = nowMs >= index.windows.end[position]! ? 2 : nowMs < index.windows.start[position]! ? 1 : 0;
  }
  const active = FACET_NAMES.filter((name) => filters[name] !== undefined).map((name) => ({
    codes: index.facetValues[name].codes,
    wanted: index.facetValues[name].labels.indexOf(String(filters[name])),
    name,
  }));
  const passes = (position: number, except?: FacetName) =>
    active.every(({ codes, wanted, name }) => name === except || codes[position] === wanted);
  for (const name of FACET_NAMES) {
    const { labels, codes } = index.facetValues[name];
    const counts = new Int32Array(labels.length);
    for (const position of candidates) if (passes(position, name)) counts[codes[position]!]!++;
    facets[name] = labels
      .map((value, code) => ({ value, count: counts[code]! }))
      .filter(({ count }) => count > 0)
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }

  const matching = Array.from(candidates).filter((position) => passes(position));
  // Best score first; the newest window breaks ties, and orders a query too broad to score.
  matching.sort((a, b) => scores[b]! - scores[a]! || index.recency[a]! - index.recency[b]!);
  const start = (page - 1) * pageSize;
  return {
    total: matching.length,
    rankedBy,
    page,
    pageCount: Math.ceil(matching.length / pageSize),
    hits: matching.slice(start, start + pageSize).map((position) => ({ id: index.facts[position]!.id, score: scores[position]! })),
    facets,
  };
}
