import type { CertificateEventKind } from '../../db/registry.table.ts';
import type { PortalDb } from '../../db/database.ts';
import { DEFAULT_LOCALE, type Locale } from '../../ground/language/locales.ts';
import { newestCertificateEvents } from '../../domain/certificates/repository.ts';
import { NOTICE_DECISION_LABELS, NOTICE_DECISION_LABELS_EN, NOTICE_KIND_LABELS, NOTICE_KIND_LABELS_EN } from '../../domain/notices/labels.ts';
import { newestDecisions, type NoticeDecision } from '../../domain/notices/repository.ts';
import { decisionsFeedUrl, noticeUrl } from '../../ground/site/urls.ts';
import { formatBeijingDateTime } from '../../ground/time/beijing.ts';
import { certificateEventItem } from './certificates.ts';
import { FEED_SIZE, newestFirst, type Feed, type FeedItem } from './feed.ts';
import { whoAndWhat } from './notices.ts';

/** The events that change whether a certificate can be relied on: what the public is told of. */
export const DECISION_EVENT_KINDS: readonly CertificateEventKind[] = ['issued', 'suspended', 'restored', 'withdrawn', 'cancelled'];

/** Suspensions and withdrawals are news: readers look every 15 minutes. */
const DECISIONS_TTL_MINUTES = 15;

/**
 * Certification decisions and the certificate events that matter to the public, newest first,
 * none after `now`. The feed is Chinese; `locale` changes the item titles only, and `size`
 * the number of items, for the home page, which lists the newest few in its own language.
 */
export async function decisionsFeed(db: PortalDb, siteUrl: string, now: Date, locale: Locale = DEFAULT_LOCALE, size = FEED_SIZE): Promise<Feed> {
  const [decisions, events] = await Promise.all([
    newestDecisions(db, now, size),
    newestCertificateEvents(db, { kinds: DECISION_EVENT_KINDS }, now, size),
  ]);
  const items = [
    ...decisions.map((decision) => decisionItem(decision, siteUrl, locale)),
    ...events.map((event) => certificateEventItem(event, siteUrl, locale)),
  ];
  return {
    title: '服务认证决定与证书动态',
    description: '认证机构的认证决定（予以认证、不予认证），以及证书的颁发、暂停、恢复、撤销和注销，最新的在前。',
    link: `${siteUrl}/certificates`,
    selfUrl: decisionsFeedUrl(siteUrl),
    ttlMinutes: DECISIONS_TTL_MINUTES,
    items: items.sort(newestFirst).slice(0, size),
  };
}

export function decisionItem(decision: NoticeDecision, siteUrl: string, locale: Locale): FeedItem {
  const page = noticeUrl(siteUrl, decision.id);
  const outcome = NOTICE_DECISION_LABELS[decision.decision];
  const kind = NOTICE_KIND_LABELS[decision.kind];
  return {
    title:
      locale === DEFAULT_LOCALE
        ? `${decision.applicant.name} ${decision.scheme.name}${kind}：${outcome}`
        : `${decision.applicant.name} ${decision.scheme.name}, ${NOTICE_KIND_LABELS_EN[decision.kind].toLowerCase()}: ${NOTICE_DECISION_LABELS_EN[decision.decision].toLowerCase()}`,
    link: page,
    // The notice itself is in the notice feed under its address; its decision is another item.
    guid: `${page}#decision`,
    publishedAt: decision.decidedAt,
    updatedAt: decision.updatedAt,
    categories: [outcome, kind, decision.scheme.name, decision.applicant.province, decision.body.name],
    outcome: { kind: decision.decision, certificateNumber: decision.certificateNumber },
    description: [
      ...whoAndWhat(decision),
      `认证决定：${outcome}（${formatBeijingDateTime(decision.decidedAt)}）`,
      ...(decision.certificateNumber ? [`证书编号：${decision.certificateNumber}`] : []),
      `公示编号：${decision.reference}`,
    ].join('\n'),
  };
}
