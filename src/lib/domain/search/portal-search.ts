import { lookupCertificates, normalisedQuery, type LookupResult } from '../certificates/lookup.ts';
import type { PortalDb } from '../../db/database.ts';
import { DomainError } from '../../ground/errors.ts';
import { findNoticesWithText, type NoticeWithText } from '../notices/repository.ts';
import { isSearchable, type FacetCounts, type NoticeSearchFilters, type NoticeSearchPage } from './notice-index.ts';
import { searchNotRunning, type NoticeSearchService } from './service.ts';
import { hasMatch, highlightTerms, snippet, type SnippetPart } from './snippet.ts';

export interface NoticeHit extends NoticeWithText {
  score: number;
  snippet: SnippetPart[];
}

export interface PortalSearchResult {
  query: string;
  notices:
    | { ok: true; total: number; rankedBy: NoticeSearchPage['rankedBy']; page: number; pageCount: number; items: NoticeHit[]; facets: FacetCounts }
    | { ok: false; error: DomainError };
  certificates: { ok: true; lookup: LookupResult } | { ok: false; error: DomainError };
}

/**
 * One box, both questions: notices in full text (ranked, with snippets and facets) and
 * certificates from the registry lookup. Each half fails on its own: a mistyped USCC or an
 * index still warming up does not hide the other half.
 */
export async function searchPortal(
  db: PortalDb,
  noticeSearch: NoticeSearchService | null,
  rawQuery: string,
  filters: NoticeSearchFilters,
  page: number,
  now: Date,
  today: string,
): Promise<PortalSearchResult> {
  const query = normalisedQuery(rawQuery);
  const [notices, certificates] = await Promise.all([
    searchNotices(db, noticeSearch, query, filters, page, now),
    lookupCertificates(db, query, 1, today).then(
      (lookup) => ({ ok: true, lookup }) as const,
      (error: unknown) => {
        if (error instanceof DomainError) return { ok: false, error } as const;
        throw error;
      },
    ),
  ]);
  return { query, notices, certificates };
}

async function searchNotices(
  db: PortalDb,
  noticeSearch: NoticeSearchService | null,
  query: string,
  filters: NoticeSearchFilters,
  page: number,
  now: Date,
): Promise<PortalSearchResult['notices']> {
  if (!isSearchable(query)) {
    return {
      ok: true,
      total: 0,
      rankedBy: 'relevance',
      page,
      pageCount: 0,
      items: [],
      facets: { state: [], kind: [], scheme: [], province: [], year: [] },
    };
  }
  if (!noticeSearch) {
    return { ok: false, error: searchNotRunning() };
  }
  let found: NoticeSearchPage;
  try {
    found = await noticeSearch.search(query, filters, page, now);
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
  const notices = await findNoticesWithText(
    db,
    found.hits.map((hit) => hit.id),
    now,
  );
  const terms = highlightTerms(query);
  const scores = new Map(found.hits.map((hit) => [hit.id, hit.score]));
  const items = notices.map((notice) => {
    const candidates = [notice.evaluationSummary, notice.scope, notice.title].map((text) => snippet(text, terms));
    return { ...notice, score: scores.get(notice.id) ?? 0, snippet: candidates.find(hasMatch) ?? candidates[0]! };
  });
  return { ok: true, total: found.total, rankedBy: found.rankedBy, page: found.page, pageCount: found.pageCount, items, facets: found.facets };
}
