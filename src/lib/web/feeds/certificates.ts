import { EVENT_LABELS, EVENT_LABELS_EN } from '../../i18n/labels.ts';
import { newestCertificateEvents, requireCertificate, type CertificateEventSummary } from '../../domain/certificates/repository.ts';
import type { PortalDb } from '../../db/database.ts';
import { DEFAULT_LOCALE, type Locale } from '../../ground/language/locales.ts';
import { certificateFeedUrl, certificateUrl } from '../../ground/site/urls.ts';
import { formatBeijingDateTime } from '../../ground/time/beijing.ts';
import { FEED_SIZE, shorten, type Feed, type FeedItem } from './feed.ts';

/** One certificate changes a few times a year: an hour is soon enough. */
const CERTIFICATE_TTL_MINUTES = 60;

/** Everything that happened to one certificate by `now`: to watch a company. Unknown numbers are not_found. */
export async function certificateFeed(db: PortalDb, number: string, siteUrl: string, now: Date): Promise<Feed> {
  const certificate = await requireCertificate(db, number);
  const events = await newestCertificateEvents(db, { certificateId: certificate.id }, now, FEED_SIZE);
  return {
    title: `证书 ${certificate.number}：${certificate.holder.name} ${certificate.scheme.name}`,
    description: `${certificate.holder.name}的${certificate.scheme.name}证书（${certificate.number}）的记录：颁发、监督审核、暂停、恢复、撤销、注销和各项变更，最新的在前。`,
    link: certificateUrl(siteUrl, certificate.number),
    selfUrl: certificateFeedUrl(siteUrl, certificate.number),
    ttlMinutes: CERTIFICATE_TTL_MINUTES,
    items: events.map((event) => certificateEventItem(event, siteUrl)),
  };
}

/**
 * One event, told the same in the certificate's feed and in the decisions feed (same guid).
 * The feeds are Chinese; `locale` changes the title only, for the home page's list.
 */
export function certificateEventItem(event: CertificateEventSummary, siteUrl: string, locale: Locale = DEFAULT_LOCALE): FeedItem {
  const { certificate } = event;
  const page = certificateUrl(siteUrl, certificate.number);
  return {
    title:
      locale === DEFAULT_LOCALE
        ? `${certificate.holderName} ${certificate.schemeName}证书${EVENT_LABELS[event.kind]}（${certificate.number}）`
        : `${certificate.holderName} ${certificate.schemeName}: certificate ${EVENT_LABELS_EN[event.kind].toLowerCase()} (${certificate.number})`,
    link: page,
    guid: `${page}#event-${event.id}`,
    publishedAt: event.occurredAt,
    categories: [EVENT_LABELS[event.kind], certificate.schemeName, certificate.province],
    outcome: { kind: event.kind, certificateNumber: certificate.number },
    description: [
      `证书编号：${certificate.number}`,
      `获证组织：${certificate.holderName}（统一社会信用代码 ${certificate.uscc}，${certificate.province}）`,
      `认证类别：${certificate.schemeName}`,
      `${EVENT_LABELS[event.kind]}时间：${formatBeijingDateTime(event.occurredAt)}`,
      `认证机构说明：${shorten(event.description, 200)}`,
    ].join('\n'),
  };
}
