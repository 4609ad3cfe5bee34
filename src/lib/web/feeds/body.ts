import { requireBody } from '../../domain/bodies/repository.ts';
import type { PortalDb } from '../../db/database.ts';
import { newestDecisions } from '../../domain/notices/repository.ts';
import { bodyFeedUrl, bodyUrl } from '../../ground/site/urls.ts';
import { decisionItem } from './decisions.ts';
import { DEFAULT_LOCALE } from '../../ground/language/locales.ts';
import { FEED_SIZE, newestFirst, type Feed } from './feed.ts';
import { noticesFeed } from './notices.ts';

/** One certification body's notices, withdrawals and decisions, newest first: to follow a body. */
export async function bodyFeed(db: PortalDb, code: string, siteUrl: string, now: Date): Promise<Feed> {
  const body = await requireBody(db, code);
  const [notices, decisions] = await Promise.all([
    noticesFeed(db, { body: code }, siteUrl, now),
    newestDecisions(db, now, FEED_SIZE, { body: code }),
  ]);
  return {
    title: `认证机构动态：${body.name}`,
    description: `${body.name}（批准号 ${body.approvalNumber}）发布的服务认证公示、公示撤回和认证决定，最新的在前。`,
    link: bodyUrl(siteUrl, code),
    selfUrl: bodyFeedUrl(siteUrl, code),
    ttlMinutes: notices.ttlMinutes,
    items: [...notices.items, ...decisions.map((decision) => decisionItem(decision, siteUrl, DEFAULT_LOCALE))].sort(newestFirst).slice(0, FEED_SIZE),
  };
}
