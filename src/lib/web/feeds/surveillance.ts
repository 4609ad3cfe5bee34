import { newestOverdueCertificates, type OverdueCertificate } from '../../domain/certificates/overdue.ts';
import type { PortalDb } from '../../db/database.ts';
import { certificateUrl, overdueSurveillanceFeedUrl, overdueSurveillanceUrl } from '../../ground/site/urls.ts';
import { addDays, beijingDate, formatBeijingDate, startOfBeijingDay } from '../../ground/time/beijing.ts';
import { FEED_SIZE, type Feed, type FeedItem } from './feed.ts';

/** A surveillance becomes overdue at a Beijing midnight: looking once an hour is soon enough. */
const OVERDUE_TTL_MINUTES = 60;

const OVERDUE_LABEL = '年度监督审核逾期';

/**
 * The certificates whose yearly surveillance audit became overdue, the most recent first:
 * each is an item from the Beijing midnight it became overdue (the day after the due date),
 * for as long as it stays overdue.
 */
export async function overdueSurveillanceFeed(db: PortalDb, siteUrl: string, now: Date): Promise<Feed> {
  const certificates = await newestOverdueCertificates(db, beijingDate(now), FEED_SIZE);
  return {
    title: '服务认证证书：年度监督审核已逾期',
    description: '距发证或上次监督审核已超过 12 个月、仍未记录年度监督审核的有效或暂停证书，最近逾期的在前。',
    link: overdueSurveillanceUrl(siteUrl),
    selfUrl: overdueSurveillanceFeedUrl(siteUrl),
    ttlMinutes: OVERDUE_TTL_MINUTES,
    items: certificates.map((certificate) => overdueItem(certificate, siteUrl)),
  };
}

function overdueItem(certificate: OverdueCertificate, siteUrl: string): FeedItem {
  const page = certificateUrl(siteUrl, certificate.number);
  const overdueFrom = addDays(certificate.surveillanceDueOn, 1);
  return {
    title: `${certificate.holderName} ${certificate.schemeName}证书${OVERDUE_LABEL}（${certificate.number}）`,
    link: page,
    // One item per missed due date: a later one, after a surveillance, is a new item.
    guid: `${page}#surveillance-overdue-${certificate.surveillanceDueOn}`,
    publishedAt: startOfBeijingDay(overdueFrom).toISOString(),
    categories: [OVERDUE_LABEL, certificate.schemeName, certificate.province],
    description: [
      `证书编号：${certificate.number}`,
      `获证组织：${certificate.holderName}（统一社会信用代码 ${certificate.uscc}，${certificate.province}）`,
      `认证类别：${certificate.schemeName}${certificate.levelName ? ` · 认证等级：${certificate.levelName}（仅在${certificate.schemeName}内有意义）` : ''}`,
      `年度监督审核应于 ${formatBeijingDate(certificate.surveillanceDueOn)} 前完成，至今未记录；自 ${formatBeijingDate(overdueFrom)} 起逾期。`,
      `证书有效期至 ${formatBeijingDate(certificate.expiresOn)}。`,
    ].join('\n'),
  };
}
