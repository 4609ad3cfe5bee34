/**
 * A part of the notice index: an immutable set of notices with their postings, laid out as
 * typed arrays in one SharedArrayBuffer. The indexer thread builds and merges parts; the
 * query thread reads the very same memory (a SharedArrayBuffer is shared, not copied, when
 * posted), and a saved part is that buffer on disk, so loading it parses nothing.
 *
 * Why not lunr.Index objects: lunr keeps an object per (term, field, notice) and a vector
 * per (field, notice); 20,000 notices took 262 MB of heap even with shared metadata, which
 * would be 2.6 GB at the national 200,000. Here a posting costs five bytes. The scores are
 * still lunr's (see scoring.ts).
 */
import type { NoticeKind } from '../../db/notice.table.ts';
import type { NoticeDocument, NoticeEntry } from './corpus.ts';
import { indexTokens } from './tokenizer.ts';

/**
 * Two indexed fields, not one per column: fewer (notice, field) pairs to score. Who the
 * notice is about counts more than what it says.
 */
export const FIELDS = {
  names: { bit: 1, boost: 5, columns: ['applicant', 'reference', 'title'] },
  text: { bit: 2, boost: 1, columns: ['scheme', 'scope', 'place', 'summary'] },
} as const satisfies Record<string, { bit: number; boost: number; columns: readonly Exclude<keyof NoticeDocument, 'id'>[] }>;
export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** The facets a part codes per notice, as indexes into its own labels. */
export const CODED_FACETS = ['kind', 'scheme', 'province', 'year'] as const;
export type CodedFacet = (typeof CODED_FACETS)[number];

/** What describes a part besides its buffer: enough to lay the arrays over it. */
export interface PartHeader {
  seq: number;
  documents: number;
  terms: number;
  postings: number;
  termBytes: number;
  labels: Record<CodedFacet, string[]>;
}

type ArrayKind = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;
type Count = 'documents' | 'terms+1' | 'postings' | 'termBytes';

/** The arrays of a part, widest elements first so that every one is aligned. */
const SECTIONS = [
  ['digests', Float64Array, 'documents'],
  ['windowStart', Float64Array, 'documents'],
  ['windowEnd', Float64Array, 'documents'],
  ['ids', Int32Array, 'documents'],
  ['recency', Int32Array, 'documents'],
  ['termOffsets', Uint32Array, 'terms+1'],
  ['postingOffsets', Uint32Array, 'terms+1'],
  ['postingDocuments', Int32Array, 'postings'],
  ['namesLength', Uint16Array, 'documents'],
  ['textLength', Uint16Array, 'documents'],
  ['kind', Uint16Array, 'documents'],
  ['scheme', Uint16Array, 'documents'],
  ['province', Uint16Array, 'documents'],
  ['year', Uint16Array, 'documents'],
  ['postingFields', Uint8Array, 'postings'],
  ['termBytes', Uint8Array, 'termBytes'],
] as const satisfies readonly (readonly [string, ArrayKind, Count])[];

function lengthOf(header: PartHeader, count: Count): number {
  return count === 'terms+1' ? header.terms + 1 : header[count];
}

/** Bytes of a part's buffer: the sum of its arrays, each rounded up to eight bytes. */
export function partBytes(header: PartHeader): number {
  let bytes = 0;
  for (const [, kind, count] of SECTIONS) bytes += Math.ceil((lengthOf(header, count) * kind.BYTES_PER_ELEMENT) / 8) * 8;
  return bytes;
}

const encoder = new TextEncoder();

/** -1, 0 or 1 as `a` sorts before, with or after `b`, by bytes (the order of code points). */
function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const difference = a[aStart + i]! - b[bStart + i]!;
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return Math.sign(aEnd - aStart - (bEnd - bStart));
}

export class Part {
  readonly header: PartHeader;
  readonly buffer: SharedArrayBuffer;
  readonly digests!: Float64Array;
  /** Window instants in milliseconds; a withdrawn notice's end is -Infinity, so it reads as closed. */
  readonly windowStart!: Float64Array;
  readonly windowEnd!: Float64Array;
  /** Notice ids, ascending: a notice's position in the part is found by binary search. */
  readonly ids!: Int32Array;
  /** Positions, newest window first (then newest notice): the order of a query too broad to score. */
  readonly recency!: Int32Array;
  /** Per term (sorted by bytes), where its UTF-8 bytes and its postings start. */
  readonly termOffsets!: Uint32Array;
  readonly postingOffsets!: Uint32Array;
  /** Per posting, the notice's position (ascending within a term) and the fields it is in. */
  readonly postingDocuments!: Int32Array;
  readonly postingFields!: Uint8Array;
  /** Per notice and field, its number of distinct tokens: lunr's field length. */
  readonly namesLength!: Uint16Array;
  readonly textLength!: Uint16Array;
  readonly kind!: Uint16Array;
  readonly scheme!: Uint16Array;
  readonly province!: Uint16Array;
  readonly year!: Uint16Array;
  readonly termBytes!: Uint8Array;

  /** Lays the arrays over `buffer` (a new one when none is given, to be filled). */
  constructor(header: PartHeader, buffer?: SharedArrayBuffer) {
    this.header = header;
    const bytes = partBytes(header);
    if (buffer && buffer.byteLength !== bytes) throw new Error(`part ${header.seq}: ${buffer.byteLength} bytes, ${bytes} expected`);
    this.buffer = buffer ?? new SharedArrayBuffer(bytes);
    let offset = 0;
    const sections = this as unknown as Record<string, unknown>;
    for (const [name, kind, count] of SECTIONS) {
      const length = lengthOf(header, count);
      sections[name] = new (kind as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => unknown)(this.buffer, offset, length);
      offset += Math.ceil((length * kind.BYTES_PER_ELEMENT) / 8) * 8;
    }
  }

  get seq(): number {
    return this.header.seq;
  }

  get documents(): number {
    return this.header.documents;
  }

  /** The position of a notice in this part, or -1. */
  positionOf(id: number): number {
    let low = 0;
    let high = this.ids.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.ids[middle]!;
      if (value === id) return middle;
      if (value < id) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** The index of a term given as UTF-8 bytes, or -1. */
  termIndex(term: Uint8Array): number {
    let low = 0;
    let high = this.header.terms - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = compareBytes(this.termBytes, this.termOffsets[middle]!, this.termOffsets[middle + 1]!, term, 0, term.length);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  compareTerms(index: number, other: Part, otherIndex: number): number {
    return compareBytes(
      this.termBytes,
      this.termOffsets[index]!,
      this.termOffsets[index + 1]!,
      other.termBytes,
      other.termOffsets[otherIndex]!,
      other.termOffsets[otherIndex + 1]!,
    );
  }

  /** The label of a notice's facet value. */
  label(facet: CodedFacet, position: number): string {
    return this.header.labels[facet][this[facet][position]!]!;
  }
}

export function termBytesOf(term: string): Uint8Array {
  return encoder.encode(term);
}

/** Labels in order of first appearance, and each value's code. */
class LabelCoder {
  readonly labels: string[] = [];
  private readonly codes = new Map<string, number>();

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.labels.push(value) - 1;
      this.codes.set(value, code);
    }
    return code;
  }
}

function facetValues(entry: NoticeEntry): Record<CodedFacet, string> {
  const { facts } = entry;
  return { kind: facts.kind satisfies NoticeKind, scheme: facts.scheme, province: facts.province, year: String(facts.year) };
}

function fieldTokens(document: NoticeDocument, field: FieldName): string[] {
  return indexTokens(FIELDS[field].columns.map((column) => document[column]).join('\n'));
}

interface BuiltNotice {
  id: number;
  digest: number;
  windowStart: number;
  windowEnd: number;
  namesLength: number;
  textLength: number;
  codes: Record<CodedFacet, number>;
}

/** Sorts strings by their UTF-8 bytes, the order parts keep their terms in. */
function sortedByBytes(terms: Iterable<string>): { term: string; bytes: Uint8Array }[] {
  return Array.from(terms, (term) => ({ term, bytes: termBytesOf(term) })).sort((a, b) =>
    compareBytes(a.bytes, 0, a.bytes.length, b.bytes, 0, b.bytes.length),
  );
}

/** Collects notices, in ascending id order, into a new part. */
export class PartBuilder {
  /** Each term's number, and per number its postings as position * 4 + field bits. */
  private readonly termNumbers = new Map<string, number>();
  private readonly postings: number[][] = [];
  /** Per term number, the fields it is in for the notice being added (0 when none yet). */
  private fieldsOfTerm = new Uint8Array(4096);
  private readonly notices: BuiltNotice[] = [];
  private readonly coders = Object.fromEntries(CODED_FACETS.map((facet) => [facet, new LabelCoder()])) as Record<CodedFacet, LabelCoder>;
  private postingCount = 0;

  get size(): number {
    return this.notices.length;
  }

  add(entry: NoticeEntry): void {
    const { document, facts, digest } = entry;
    const last = this.notices.at(-1);
    if (last && last.id >= document.id) throw new Error(`notices must be added in ascending id order (${document.id} after ${last.id})`);
    const position = this.notices.length;
    const lengths = { names: 0, text: 0 };
    const touched: number[] = [];
    for (const field of FIELD_NAMES) {
      const tokens = fieldTokens(document, field);
      const { bit } = FIELDS[field];
      lengths[field] = tokens.length;
      for (const token of tokens) {
        let term = this.termNumbers.get(token);
        if (term === undefined) {
          term = this.postings.push([]) - 1;
          this.termNumbers.set(token, term);
          if (term >= this.fieldsOfTerm.length) {
            const grown = new Uint8Array(this.fieldsOfTerm.length * 2);
            grown.set(this.fieldsOfTerm);
            this.fieldsOfTerm = grown;
          }
        }
        if (this.fieldsOfTerm[term] === 0) touched.push(term);
        this.fieldsOfTerm[term]! |= bit;
      }
    }
    for (const term of touched) {
      this.postings[term]!.push(position * 4 + this.fieldsOfTerm[term]!);
      this.fieldsOfTerm[term] = 0;
    }
    this.postingCount += touched.length;
    const values = facetValues(entry);
    this.notices.push({
      id: document.id,
      digest,
      windowStart: Date.parse(facts.windowStart),
      windowEnd: facts.withdrawn ? -Infinity : Date.parse(facts.windowEnd),
      namesLength: lengths.names,
      textLength: lengths.text,
      codes: Object.fromEntries(CODED_FACETS.map((facet) => [facet, this.coders[facet].code(values[facet])])) as Record<CodedFacet, number>,
    });
  }

  finish(seq: number): Part {
    const terms = sortedByBytes(this.termNumbers.keys());
    const part = new Part({
      seq,
      documents: this.notices.length,
      terms: terms.length,
      postings: this.postingCount,
      termBytes: terms.reduce((sum, { bytes }) => sum + bytes.length, 0),
      labels: Object.fromEntries(CODED_FACETS.map((facet) => [facet, this.coders[facet].labels])) as Record<CodedFacet, string[]>,
    });
    for (const [position, notice] of this.notices.entries()) writeNotice(part, position, notice);
    orderByRecency(part);
    let bytes = 0;
    let posting = 0;
    terms.forEach(({ term, bytes: encoded }, index) => {
      part.termOffsets[index] = bytes;
      part.termBytes.set(encoded, bytes);
      bytes += encoded.length;
      part.postingOffsets[index] = posting;
      for (const packed of this.postings[this.termNumbers.get(term)!]!) {
        part.postingDocuments[posting] = packed >>> 2;
        part.postingFields[posting++] = packed & 3;
      }
    });
    part.termOffsets[terms.length] = bytes;
    part.postingOffsets[terms.length] = posting;
    return part;
  }
}

function orderByRecency(part: Part): void {
  const positions = Array.from({ length: part.documents }, (_, position) => position);
  positions.sort((a, b) => part.windowStart[b]! - part.windowStart[a]! || part.ids[b]! - part.ids[a]!);
  part.recency.set(positions);
}

function writeNotice(part: Part, position: number, notice: BuiltNotice): void {
  part.ids[position] = notice.id;
  part.digests[position] = notice.digest;
  part.windowStart[position] = notice.windowStart;
  part.windowEnd[position] = notice.windowEnd;
  part.namesLength[position] = notice.namesLength;
  part.textLength[position] = notice.textLength;
  for (const facet of CODED_FACETS) part[facet][position] = notice.codes[facet];
}

/** A part and which of its notices still count: 1 live, 0 replaced by a newer version or deleted. */
export interface PartSource {
  part: Part;
  live: Uint8Array;
}

/** Yields to the event loop between pieces of a long merge, so the indexer keeps polling. */
export type Pause = () => Promise<void>;

/**
 * One part holding the live notices of `sources`, copied as they are (no text is read or
 * tokenized again). Notices that die while the merge runs are still copied; whoever installs
 * the result carries the sources' liveness over (NoticeIndex.replace).
 */
export async function mergeParts(seq: number, sources: readonly PartSource[], pause: Pause = async () => {}): Promise<Part> {
  // Notices in id order across the sources, and where each source's live ones go.
  const remaps = sources.map(({ part }) => new Int32Array(part.documents).fill(-1));
  const order: { source: number; position: number }[] = [];
  const cursors = sources.map(() => 0);
  for (;;) {
    let best = -1;
    for (let s = 0; s < sources.length; s++) {
      const { part, live } = sources[s]!;
      while (cursors[s]! < part.documents && live[cursors[s]!] === 0) cursors[s]!++;
      if (cursors[s]! < part.documents && (best < 0 || part.ids[cursors[s]!]! < sources[best]!.part.ids[cursors[best]!]!)) best = s;
    }
    if (best < 0) break;
    remaps[best]![cursors[best]!] = order.length;
    order.push({ source: best, position: cursors[best]!++ });
  }
  const coders = Object.fromEntries(CODED_FACETS.map((facet) => [facet, new LabelCoder()])) as Record<CodedFacet, LabelCoder>;
  const codeMaps = sources.map(
    ({ part }) =>
      Object.fromEntries(CODED_FACETS.map((facet) => [facet, part.header.labels[facet].map((label) => coders[facet].code(label))])) as Record<
        CodedFacet,
        number[]
      >,
  );

  // First pass: which terms still have a live posting, and how much room they take.
  const merged: { sources: number[]; terms: number[] }[] = [];
  const termCursors = sources.map(() => 0);
  let postings = 0;
  let termBytes = 0;
  let steps = 0;
  for (;;) {
    let best = -1;
    for (let s = 0; s < sources.length; s++) {
      if (termCursors[s]! >= sources[s]!.part.header.terms) continue;
      if (best < 0 || sources[s]!.part.compareTerms(termCursors[s]!, sources[best]!.part, termCursors[best]!) < 0) best = s;
    }
    if (best < 0) break;
    const holders: number[] = [];
    const indexes: number[] = [];
    let livePostings = 0;
    for (let s = best; s < sources.length; s++) {
      const { part } = sources[s]!;
      const index = termCursors[s]!;
      if (index >= part.header.terms || (s !== best && part.compareTerms(index, sources[best]!.part, termCursors[best]!) !== 0)) continue;
      for (let p = part.postingOffsets[index]!; p < part.postingOffsets[index + 1]!; p++)
        if (remaps[s]![part.postingDocuments[p]!]! >= 0) livePostings++;
      holders.push(s);
      indexes.push(index);
    }
    for (const s of holders) termCursors[s]!++;
    if (livePostings === 0) continue;
    const { termOffsets } = sources[holders[0]!]!.part;
    termBytes += termOffsets[indexes[0]! + 1]! - termOffsets[indexes[0]!]!;
    postings += livePostings;
    merged.push({ sources: holders, terms: indexes });
    if (++steps % 20_000 === 0) await pause();
  }

  const result = new Part({
    seq,
    documents: order.length,
    terms: merged.length,
    postings,
    termBytes,
    labels: Object.fromEntries(CODED_FACETS.map((facet) => [facet, coders[facet].labels])) as Record<CodedFacet, string[]>,
  });
  order.forEach(({ source, position }, target) => {
    const part = sources[source]!.part;
    writeNotice(result, target, {
      id: part.ids[position]!,
      digest: part.digests[position]!,
      windowStart: part.windowStart[position]!,
      windowEnd: part.windowEnd[position]!,
      namesLength: part.namesLength[position]!,
      textLength: part.textLength[position]!,
      codes: Object.fromEntries(CODED_FACETS.map((facet) => [facet, codeMaps[source]![facet][part[facet][position]!]!])) as Record<
        CodedFacet,
        number
      >,
    });
  });
  orderByRecency(result);

  // Second pass: copy each term and merge its postings by their new positions.
  let bytes = 0;
  let posting = 0;
  const heads: number[] = [];
  for (let index = 0; index < merged.length; index++) {
    const { sources: holders, terms } = merged[index]!;
    const first = sources[holders[0]!]!.part;
    const start = first.termOffsets[terms[0]!]!;
    const end = first.termOffsets[terms[0]! + 1]!;
    result.termOffsets[index] = bytes;
    result.termBytes.set(first.termBytes.subarray(start, end), bytes);
    bytes += end - start;
    result.postingOffsets[index] = posting;
    heads.length = 0;
    for (let h = 0; h < holders.length; h++) heads.push(sources[holders[h]!]!.part.postingOffsets[terms[h]!]!);
    for (;;) {
      let best = -1;
      let bestPosition = 0;
      for (let h = 0; h < holders.length; h++) {
        const { part } = sources[holders[h]!]!;
        const remap = remaps[holders[h]!]!;
        const end = part.postingOffsets[terms[h]! + 1]!;
        while (heads[h]! < end && remap[part.postingDocuments[heads[h]!]!]! < 0) heads[h]!++;
        if (heads[h]! >= end) continue;
        const position = remap[part.postingDocuments[heads[h]!]!]!;
        if (best < 0 || position < bestPosition) {
          best = h;
          bestPosition = position;
        }
      }
      if (best < 0) break;
      result.postingDocuments[posting] = bestPosition;
      result.postingFields[posting++] = sources[holders[best]!]!.part.postingFields[heads[best]!]!;
      heads[best]!++;
    }
    if (index % 20_000 === 19_999) await pause();
  }
  result.termOffsets[merged.length] = bytes;
  result.postingOffsets[merged.length] = posting;
  return result;
}
