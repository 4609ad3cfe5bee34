/**
 * The notice index: parts, and which of their notices are live. Every notice is live in at
 * most one part; a change adds a part with the new versions and retires the old ones in the
 * same step, and a merge swaps parts for one holding the same live notices, so a query
 * (which runs between two steps) never sees a notice twice or misses one.
 */
import type { NoticeKind } from '../../db/notice.table.ts';
import { CODED_FACETS, FIELDS, Part, termBytesOf, type PartHeader } from './part.ts';
import { fieldWeight, inverseDocumentFrequency, noticeScore, queryVector } from './scoring.ts';
import { tokenizeForSearch } from './tokenizer.ts';

/**
 * lunr's time grows with the postings of the terms it scores, so it is given only rare
 * tokens: at most this many notices in all. Which notices match every token is decided
 * apart from the scoring, on the sorted postings.
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

/** A step of the index, the same in the indexer thread that decides it and the query thread that follows. */
export type IndexCommand =
  /** A part of new and changed notices; their older versions and `retired` (deleted) notices stop counting. */
  | { type: 'add'; part: PartMessage; retired: number[] }
  /** A saved part, with the notices that had already stopped counting in it. */
  | { type: 'restore'; part: PartMessage; dead: number[] }
  /** Deleted notices. */
  | { type: 'retire'; ids: number[] }
  /** A merge: the parts `replaced` give way to `part`, which holds their notices. */
  | { type: 'replace'; replaced: number[]; part: PartMessage };

/** A part as it crosses threads: its header and its shared buffer. */
export interface PartMessage {
  header: PartHeader;
  buffer: SharedArrayBuffer;
}

export function partMessage(part: Part): PartMessage {
  return { header: part.header, buffer: part.buffer };
}

export interface IndexedPart {
  part: Part;
  live: Uint8Array;
  liveCount: number;
}

export class NoticeIndex {
  private indexed: IndexedPart[] = [];
  /** Live notices, and the sums of their field lengths: lunr's documentCount and averageFieldLength. */
  liveNotices = 0;
  namesLengthTotal = 0;
  textLengthTotal = 0;

  get parts(): readonly IndexedPart[] {
    return this.indexed;
  }

  apply(command: IndexCommand): void {
    if (command.type === 'add') this.add(toPart(command.part), command.retired);
    else if (command.type === 'restore') this.restore(toPart(command.part), command.dead);
    else if (command.type === 'retire') this.retire(command.ids);
    else this.replace(command.replaced, toPart(command.part));
  }

  add(part: Part, retired: readonly number[]): void {
    this.retire(part.ids);
    this.retire(retired);
    this.append(part, new Uint8Array(part.documents).fill(1));
  }

  restore(part: Part, dead: readonly number[]): void {
    const live = new Uint8Array(part.documents).fill(1);
    for (const id of dead) {
      const position = part.positionOf(id);
      if (position >= 0) live[position] = 0;
    }
    this.append(part, live);
  }

  retire(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      const found = this.locate(ids[i]!);
      if (found) this.kill(found.indexed, found.position);
    }
  }

  /**
   * Swaps parts for their merge. The merge copied the notices live when it began; any that
   * died since are dead in the merged part too, so exactly the same notices stay live.
   */
  replace(replaced: readonly number[], merged: Part): void {
    const sources = replaced.map((seq) => {
      const found = this.indexed.find(({ part }) => part.seq === seq);
      if (!found) throw new Error(`merge of part ${seq}, which the index does not hold`);
      return found;
    });
    const live = new Uint8Array(merged.documents);
    for (let position = 0; position < merged.documents; position++) {
      const id = merged.ids[position]!;
      live[position] = sources.some((source) => {
        const at = source.part.positionOf(id);
        return at >= 0 && source.live[at] === 1;
      })
        ? 1
        : 0;
    }
    const carried = sources.reduce((sum, source) => sum + source.liveCount, 0);
    const kept = live.reduce((sum, one) => sum + one, 0);
    if (kept !== carried) throw new Error(`merge into part ${merged.seq} would lose notices`);
    for (const source of sources) this.detach(source);
    // A part whose every notice was replaced is rewritten into nothing: it just goes.
    if (merged.documents > 0) this.append(merged, live);
  }

  /** Where a notice's live version is. */
  locate(id: number): { indexed: IndexedPart; position: number } | undefined {
    for (const indexed of this.indexed) {
      const position = indexed.part.positionOf(id);
      if (position >= 0 && indexed.live[position] === 1) return { indexed, position };
    }
    return undefined;
  }

  /** The digest of a notice's live version. */
  digestOf(id: number): number | undefined {
    const found = this.locate(id);
    return found ? found.indexed.part.digests[found.position] : undefined;
  }

  /** Every live notice id, ascending. */
  liveIds(): Int32Array {
    const ids = new Int32Array(this.liveNotices);
    let count = 0;
    for (const { part, live } of this.indexed) for (let p = 0; p < part.documents; p++) if (live[p] === 1) ids[count++] = part.ids[p]!;
    return ids.sort();
  }

  /** The notices of a part that no longer count. */
  deadIds(indexed: IndexedPart): number[] {
    const dead: number[] = [];
    for (let p = 0; p < indexed.part.documents; p++) if (indexed.live[p] === 0) dead.push(indexed.part.ids[p]!);
    return dead;
  }

  private append(part: Part, live: Uint8Array): void {
    const indexed: IndexedPart = { part, live, liveCount: 0 };
    this.indexed.push(indexed);
    for (let p = 0; p < part.documents; p++) if (live[p] === 1) this.count(indexed, p, 1);
  }

  private detach(indexed: IndexedPart): void {
    for (let p = 0; p < indexed.part.documents; p++) if (indexed.live[p] === 1) this.count(indexed, p, -1);
    this.indexed = this.indexed.filter((candidate) => candidate !== indexed);
  }

  private kill(indexed: IndexedPart, position: number): void {
    indexed.live[position] = 0;
    this.count(indexed, position, -1);
  }

  private count(indexed: IndexedPart, position: number, sign: 1 | -1): void {
    indexed.liveCount += sign;
    this.liveNotices += sign;
    this.namesLengthTotal += sign * indexed.part.namesLength[position]!;
    this.textLengthTotal += sign * indexed.part.textLength[position]!;
  }
}

function toPart(message: PartMessage): Part {
  return new Part(message.header, message.buffer);
}

/** A token's postings in one part: where they are. */
interface TokenInPart {
  start: number;
  end: number;
}

interface QueryToken {
  token: string;
  /** Per part (in the index's order), or null where the part lacks the token. */
  inParts: (TokenInPart | null)[];
  /** Live notices holding the token. */
  frequency: number;
}

function lookUp(index: NoticeIndex, token: string): QueryToken {
  const bytes = termBytesOf(token);
  let frequency = 0;
  const inParts = index.parts.map(({ part, live, liveCount }) => {
    const term = part.termIndex(bytes);
    if (term < 0) return null;
    const start = part.postingOffsets[term]!;
    const end = part.postingOffsets[term + 1]!;
    let alive = end - start;
    // A part without dead notices needs no count.
    if (liveCount < part.documents) {
      const { postingDocuments } = part;
      alive = 0;
      for (let p = start; p < end; p++) alive += live[postingDocuments[p]!]!;
    }
    frequency += alive;
    return { start, end };
  });
  return { token, inParts, frequency };
}

/** The positions of a part holding every token, dead ones included (the caller skips them). */
function matchingPositions({ part }: IndexedPart, ranges: TokenInPart[]): Int32Array {
  const sorted = [...ranges].sort((a, b) => a.end - a.start - (b.end - b.start));
  let positions = part.postingDocuments.subarray(sorted[0]!.start, sorted[0]!.end);
  for (const { start, end } of sorted.slice(1)) {
    const other = part.postingDocuments.subarray(start, end);
    const both = new Int32Array(Math.min(positions.length, other.length));
    let count = 0;
    for (let i = 0, j = 0; i < positions.length && j < other.length; ) {
      if (positions[i]! < other[j]!) i++;
      else if (positions[i]! > other[j]!) j++;
      else {
        both[count++] = positions[i]!;
        i++;
        j++;
      }
    }
    positions = both.subarray(0, count);
  }
  return positions;
}

const STATE_LABELS = ['open', 'upcoming', 'closed'] as const;
const STATE_CODE = { open: 0, upcoming: 1, closed: 2 } as const;

/** The scored terms' weights of each notice, per field, as lunr vectors restricted to the query. */
function scoreNotices(index: NoticeIndex, terms: QueryToken[], boosts: number[]): Map<number, number> {
  const averages = { names: index.namesLengthTotal / index.liveNotices, text: index.textLengthTotal / index.liveNotices };
  const elements = new Map<number, [number[], number[]]>();
  terms.forEach((term, termIndex) => {
    // lunr counts a notice once per field holding the term.
    let fieldPostings = 0;
    term.inParts.forEach((range, p) => {
      if (!range) return;
      const { part, live } = index.parts[p]!;
      for (let i = range.start; i < range.end; i++) {
        if (live[part.postingDocuments[i]!] === 1) fieldPostings += part.postingFields[i] === 3 ? 2 : 1;
      }
    });
    const idf = inverseDocumentFrequency(fieldPostings, index.liveNotices);
    term.inParts.forEach((range, p) => {
      if (!range) return;
      const { part, live } = index.parts[p]!;
      for (let i = range.start; i < range.end; i++) {
        const position = part.postingDocuments[i]!;
        if (live[position] === 0) continue;
        const key = noticeKey(p, position);
        let vectors = elements.get(key);
        if (!vectors) {
          vectors = [[], []];
          elements.set(key, vectors);
        }
        const fields = part.postingFields[i]!;
        if (fields & FIELDS.names.bit) vectors[0].push(termIndex, fieldWeight(idf, part.namesLength[position]!, averages.names, FIELDS.names.boost));
        if (fields & FIELDS.text.bit) vectors[1].push(termIndex, fieldWeight(idf, part.textLength[position]!, averages.text, FIELDS.text.boost));
      }
    });
  });
  const query = queryVector(boosts);
  const scores = new Map<number, number>();
  for (const [key, vectors] of elements) scores.set(key, noticeScore(query, vectors));
  return scores;
}

/** Parts are few (well under 2^8) and hold under 2^24 notices each. */
function noticeKey(part: number, position: number): number {
  return part * 0x1000000 + position;
}

/** A query's matches, flat across parts, with what ranking reads of each. */
class Matches {
  readonly part: Uint16Array;
  readonly position: Int32Array;
  readonly score: Float64Array;
  readonly start: Float64Array;
  readonly id: Int32Array;
  count = 0;

  constructor(capacity: number) {
    this.part = new Uint16Array(capacity);
    this.position = new Int32Array(capacity);
    this.score = new Float64Array(capacity);
    this.start = new Float64Array(capacity);
    this.id = new Int32Array(capacity);
  }

  push(part: number, position: number, score: number, start: number, id: number): void {
    const m = this.count++;
    this.part[m] = part;
    this.position[m] = position;
    this.score[m] = score;
    this.start[m] = start;
    this.id[m] = id;
  }

  /** Best score first; the newest window, then the newest notice, breaks ties and orders a query too broad to score. */
  before(a: number, b: number): boolean {
    if (this.score[a] !== this.score[b]) return this.score[a]! > this.score[b]!;
    if (this.start[a] !== this.start[b]) return this.start[a]! > this.start[b]!;
    return this.id[a]! > this.id[b]!;
  }

  /**
   * The best `wanted` matches, best first: a bounded heap whose root is the worst kept, so a
   * match that does not make the page costs one comparison, not a place in a sorted list.
   */
  best(wanted: number): number[] {
    const heap = new Int32Array(wanted);
    let size = 0;
    for (let m = 0; m < this.count; m++) {
      if (size < wanted) {
        let i = size++;
        heap[i] = m;
        while (i > 0) {
          const parent = (i - 1) >>> 1;
          if (!this.before(heap[parent]!, heap[i]!)) break;
          [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
          i = parent;
        }
      } else if (wanted > 0 && this.before(m, heap[0]!)) {
        heap[0] = m;
        for (let i = 0; ; ) {
          const left = 2 * i + 1;
          let worst = i;
          if (left < size && this.before(heap[worst]!, heap[left]!)) worst = left;
          if (left + 1 < size && this.before(heap[worst]!, heap[left + 1]!)) worst = left + 1;
          if (worst === i) break;
          [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
          i = worst;
        }
      }
    }
    return Array.from(heap.subarray(0, size)).sort((a, b) => (this.before(a, b) ? -1 : 1));
  }
}

/** Facet counts of one part, by code; merged across parts by label. */
function countsByLabel(counts: Map<string, number>, labels: readonly string[], byCode: Int32Array): void {
  for (let code = 0; code < byCode.length; code++) {
    if (byCode[code]! > 0) counts.set(labels[code]!, (counts.get(labels[code]!) ?? 0) + byCode[code]!);
  }
}

/**
 * Ranked notices for a query: every required token must occur (in any field), whole words
 * add to the score. The query is never parsed as lunr query syntax, so `: * ~ ^ + -` and
 * quotes are text. Facet counts are disjunctive: each facet counts the matches under every
 * other filter.
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

  const tokens = required.map((token) => lookUp(index, token)).sort((a, b) => a.frequency - b.frequency);
  if (tokens[0]!.frequency === 0) return none;

  // The rarest tokens are scored while they fit the budget; the rest only have to occur.
  const scored: QueryToken[] = [];
  let budget = SCORING_BUDGET;
  for (const token of tokens) {
    if (token.frequency > budget) break;
    scored.push(token);
    budget -= token.frequency;
  }
  const rankedBy = order === 'relevance' && scored.length > 0 ? 'relevance' : 'date';
  let scores = new Map<number, number>();
  if (rankedBy === 'relevance') {
    const words = optional.map((word) => lookUp(index, word)).filter(({ frequency }) => frequency > 0 && frequency <= budget);
    scores = scoreNotices(index, [...scored, ...words], [...scored.map(() => 1), ...words.map(() => 2)]);
  }

  const candidates = index.parts.map((indexed, p) => {
    const ranges = tokens.map(({ inParts }) => inParts[p]);
    return ranges.every((range) => range !== null) ? matchingPositions(indexed, ranges as TokenInPart[]) : null;
  });
  const first = (page - 1) * pageSize;
  const wanted = first + pageSize;
  // Ranked by date, a part gives at most its newest `wanted` matches, found in its recency order.
  const byDate = rankedBy === 'date';
  const matches = new Matches(
    candidates.reduce((sum, positions) => sum + (positions === null ? 0 : byDate ? Math.min(positions.length, wanted) : positions.length), 0),
  );
  let total = 0;
  const counts = Object.fromEntries(FACET_NAMES.map((name) => [name, new Map<string, number>()])) as Record<FacetName, Map<string, number>>;
  const nowMs = now.getTime();
  const NO_FILTER = -1;
  candidates.forEach((positions, p) => {
    if (!positions) return;
    const { part, live, liveCount } = index.parts[p]!;
    const someDead = liveCount < part.documents;
    const { windowStart, windowEnd, ids, kind, scheme, province, year } = part;
    // In FACET_NAMES order: state (from the windows and now), then the facets the part codes.
    const labels = [STATE_LABELS, ...CODED_FACETS.map((facet) => part.header.labels[facet])];
    // The code this part gives each filter's value; a value no notice here has gets a code none has.
    const [wState, wKind, wScheme, wProvince, wYear] = FACET_NAMES.map((name, f) => {
      const value = filters[name];
      if (value === undefined) return NO_FILTER;
      const code = (labels[f] as readonly string[]).indexOf(String(value));
      return code < 0 ? 0x10000 : code;
    }) as [number, number, number, number, number];
    const filtered = wState !== NO_FILTER || wKind !== NO_FILTER || wScheme !== NO_FILTER || wProvince !== NO_FILTER || wYear !== NO_FILTER;
    const byCode = labels.map((list) => new Int32Array(list.length));
    const matched = byDate ? new Uint8Array(part.documents) : null;
    let partMatches = 0;
    const [cState, cKind, cScheme, cProvince, cYear] = byCode as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
    // Written out facet by facet: this loop runs once per match, up to every notice of the registry.
    for (let i = 0; i < positions.length; i++) {
      const position = positions[i]!;
      if (someDead && live[position] === 0) continue;
      const state = nowMs >= windowEnd[position]! ? STATE_CODE.closed : nowMs < windowStart[position]! ? STATE_CODE.upcoming : STATE_CODE.open;
      const k = kind[position]!;
      const s = scheme[position]!;
      const r = province[position]!;
      const y = year[position]!;
      if (filtered) {
        // Disjunctive facets: a notice failing exactly one filter still counts in that filter's facet.
        const missState = wState !== NO_FILTER && state !== wState;
        const missKind = wKind !== NO_FILTER && k !== wKind;
        const missScheme = wScheme !== NO_FILTER && s !== wScheme;
        const missProvince = wProvince !== NO_FILTER && r !== wProvince;
        const missYear = wYear !== NO_FILTER && y !== wYear;
        const failures = +missState + +missKind + +missScheme + +missProvince + +missYear;
        if (failures === 1) {
          if (missState) cState[state]!++;
          else if (missKind) cKind[k]!++;
          else if (missScheme) cScheme[s]!++;
          else if (missProvince) cProvince[r]!++;
          else cYear[y]!++;
        }
        if (failures !== 0) continue;
      }
      cState[state]!++;
      cKind[k]!++;
      cScheme[s]!++;
      cProvince[r]!++;
      cYear[y]!++;
      partMatches++;
      if (matched) matched[position] = 1;
      else matches.push(p, position, scores.get(noticeKey(p, position)) ?? 0, windowStart[position]!, ids[position]!);
    }
    total += partMatches;
    if (matched) {
      const { recency } = part;
      for (let r = 0, kept = 0; r < recency.length && kept < wanted && kept < partMatches; r++) {
        const position = recency[r]!;
        if (matched[position] === 0) continue;
        matches.push(p, position, 0, windowStart[position]!, ids[position]!);
        kept++;
      }
    }
    for (const [f, name] of FACET_NAMES.entries()) countsByLabel(counts[name], labels[f]!, byCode[f]!);
  });
  for (const name of FACET_NAMES) {
    facets[name] = [...counts[name]].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }

  const ranked = matches.best(Math.min(matches.count, wanted)).slice(first);
  return {
    total,
    rankedBy,
    page,
    pageCount: Math.ceil(total / pageSize),
    hits: ranked.map((m) => ({ id: matches.id[m]!, score: matches.score[m]! })),
    facets,
  };
}

/** What a query can match on: nothing when it has no token (only punctuation, or one Chinese character). */
export function isSearchable(query: string): boolean {
  return tokenizeForSearch(query).required.length > 0;
}
