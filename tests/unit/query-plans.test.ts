import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { findNearMatches, lookupCertificates } from '../../src/lib/domain/certificates/lookup.ts';
import { certificatesChangedAfter, findCertificateByNumber } from '../../src/lib/domain/certificates/repository.ts';
import { verifyCertificates } from '../../src/lib/domain/certificates/verify.ts';
import { submitComment } from '../../src/lib/domain/comments/submit.ts';
import { findCommentByTrackingNumber } from '../../src/lib/domain/comments/tracking.ts';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { certificateFeed } from '../../src/lib/web/feeds/certificates.ts';
import { decisionsFeed } from '../../src/lib/web/feeds/decisions.ts';
import { noticesFeed } from '../../src/lib/web/feeds/notices.ts';
import { bodyFeed } from '../../src/lib/web/feeds/body.ts';
import { noticesCalendar } from '../../src/lib/web/calendar/notices.ts';
import { noticeHistoryFeed } from '../../src/lib/web/feeds/notice.ts';
import { certificateCountsOfBody, schemesOfBody } from '../../src/lib/domain/bodies/repository.ts';
import {
  findNotice,
  findNoticesWithText,
  listNotices,
  NOTICE_PAGE_SIZE,
  noticeFilterOptions,
  noticesChangedAfter,
} from '../../src/lib/domain/notices/repository.ts';
import { CHANGES_PAGE_SIZE } from '../../src/lib/domain/sync/changes.ts';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/database.ts';
import { observedDatabase, type ObservedDatabase } from '../support/query-plans.ts';

/**
 * Every query of every kind of page, checked on the real schema: none may read a large table
 * (certificates, notices, comments, organisations, events) from end to end. The plans are
 * the database's own: SQLite's EXPLAIN QUERY PLAN, which without ANALYZE statistics does not
 * depend on the number of rows, so the demo data set shows the plans of the national one;
 * PostgreSQL's EXPLAIN with sequential scans priced out (tests/support/query-plans.ts).
 */
const NOW = new Date('2026-11-26T04:00:00Z');
const TODAY = '2026-11-26';
const SITE = 'https://portal.example.cn';

let test: TestDatabase;
let observed: ObservedDatabase;
const sample = {
  number: '',
  uscc: '',
  holderName: '',
  noticeId: 0,
  trackingNumber: '',
  province: '',
  scheme: '',
  openNoticeId: 0,
  bodyId: 0,
  bodyCode: '',
};

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoData(test.db, { certificates: 400, notices: 120, seed: 20261126, now: NOW });
  const certificate = await test.db
    .selectFrom('certificate')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .select(['certificate.number', 'organisation.uscc', 'organisation.name'])
    .orderBy('certificate.id')
    .executeTakeFirstOrThrow();
  const comment = await test.db
    .selectFrom('comment')
    .innerJoin('notice', 'notice.id', 'comment.noticeId')
    .innerJoin('scheme', 'scheme.id', 'notice.schemeId')
    .select(['comment.trackingNumber', 'notice.id', 'notice.province', 'scheme.code'])
    .orderBy('comment.id')
    .executeTakeFirstOrThrow();
  const open = await listNotices(test.db, { state: 'open' }, 1, NOW);
  const body = await test.db.selectFrom('certificationBody').select(['id', 'code']).orderBy('id').executeTakeFirstOrThrow();
  Object.assign(sample, {
    number: certificate.number,
    uscc: certificate.uscc,
    holderName: certificate.name,
    noticeId: comment.id,
    trackingNumber: comment.trackingNumber,
    province: comment.province,
    scheme: comment.code,
    openNoticeId: open.items[0]!.id,
    bodyId: body.id,
    bodyCode: body.code,
  });
  observed = observedDatabase(test);
});

afterAll(async () => {
  await observed?.close();
  await test?.remove();
});

/** Runs what a page does on the observed connection, and returns its statements with their scans. */
async function statementsOf(page: (db: PortalDb) => Promise<unknown>) {
  await observed.scansSinceLastLook();
  await page(observed.db);
  return observed.scansSinceLastLook();
}

const deepPage = Math.floor(2000 / NOTICE_PAGE_SIZE);

const PAGES: [string, (db: PortalDb) => Promise<unknown>][] = [
  ['home', (db) => Promise.all([listNotices(db, { state: 'open' }, 1, NOW), decisionsFeed(db, SITE, NOW)])],
  ['/notices', (db) => Promise.all([listNotices(db, {}, 1, NOW), noticeFilterOptions(db)])],
  ['/notices, a deep page', (db) => listNotices(db, {}, deepPage, NOW)],
  ['/notices?state=closed, a deep page', (db) => listNotices(db, { state: 'closed' }, deepPage, NOW)],
  ['/notices?state=upcoming', (db) => listNotices(db, { state: 'upcoming' }, 1, NOW)],
  ['/notices?province=', (db) => listNotices(db, { province: sample.province }, 2, NOW)],
  ['/notices?province=&state=closed&year=', (db) => listNotices(db, { province: sample.province, state: 'closed', year: 2025 }, 1, NOW)],
  ['/notices?kind=&scheme=', (db) => listNotices(db, { kind: 'surveillance', scheme: sample.scheme }, 1, NOW)],
  ['/notices?year=', (db) => listNotices(db, { year: 2025 }, 3, NOW)],
  ['/feeds/notices.xml', (db) => noticesFeed(db, {}, SITE, NOW)],
  [
    '/feeds/notices.xml?province=&kind=&scheme=',
    (db) => noticesFeed(db, { province: sample.province, kind: 'initial', scheme: sample.scheme }, SITE, NOW),
  ],
  ['/feeds/decisions.xml', (db) => decisionsFeed(db, SITE, NOW)],
  ['/notices.ics', (db) => noticesCalendar(db, {}, SITE, NOW)],
  ['/notices.ics?province=', (db) => noticesCalendar(db, { province: sample.province }, SITE, NOW)],
  ['/feeds/notices.xml?body=', (db) => noticesFeed(db, { body: sample.bodyCode }, SITE, NOW)],
  ['/feeds/notices/{id}.xml', (db) => noticeHistoryFeed(db, String(sample.noticeId), SITE, NOW)],
  ['/feeds/bodies/{code}.xml', (db) => bodyFeed(db, sample.bodyCode, SITE, NOW)],
  [
    '/bodies/{code}',
    (db) =>
      Promise.all([
        certificateCountsOfBody(db, sample.bodyId, TODAY),
        schemesOfBody(db, sample.bodyId),
        listNotices(db, { body: sample.bodyCode }, 1, NOW),
      ]),
  ],
  ['/notices?body=&state=closed, a deep page', (db) => listNotices(db, { body: sample.bodyCode, state: 'closed' }, deepPage, NOW)],
  ['/certificates?body=, page 3', (db) => lookupCertificates(db, '', 3, TODAY, { body: sample.bodyCode })],
  ['/certificates?status=valid, page 2', (db) => lookupCertificates(db, '', 2, TODAY, { status: 'valid' })],
  ['/certificates?status=expired&province=', (db) => lookupCertificates(db, '', 1, TODAY, { status: 'expired', province: sample.province })],
  [
    '/certificates?scheme=&province=, a deep page',
    (db) => lookupCertificates(db, '', 40, TODAY, { scheme: sample.scheme, province: sample.province }),
  ],
  ['/certificates?body=&status=suspended', (db) => lookupCertificates(db, '', 1, TODAY, { body: sample.bodyCode, status: 'suspended' })],
  ['/certificates?q= a name&body=&status=', (db) => lookupCertificates(db, '有限公司', 2, TODAY, { body: sample.bodyCode, status: 'valid' })],
  ['/certificates?q= a USCC&scheme=', (db) => lookupCertificates(db, sample.uscc, 1, TODAY, { scheme: sample.scheme })],
  ['/feeds/certificates/{number}.xml', (db) => certificateFeed(db, sample.number, SITE, NOW)],
  ['/certificates?q= a number', (db) => lookupCertificates(db, sample.number.toLowerCase(), 1, TODAY)],
  ['/certificates?q= a USCC', (db) => lookupCertificates(db, sample.uscc, 1, TODAY)],
  ['/certificates?q= two characters of a name', (db) => lookupCertificates(db, Array.from(sample.holderName).slice(2, 4).join(''), 1, TODAY)],
  ['/certificates?q= 有限公司, page 3', (db) => lookupCertificates(db, '有限公司', 3, TODAY)],
  ['/certificates/{number}', (db) => findCertificateByNumber(db, sample.number)],
  ['/certificates/{number} not registered', (db) => findNearMatches(db, `${sample.number.slice(0, -1)}9`, TODAY)],
  ['/notices/{id}', (db) => findNotice(db, sample.noticeId)],
  ['/search (the notices found)', (db) => findNoticesWithText(db, [sample.noticeId, 1, 2], NOW)],
  [
    '/api/v1/certificates?updatedSince=',
    (db) => certificatesChangedAfter(db, { updatedAt: '2000-01-01T00:00:00.000Z', id: 0 }, CHANGES_PAGE_SIZE + 1),
  ],
  ['/api/v1/certificates?cursor=', (db) => certificatesChangedAfter(db, { updatedAt: NOW.toISOString(), id: 5 }, CHANGES_PAGE_SIZE + 1)],
  ['/api/v1/notices?updatedSince=', (db) => noticesChangedAfter(db, { updatedAt: '2000-01-01T00:00:00.000Z', id: 0 }, CHANGES_PAGE_SIZE + 1)],
  ['/api/v1/notices?cursor=', (db) => noticesChangedAfter(db, { updatedAt: NOW.toISOString(), id: 5 }, CHANGES_PAGE_SIZE + 1)],
  ['/api/v1/certificates/verify', (db) => verifyCertificates(db, [sample.number, 'NO-SUCH-1'], TODAY)],
  ['/comments/{tracking}', (db) => findCommentByTrackingNumber(db, sample.trackingNumber)],
  [
    'POST /notices/{id}/comments',
    (db) =>
      submitComment(
        db,
        {
          noticeId: sample.openNoticeId,
          clientHash: 'query-plan-test',
          contactHash: 'query-plan-test',
          kind: 'opinion',
          text: '意见',
          name: '测试',
          contact: 'test@example.cn',
          organisation: null,
          consent: 'on',
          idempotencyKey: 'query-plan-test',
        },
        NOW,
      ),
  ],
];

describe('query plans at the size of a national registry', () => {
  it.each(PAGES)('%s reads no large table whole', async (_, page) => {
    const statements = await statementsOf(page);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(statement.scans, statement.sql).toEqual([]);
  });

  it('sees a scan when there is one', async () => {
    const [statement] = await statementsOf((db) => db.selectFrom('notice').select('id').where('scope', 'like', '%物业%').execute());
    expect(statement!.scans).toEqual([TEST_DIALECT === 'sqlite' ? 'SCAN notice' : 'Seq Scan on notice']);
  });
});
