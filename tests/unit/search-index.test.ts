import lunr from 'lunr';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNoticeEntriesAfter, type NoticeDocument, type NoticeEntry } from '../../src/lib/domain/search/corpus.ts';
import { NoticeIndexer } from '../../src/lib/domain/search/indexer.ts';
import {
  NoticeIndex,
  SCORING_BUDGET,
  SEARCH_PAGE_SIZE,
  searchNoticeIndex,
  type NoticeSearchFilters,
} from '../../src/lib/domain/search/notice-index.ts';
import { FIELDS, mergeParts, PartBuilder } from '../../src/lib/domain/search/part.ts';
import { highlightTerms, snippet } from '../../src/lib/domain/search/snippet.ts';
import { IndexStore, partFileName } from '../../src/lib/domain/search/store.ts';
import { indexTokens, tokenizeForSearch } from '../../src/lib/domain/search/tokenizer.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { reviseNotice } from '../support/search-fixtures.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');
let test: TestDatabase;
/** The demo notices in one part, in many small ones, and in those merged. */
let whole: NoticeIndexer;
let parted: NoticeIndexer;
let entries: NoticeEntry[];

async function allEntries(): Promise<NoticeEntry[]> {
  return readNoticeEntriesAfter(test.db, 0, 1_000_000);
}

async function openIndexer(firstBuildPartSize: number): Promise<NoticeIndexer> {
  const indexer = new NoticeIndexer({ db: test.db, firstBuildPartSize, clock: () => NOW });
  await indexer.open();
  return indexer;
}

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoData(test.db, { certificates: 1500, notices: 4000, seed: 11, now: NOW });
  entries = await allEntries();
  whole = await openIndexer(100_000);
  parted = await openIndexer(350);
});
afterAll(() => test.remove());

/**
 * One lunr.Index over the given notices, with the portal's fields and tokenizer: what the
 * portal's scores must equal whatever part each notice lives in.
 */
function lunrReference(documents: readonly NoticeDocument[]): lunr.Index {
  return lunr(function () {
    this.ref('id');
    for (const [field, { boost, columns }] of Object.entries(FIELDS)) {
      this.field(field, { boost, extractor: (document) => columns.map((column) => (document as NoticeDocument)[column]).join('\n') });
    }
    this.pipeline.reset();
    this.searchPipeline.reset();
    this.tokenizer = ((value: unknown) =>
      indexTokens(typeof value === 'string' ? value : '').map((token) => new lunr.Token(token, {}))) as typeof lunr.tokenizer;
    for (const document of documents) this.add(document);
  });
}

function lunrScores(index: lunr.Index, query: string): Map<number, number> {
  const { required, optional } = tokenizeForSearch(query);
  const results = index.query((builder) => {
    for (const term of required)
      builder.term(term, { presence: lunr.Query.presence.REQUIRED, usePipeline: false, wildcard: lunr.Query.wildcard.NONE });
    for (const term of optional) {
      builder.term(term, { presence: lunr.Query.presence.OPTIONAL, usePipeline: false, wildcard: lunr.Query.wildcard.NONE, boost: 2 });
    }
  });
  return new Map(results.map((result) => [Number(result.ref), result.score]));
}

/** Queries whose every token is rare enough to be scored, so lunr and the index score the same terms. */
const SCORED_QUERIES = ['西湖', '宁波 物业', '冷链', '杭州 餐饮', '二次供水', '生物制品 冷链', '餐饮'];

describe('the Chinese tokenizer', () => {
  it('requires every two-character piece of a Chinese run, so any substring of two or more characters matches', () => {
    expect(tokenizeForSearch('西子湖畔').required).toEqual(['西子', '子湖', '湖畔']);
  });

  it('adds whole words of three or more characters as optional, to rank whole words higher', () => {
    expect(tokenizeForSearch('有限公司').optional).toEqual(['有限公司']);
  });

  it('lower-cases Latin letters, folds full width, and keeps codes whole without their dashes', () => {
    expect(tokenizeForSearch('ＣＱＣ-SH-24').required).toEqual(['cqc', 'sh', '24', 'cqcsh24']);
  });

  it('gives nothing to search for one Chinese character or only punctuation', () => {
    expect(tokenizeForSearch('西').required).toEqual([]);
    expect(tokenizeForSearch(':*~^+-"').required).toEqual([]);
  });

  it('gives the tokens of segmenting the whole text and of the code pattern, piece by piece', () => {
    const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
    const CODE = /[\p{L}\p{N}]+(?:[-‐‑–—_./][\p{L}\p{N}]+)+/gu;
    const wholeText = (text: string) => {
      const normalised = text.normalize('NFKC').toLowerCase();
      const words = [...segmenter.segment(normalised)].filter(({ isWordLike }) => isWordLike).map(({ segment }) => segment);
      const codes = (normalised.match(CODE) ?? []).map((code) => code.replace(/[^\p{L}\p{N}]/gu, ''));
      return {
        nonHanWords: words.filter((word) => !/\p{Script=Han}/u.test(word)),
        longHanWords: words.filter((word) => /\p{Script=Han}/u.test(word) && Array.from(word).length >= 3),
        codes,
      };
    };
    const samples = [
      '3号楼A座9层',
      'iPhone15手机维修服务',
      'GB/T 27922—2011《商品售后服务评价体系》',
      'a--b x-y- -x-y v1.2.3版',
      '售后/服务 深圳市南山区科技园南区 R2-B 栋',
      'Shenzhen BrightHome Appliance Co., Ltd.（深圳明家电器有限公司）',
      'Remote diagnosis covers 85% of faults; 现场评价得分 91 分。',
      ...entries.slice(0, 300).map(({ document }) => `${document.applicant}\n${document.reference}\n${document.summary}`),
    ];
    for (const sample of samples) {
      const { required, optional } = tokenizeForSearch(sample);
      const expected = wholeText(sample);
      for (const word of [...expected.nonHanWords, ...expected.codes]) expect(required, sample).toContain(word);
      for (const word of expected.longHanWords) expect([...required, ...optional], sample).toContain(word);
      expect(
        optional.every((word) => expected.longHanWords.includes(word)),
        sample,
      ).toBe(true);
    }
  });
});

// Whole lunr indexes are built to compare with: seconds of CPU, which a loaded machine can stretch past the default 30 s.
describe('the notice index', { timeout: 120_000 }, () => {
  it('is made of parts: the parted build has many, each notice live in exactly one', () => {
    expect(parted.index.parts.length).toBeGreaterThan(5);
    expect(whole.index.parts).toHaveLength(1);
    const live = parted.index.liveIds();
    expect(new Set(live).size).toBe(live.length);
    expect(Array.from(live)).toEqual(entries.map(({ document }) => document.id));
  });

  it('scores as lunr does: the same as one lunr.Index over all notices, whichever part a notice is in', () => {
    const reference = lunrReference(entries.map(({ document }) => document));
    for (const query of SCORED_QUERIES) {
      const page = searchNoticeIndex(parted.index, query, {}, 1, NOW, { pageSize: 50 });
      const expected = lunrScores(reference, query);
      expect(page.rankedBy, query).toBe('relevance');
      expect(page.total, query).toBeGreaterThan(0);
      expect(page.total, query).toBe(expected.size);
      expect(page.hits[0]!.score, query).toBeCloseTo(Math.max(...expected.values()), 10);
      for (const hit of page.hits) expect(hit.score, `${query} #${hit.id}`).toBeCloseTo(expected.get(hit.id)!, 10);
    }
  });

  it('answers identically from one part, from many, and from those merged', async () => {
    const filtered: NoticeSearchFilters[] = [{}, { kind: 'initial' }, { state: 'closed', province: '浙江省' }, { year: 2026, scheme: 'property' }];
    const queries = [...SCORED_QUERIES, '服务', '有限公司', '物业服务', '售后'];
    const answers = (indexer: NoticeIndexer) =>
      queries.flatMap((query) => filtered.map((filters) => searchNoticeIndex(indexer.index, query, filters, 1, NOW)));
    const fromOne = answers(whole);
    expect(answers(parted)).toEqual(fromOne);
    const merged = await openIndexer(350);
    while (await merged.mergeWhenDue());
    expect(merged.index.parts.length).toBeLessThan(parted.index.parts.length);
    expect(answers(merged)).toEqual(fromOne);
  });

  it('counts facets over every match and narrows by them, each facet under the other filters', () => {
    const all = searchNoticeIndex(parted.index, '服务', {}, 1, NOW);
    const kinds = Object.fromEntries(all.facets.kind.map(({ value, count }) => [value, count]));
    expect(all.facets.kind.reduce((sum, { count }) => sum + count, 0)).toBe(all.total);
    const initial = searchNoticeIndex(parted.index, '服务', { kind: 'initial' }, 1, NOW);
    expect(initial.total).toBe(kinds.initial);
    // The kind facet still offers the other kinds while one is chosen.
    expect(initial.facets.kind).toEqual(all.facets.kind);
    const openInitial = searchNoticeIndex(parted.index, '服务', { kind: 'initial', state: 'open' }, 1, NOW);
    expect(openInitial.total).toBe(initial.facets.state.find(({ value }) => value === 'open')?.count ?? 0);
    expect(searchNoticeIndex(parted.index, '服务', { province: '不存在省' }, 1, NOW).total).toBe(0);
  });

  it('computes open, upcoming and closed from the windows at the time asked, to the millisecond', () => {
    const { document, facts } = entries.find((entry) => !entry.facts.withdrawn)!;
    const statesAt = (instant: number) =>
      (['open', 'upcoming', 'closed'] as const).filter((state) =>
        searchNoticeIndex(parted.index, document.reference, { state }, 1, new Date(instant)).hits.some((hit) => hit.id === document.id),
      );
    const start = Date.parse(facts.windowStart);
    const end = Date.parse(facts.windowEnd);
    expect(statesAt(start - 1)).toEqual(['upcoming']);
    expect(statesAt(start)).toEqual(['open']);
    expect(statesAt(end - 1)).toEqual(['open']);
    expect(statesAt(end)).toEqual(['closed']);
  });

  it('paginates by the page size and reports the total', () => {
    const first = searchNoticeIndex(parted.index, '物业', {}, 1, NOW);
    const second = searchNoticeIndex(parted.index, '物业', {}, 2, NOW);
    expect(first.hits).toHaveLength(SEARCH_PAGE_SIZE);
    expect(first.pageCount).toBe(Math.ceil(first.total / SEARCH_PAGE_SIZE));
    expect(second.hits.map((hit) => hit.id)).not.toContain(first.hits[0]!.id);
    const deep = searchNoticeIndex(parted.index, '物业', {}, 1, NOW, { pageSize: first.total });
    expect(deep.hits.slice(SEARCH_PAGE_SIZE, 2 * SEARCH_PAGE_SIZE)).toEqual(second.hits);
  });

  it(`ranks by date, newest first, a query whose every token is in more than ${SCORING_BUDGET} notices`, () => {
    const broad = searchNoticeIndex(parted.index, '服务', {}, 1, NOW, { pageSize: 40 });
    expect(broad.total).toBeGreaterThan(SCORING_BUDGET);
    expect(broad.rankedBy).toBe('date');
    const startOf = new Map(entries.map(({ document, facts }) => [document.id, facts.windowStart]));
    const newest = [...entries]
      .sort((a, b) => b.facts.windowStart.localeCompare(a.facts.windowStart) || b.document.id - a.document.id)
      .slice(0, 40)
      .map(({ document }) => document.id);
    expect(broad.hits.map((hit) => hit.id)).toEqual(newest);
    expect(broad.hits.map((hit) => startOf.get(hit.id))).toEqual(
      broad.hits
        .map((hit) => startOf.get(hit.id))
        .sort()
        .reverse(),
    );
  });

  it('ranks by relevance a query with a rarer token, still requiring the common ones', () => {
    const ranked = searchNoticeIndex(parted.index, '物业服务', {}, 1, NOW);
    expect(ranked.rankedBy).toBe('relevance');
    expect(ranked.hits[0]!.score).toBeGreaterThan(0);
    const withCommonOnly = searchNoticeIndex(parted.index, '物业', {}, 1, NOW).total;
    expect(ranked.total).toBeLessThanOrEqual(withCommonOnly);
  });

  it('lists a feed newest first whatever the scores', () => {
    const newest = searchNoticeIndex(parted.index, '物业服务', {}, 1, NOW, { order: 'newest', pageSize: 50 });
    const startOf = new Map(entries.map(({ document, facts }) => [document.id, facts.windowStart]));
    const starts = newest.hits.map((hit) => startOf.get(hit.id)!);
    expect(newest.hits).toHaveLength(50);
    expect(starts).toEqual([...starts].sort().reverse());
  });
});

describe('a merge', { timeout: 120_000 }, () => {
  it('never shows a notice twice or misses one, though notices change while it runs', async () => {
    const indexer = await openIndexer(500);
    const sources = indexer.index.parts.slice(0, 4);
    // The merge copies what is live when it begins…
    const merging = mergeParts(10_000, sources);
    const merged = await merging;
    // …then notices of its sources change, before it is installed.
    const changedIds = sources.map(({ part }) => part.ids[7]!);
    for (const id of changedIds) await reviseNotice(test.db, id, { evaluationSummary: `合并期间修改的摘要，编号 ${id}。` });
    const caughtUp = await indexer.catchUp();
    expect(caughtUp.reindexed).toBe(changedIds.length);
    indexer.index.replace(
      sources.map(({ part }) => part.seq),
      merged,
    );

    const live = Array.from(indexer.index.liveIds());
    expect(new Set(live).size).toBe(live.length);
    expect(live).toEqual(entries.map(({ document }) => document.id));
    for (const id of changedIds) {
      const found = searchNoticeIndex(indexer.index, `合并期间修改的摘要，编号 ${id}`, {}, 1, NOW);
      expect(found.hits.map((hit) => hit.id)).toEqual([id]);
    }
    // The same answers as an index built afresh from the database as it now is.
    const fresh = await openIndexer(100_000);
    for (const query of ['服务', '合并期间', ...SCORED_QUERIES]) {
      expect(searchNoticeIndex(indexer.index, query, {}, 1, NOW)).toEqual(searchNoticeIndex(fresh.index, query, {}, 1, NOW));
    }
  });
});

describe('saved parts', () => {
  const folder = mkdtempSync(join(tmpdir(), 'portal-parts-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const builtPart = () => {
    const builder = new PartBuilder();
    for (const entry of entries.slice(0, 200)) builder.add(entry);
    return builder.finish(42);
  };

  it('load as they were saved, byte for byte, and answer the same', async () => {
    const store = new IndexStore(folder);
    const part = builtPart();
    await store.savePart(part);
    const loaded = await store.loadPart(partFileName(42));
    expect(loaded.header).toEqual(part.header);
    expect(Buffer.from(new Uint8Array(loaded.buffer)).equals(Buffer.from(new Uint8Array(part.buffer)))).toBe(true);
    const [before, after] = [part, loaded].map((one) => {
      const index = new NoticeIndex();
      index.add(one, []);
      return searchNoticeIndex(index, '服务', {}, 1, NOW);
    });
    expect(after).toEqual(before);
  });

  it('refuse a truncated or altered file, saying why', async () => {
    const store = new IndexStore(folder);
    await store.savePart(builtPart());
    const file = join(folder, partFileName(42));
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(file, bytes);
    await expect(store.loadPart(partFileName(42))).rejects.toThrow('checksum does not match');
    truncateSync(file, bytes.length - 100);
    await expect(store.loadPart(partFileName(42))).rejects.toThrow(/bytes, \d+ expected/);
  });
});

describe('the saved index of one database', () => {
  it('is written by one process: a lock naming a running process keeps others out, a stale one is taken over', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'portal-lock-'));
    try {
      writeFileSync(join(folder, 'writer.lock'), String(process.ppid));
      expect(await new IndexStore(folder).claim()).toEqual({ writer: false, pid: process.ppid });
      const stopped = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      writeFileSync(join(folder, 'writer.lock'), stopped);
      expect(await new IndexStore(folder).claim()).toEqual({ writer: true });
      expect(readFileSync(join(folder, 'writer.lock'), 'utf8')).toBe(String(process.pid));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('snippets', () => {
  it('cut the text around the first match and mark every match, as text', () => {
    const text = '现场评价得分 96 分，售后服务体系完善，投诉处理及时，售后回访记录齐全。';
    const parts = snippet(text, highlightTerms('售后 <b>'), 20);
    expect(parts.filter((part) => part.match).map((part) => part.text)).toEqual(['售后']);
    expect(parts.map((part) => part.text).join('')).toContain('售后服务体系');
  });
});
