import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNoticeCorpus } from '../../src/lib/search/corpus.ts';
import {
  buildNoticeIndex,
  loadNoticeIndex,
  SCORING_BUDGET,
  SEARCH_PAGE_SIZE,
  searchNoticeIndex,
  serialiseNoticeIndex,
  type NoticeIndex,
} from '../../src/lib/search/notice-index.ts';
import { highlightTerms, snippet } from '../../src/lib/search/snippet.ts';
import { tokenizeForSearch } from '../../src/lib/search/tokenizer.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');
let test: TestDatabase;
let index: NoticeIndex;
const references = new Map<number, string>();

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoData(test.db, { certificates: 1500, notices: 4000, seed: 11, now: NOW });
  const { documents, facts } = await loadNoticeCorpus(test.db);
  index = buildNoticeIndex(documents, facts);
  for (const document of documents) references.set(document.id, document.reference);
});
afterAll(() => test.remove());

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
});

describe('the notice index', () => {
  it('answers the same after being saved and loaded', () => {
    const loaded = loadNoticeIndex(serialiseNoticeIndex(index));
    for (const query of ['物业', '售后服务', '餐饮', '杭州']) {
      expect(searchNoticeIndex(loaded, query, {}, 1, NOW)).toEqual(searchNoticeIndex(index, query, {}, 1, NOW));
    }
  });

  it('counts facets over every match and narrows by them, each facet under the other filters', () => {
    const all = searchNoticeIndex(index, '服务', {}, 1, NOW);
    const kinds = Object.fromEntries(all.facets.kind.map(({ value, count }) => [value, count]));
    expect(all.facets.kind.reduce((sum, { count }) => sum + count, 0)).toBe(all.total);
    const initial = searchNoticeIndex(index, '服务', { kind: 'initial' }, 1, NOW);
    expect(initial.total).toBe(kinds.initial);
    // The kind facet still offers the other kinds while one is chosen.
    expect(initial.facets.kind).toEqual(all.facets.kind);
    const openInitial = searchNoticeIndex(index, '服务', { kind: 'initial', state: 'open' }, 1, NOW);
    expect(openInitial.total).toBe(initial.facets.state.find(({ value }) => value === 'open')?.count ?? 0);
  });

  it('computes open, upcoming and closed from the windows at the time asked, to the millisecond', () => {
    const fact = index.facts.find((candidate) => !candidate.withdrawn)!;
    const reference = references.get(fact.id)!;
    const statesAt = (instant: number) =>
      (['open', 'upcoming', 'closed'] as const).filter((state) =>
        searchNoticeIndex(index, reference, { state }, 1, new Date(instant)).hits.some((hit) => hit.id === fact.id),
      );
    const start = Date.parse(fact.windowStart);
    const end = Date.parse(fact.windowEnd);
    expect(statesAt(start - 1)).toEqual(['upcoming']);
    expect(statesAt(start)).toEqual(['open']);
    expect(statesAt(end - 1)).toEqual(['open']);
    expect(statesAt(end)).toEqual(['closed']);
  });

  it('paginates by the page size and reports the total', () => {
    const first = searchNoticeIndex(index, '物业', {}, 1, NOW);
    const second = searchNoticeIndex(index, '物业', {}, 2, NOW);
    expect(first.hits).toHaveLength(SEARCH_PAGE_SIZE);
    expect(first.pageCount).toBe(Math.ceil(first.total / SEARCH_PAGE_SIZE));
    expect(second.hits.map((hit) => hit.id)).not.toContain(first.hits[0]!.id);
  });

  it(`ranks by date, newest first, a query whose every token is in more than ${SCORING_BUDGET} notices`, () => {
    const broad = searchNoticeIndex(index, '服务', {}, 1, NOW);
    expect(broad.total).toBeGreaterThan(SCORING_BUDGET);
    expect(broad.rankedBy).toBe('date');
    const starts = broad.hits.map((hit) => index.facts.find((fact) => fact.id === hit.id)!.windowStart);
    expect(starts).toEqual([...starts].sort().reverse());
  });

  it('ranks by relevance a query with a rarer token, still requiring the common ones', () => {
    const ranked = searchNoticeIndex(index, '物业服务', {}, 1, NOW);
    expect(ranked.rankedBy).toBe('relevance');
    expect(ranked.hits[0]!.score).toBeGreaterThan(0);
    const withCommonOnly = searchNoticeIndex(index, '物业', {}, 1, NOW).total;
    expect(ranked.total).toBeLessThanOrEqual(withCommonOnly);
  });

  it('lists a feed newest first whatever the scores', () => {
    const newest = searchNoticeIndex(index, '物业服务', {}, 1, NOW, { order: 'newest', pageSize: 50 });
    const starts = newest.hits.map((hit) => index.facts.find((fact) => fact.id === hit.id)!.windowStart);
    expect(newest.hits).toHaveLength(50);
    expect(starts).toEqual([...starts].sort().reverse());
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
