/** Absolute addresses on the portal's public site (SITE_URL), used in QR codes, APIs and feeds. */
export function certificateUrl(siteUrl: string, number: string): string {
  return `${siteUrl}/certificates/${encodeURIComponent(number)}`;
}

export function noticeUrl(siteUrl: string, noticeId: number): string {
  return `${siteUrl}/notices/${noticeId}`;
}

/** The notice's comment form: what the poster's QR code opens. */
export function noticeCommentFormUrl(siteUrl: string, noticeId: number): string {
  return `${noticeUrl(siteUrl, noticeId)}#comment-form`;
}

/** The A4 notice for the applicant's notice board: one stable address per notice, for printing in bulk. */
export function noticePosterUrl(siteUrl: string, noticeId: number): string {
  return `${noticeUrl(siteUrl, noticeId)}/poster`;
}

/** The image of a certificate's status today, for its holder's website. */
export function certificateBadgeUrl(siteUrl: string, number: string): string {
  return `${certificateUrl(siteUrl, number)}/badge.svg`;
}

/** The lookup narrowed to certificates whose yearly surveillance is overdue. */
export function overdueSurveillanceUrl(siteUrl: string): string {
  return `${siteUrl}/certificates?surveillance=overdue`;
}

export function overdueSurveillanceFeedUrl(siteUrl: string): string {
  return `${siteUrl}/feeds/surveillance-overdue.xml`;
}

/** What a notice feed follows (the notice list's kind, scheme, province and body filters). */
export interface NoticeFeedAddressFilters {
  kind?: string;
  scheme?: string;
  province?: string;
  body?: string;
}

/** The filters of a notice feed, always in this order so that one set of filters has one address. */
const NOTICE_FEED_FILTERS = ['kind', 'scheme', 'province', 'body'] as const satisfies readonly (keyof NoticeFeedAddressFilters)[];

function withNoticeFeedFilters(address: string, filters: NoticeFeedAddressFilters): string {
  const query = new URLSearchParams();
  for (const name of NOTICE_FEED_FILTERS) {
    const value = filters[name];
    if (value) query.set(name, value);
  }
  const text = query.toString();
  return text === '' ? address : `${address}?${text}`;
}

/** The notice list with a feed's filters: the page a notice feed follows. */
export function noticeListUrl(siteUrl: string, filters: NoticeFeedAddressFilters = {}): string {
  return withNoticeFeedFilters(`${siteUrl}/notices`, filters);
}

export function noticesFeedUrl(siteUrl: string, filters: NoticeFeedAddressFilters = {}): string {
  return withNoticeFeedFilters(`${siteUrl}/feeds/notices.xml`, filters);
}

/** Everything of one notice: its publication, published comments and answers, withdrawal, decision and certificate. */
export function noticeFeedUrl(siteUrl: string, noticeId: number): string {
  return `${siteUrl}/feeds/notices/${noticeId}.xml`;
}

/** Deadlines as a calendar: the open and upcoming notices matching the list's filters. */
export function noticesCalendarUrl(siteUrl: string, filters: NoticeFeedAddressFilters = {}): string {
  return withNoticeFeedFilters(`${siteUrl}/notices.ics`, filters);
}

export function noticeCalendarUrl(siteUrl: string, noticeId: number): string {
  return `${noticeUrl(siteUrl, noticeId)}.ics`;
}

export function bodyUrl(siteUrl: string, code: string): string {
  return `${siteUrl}/bodies/${encodeURIComponent(code)}`;
}

/** A body's notices, withdrawals and decisions. */
export function bodyFeedUrl(siteUrl: string, code: string): string {
  return `${siteUrl}/feeds/bodies/${encodeURIComponent(code)}.xml`;
}

/** A bulk file of /data, by its name (certificates.csv.gz). */
export function openDataFileUrl(siteUrl: string, name: string): string {
  return `${siteUrl}/data/${name}`;
}

export function openDataListUrl(siteUrl: string): string {
  return `${siteUrl}/data.json`;
}

export function decisionsFeedUrl(siteUrl: string): string {
  return `${siteUrl}/feeds/decisions.xml`;
}

export function certificateFeedUrl(siteUrl: string, number: string): string {
  return `${siteUrl}/feeds/certificates/${encodeURIComponent(number)}.xml`;
}

/** The search page for a query: the page a search feed follows. */
export function searchUrl(siteUrl: string, query: string): string {
  return `${siteUrl}/search?q=${encodeURIComponent(query)}`;
}

export function searchFeedUrl(siteUrl: string, query: string): string {
  return `${siteUrl}/feeds/search.xml?q=${encodeURIComponent(query)}`;
}

/**
 * An address from the registry's data (a body's website) as a link target, if it is one a
 * browser should follow: http or https only, never javascript:, data: or the like.
 */
export function webLink(address: string | null): string | null {
  if (!address || !URL.canParse(address)) return null;
  return ['http:', 'https:'].includes(new URL(address).protocol) ? address : null;
}

/** 全国认证认可信息公共服务平台: the regulator's national platform, where certificates and bodies' approvals can be cross-checked. */
export const REGULATOR_PLATFORM_URL = 'http://cx.cnca.cn/';

/** 全国12315平台: the market regulator's consumer complaints and reports (also telephone 12315). */
export const CONSUMER_COMPLAINTS_URL = 'https://www.12315.cn/';

/** ICP filings are looked up at the ministry's filing system. */
export const ICP_FILING_URL = 'https://beian.miit.gov.cn/';

/** A public security filing's own record page, from the 14-digit record number in it. */
export function publicSecurityFilingUrl(filing: string): string {
  const recordCode = /\d{14}/.exec(filing)?.[0] ?? '';
  return `https://beian.mps.gov.cn/#/query/webSearch?code=${recordCode}`;
}
