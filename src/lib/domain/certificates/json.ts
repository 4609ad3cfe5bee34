import { noticeState } from '../notices/state.ts';
import { toBeijingIso } from '../../ground/time/beijing.ts';
import { certificateBadgeUrl, certificateUrl, noticeUrl } from '../../ground/site/urls.ts';
import type { CertificateNotice } from './life.ts';
import type { CertificateSummary } from './lookup.ts';
import type { OverdueLookup } from './overdue.ts';
import type { CertificateDetails, RegisteredCertificate } from './repository.ts';
import { statusOnDay } from './status.ts';
import { recertificationAsOf, surveillanceAsOf } from './surveillance.ts';

/**
 * A certificate as registered: public registry facts only, camelCase, times with offset.
 * Nothing here depends on the day it is read, so it changes exactly when updatedAt moves:
 * what incremental sync lists (registeredStatus is the body's; an expiry is the reader's to see).
 */
export function certificateRecordJson(record: RegisteredCertificate, siteUrl: string) {
  return {
    number: record.number,
    url: certificateUrl(siteUrl, record.number),
    registeredStatus: record.status,
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
    badgeUrl: certificateBadgeUrl(siteUrl, record.number),
    updatedAt: toBeijingIso(record.updatedAt),
  };
}

/**
 * The API's view of one certificate: the record, and its status, surveillance,
 * re-certification and notices as of the request's `now` (Beijing `today`).
 */
export function certificateJson(record: CertificateDetails, today: string, siteUrl: string, life: { notices: CertificateNotice[]; now: Date }) {
  const recertification = recertificationAsOf(record, life.notices, today);
  return {
    ...certificateRecordJson(record, siteUrl),
    status: statusOnDay(record.status, record.expiresOn, today),
    statusAsOf: today,
    surveillance: surveillanceAsOf(record, today),
    recertification: {
      due: recertification.due,
      notice: recertification.notice ? { reference: recertification.notice.reference, url: noticeUrl(siteUrl, recertification.notice.id) } : null,
    },
    precedingNotice: record.precedingNotice
      ? { reference: record.precedingNotice.reference, kind: record.precedingNotice.kind, url: noticeUrl(siteUrl, record.precedingNotice.id) }
      : null,
    notices: life.notices.map((notice) => ({
      reference: notice.reference,
      kind: notice.kind,
      url: noticeUrl(siteUrl, notice.id),
      state: noticeState(notice, life.now),
      windowStart: toBeijingIso(notice.windowStart),
      windowEnd: toBeijingIso(notice.windowEnd),
      commentCount: notice.commentCount,
      objectionCount: notice.objectionCount,
      decision: notice.decision,
      decidedAt: notice.decidedAt ? toBeijingIso(notice.decidedAt) : null,
    })),
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

/** The lookup narrowed to overdue surveillance: each line says by when the missing surveillance was due. */
export function overdueLookupJson(lookup: OverdueLookup, siteUrl: string) {
  return {
    query: lookup.query,
    surveillance: 'overdue',
    total: lookup.total,
    page: lookup.page,
    pageCount: lookup.pageCount,
    items: lookup.items.map((item) => ({ ...certificateSummaryJson(item, siteUrl), surveillanceDueOn: item.surveillanceDueOn })),
  };
}
