import type { PortalDb } from '../../db/database.ts';
import { DomainError } from '../../ground/errors.ts';
import { newestNotices } from '../../domain/notices/repository.ts';
import { isSearchable } from '../../domain/search/notice-index.ts';
import { searchNotRunning, type NoticeSearchService } from '../../domain/search/service.ts';
import { searchFeedUrl, searchUrl } from '../../ground/site/urls.ts';
import { normaliseInput, shownBack } from '../../ground/text/normalise.ts';
import { FEED_SIZE, type Feed } from './feed.ts';
import { noticeItem, NOTICES_TTL_MINUTES } from './notices.ts';

/** Any search as a feed: the newest notices that match it. */
export async function searchFeed(
  db: PortalDb,
  noticeSearch: NoticeSearchService | null,
  rawQuery: string,
  siteUrl: string,
  now: Date,
): Promise<Feed> {
  const query = normaliseInput(rawQuery);
  if (!isSearchable(query)) {
    throw new DomainError('invalid_input', 'invalid_query', { problem: 'not_searchable' });
  }
  if (!noticeSearch) throw searchNotRunning();
  const { hits } = await noticeSearch.search(query, {}, 1, now, { order: 'newest', pageSize: FEED_SIZE });
  const notices = await newestNotices(
    db,
    {},
    now,
    FEED_SIZE,
    hits.map((hit) => hit.id),
  );
  return {
    title: `服务认证公示搜索：${shownBack(query)}`,
    description: `与“${shownBack(query)}”相符的服务认证公示，最新的在前。`,
    link: searchUrl(siteUrl, query),
    selfUrl: searchFeedUrl(siteUrl, query),
    ttlMinutes: NOTICES_TTL_MINUTES,
    items: notices.map((notice) => noticeItem(notice, siteUrl)),
  };
}
