import { toBeijingIso } from '../time/beijing.ts';
import { certificateUrl, noticeUrl } from '../site/urls.ts';
import type { CertificateSummary } from './lookup.ts';
import type { CertificateRecord } from './repository.ts';
import { statusOnDay } from './status.ts';

/** The API's view of one certificate: public registry facts only, camelCase, times with offset. */
export function certificateJson(record: CertificateRecord, today: string, siteUrl: string) {
  return {
    number: record.number,
    url: certificateUrl(siteUrl, record.number),
    status: statusOnDay(record.status, record.expiresOn, today),
    statusAsOf: today,
    holder: { name: record.holder.name, uscc: record.holder.uscc, province: record.holder.province, address: record.holder.address },
    scheme: record.scheme,
    level: record.level,
    scope: record.scope,
    sites: record.sites,
    issuer: record.body,
    firstIssuedOn: record.firstIssuedOn,
    issuedOn: record.issuedOn,
    expiresOn: record.expiresOn,
    events: record.events.map((event) => ({
      kind: event.kind,
      occurredAt: toBeijingIso(event.occurredAt),
      description: event.description,
      levelCode: event.levelCode,
      expiresOn: event.expiresOn,
      scope: event.scope,
    })),
    precedingNotice: record.precedingNotice
      ? { reference: record.precedingNotice.reference, kind: record.precedingNotice.kind, url: noticeUrl(siteUrl, record.precedingNotice.id) }
      : null,
    updatedAt: toBeijingIso(record.updatedAt),
  };
}

export function certificateSummaryJson(summary: CertificateSummary, siteUrl: string) {
  return {
    number: summary.number,
    url: certificateUrl(siteUrl, summary.number),
    status: summary.status,
    holder: { name: summary.holderName, uscc: summary.uscc },
    scheme: summary.schemeName,
    level: summary.levelName,
    expiresOn: summary.expiresOn,
  };
}
