import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { submitComment } from '../../src/lib/domain/comments/submit.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { insertComment } from './notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from './registry-fixtures.ts';
import { insertSearchableNotice, SEARCH_CORPUS } from './search-fixtures.ts';
import { startPortal, whenSearchIsReady, whenStarted, type RunningPortal } from './server.ts';

const DAY = 24 * 60 * 60_000;
/** The served portal runs on the real clock, so windows are placed around the real now. */
const around = (fromDays: number, toDays: number) => ({
  windowStart: new Date(Date.now() + fromDays * DAY).toISOString(),
  windowEnd: new Date(Date.now() + toDays * DAY).toISOString(),
});

/** Who the fixture's site says runs it, as a real deployment configures it. */
export const E2E_OPERATOR = {
  PORTAL_OPERATOR: '测试认证信息服务中心',
  PORTAL_OPERATOR_CONTACT: '电话 010-00000001，service@tcb.example.cn',
  PORTAL_ICP_FILING: '京ICP备00000000号-1',
  PORTAL_PUBLIC_SECURITY_FILING: '京公网安备11010500000001号',
};

/** The applicant of the fixture's open notice, who also holds its one certificate. */
export const HOLDER = SEARCH_CORPUS[0]!.applicant;
export const CERTIFICATE_NUMBER = 'TCB-SH-24-000555';
/** Part of HOLDER's name: it finds both the notice (search) and the certificate (lookup). */
export const NAME_PART = '西子湖畔';

export interface E2ePortal {
  baseUrl: string;
  /** The fixture's own connection: a second writer beside the portal's. */
  db: PortalDb;
  /** The fixture's body and scheme, for tests that add records of their own. */
  ground: { bodyId: number; schemeId: number };
  openNotice: number;
  closedNotice: number;
  /** Closed and decided: it shows how its comments were handled. */
  decidedNotice: number;
  /** Open, and kept for the test that closes its window while a form is on screen. */
  closingNotice: number;
  trackingNumber: string;
  /** The address the browser opens for a link the portal wrote (feeds, canonical links): one on the portal itself. */
  local: (siteAddress: string) => string;
  stop: () => Promise<void>;
}

/**
 * A real SQLite file with one notice in each state, a certificate, a published comment and
 * a receipt, served by the built portal on a free port, its search index ready.
 */
export async function startE2ePortal(): Promise<E2ePortal> {
  const test: TestDatabase = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const [open, upcoming, closed, , decided, closing] = SEARCH_CORPUS;
  const openNotice = await insertSearchableNotice(test.db, ground, { ...open!, ...around(-1, 5) });
  await insertSearchableNotice(test.db, ground, { ...upcoming!, ...around(2, 9) });
  const closedNotice = await insertSearchableNotice(test.db, ground, { ...closed!, ...around(-20, -10) });
  const decidedNotice = await insertSearchableNotice(test.db, ground, { ...decided!, ...around(-40, -30) });
  const closingNotice = await insertSearchableNotice(test.db, ground, { ...closing!, ...around(-2, 3) });

  const holder = await test.db.selectFrom('organisation').select('id').where('name', '=', HOLDER).executeTakeFirstOrThrow();
  await insertCertificate(test.db, ground, { number: CERTIFICATE_NUMBER, organisationId: holder.id });
  await insertComment(test.db, openNotice, {
    text: '售后电话多次无人接听，请核实。',
    published: 1,
    status: 'answered',
    reply: '经核查，已要求整改。',
  });
  const receipt = await submitComment(
    test.db,
    {
      noticeId: openNotice,
      kind: 'opinion',
      text: '建议公开回访记录的抽样方法。',
      name: '测试人',
      contact: '13900139000',
      organisation: null,
      consent: 'yes',
      idempotencyKey: 'e2e-fixture-receipt-0001',
      clientHash: 'e2e-fixture',
      contactHash: 'e2e-fixture',
    },
    new Date(),
  );

  let portal: RunningPortal;
  try {
    // The browser posts forms from the address it is served at: that is SITE_URL here, as on a real site.
    portal = await startPortal(test, { SITE_URL: '', ...E2E_OPERATOR });
    await whenSearchIsReady(portal.baseUrl);
  } catch (error) {
    await test.remove();
    throw error;
  }
  return {
    baseUrl: portal.baseUrl,
    db: test.db,
    ground,
    openNotice,
    closedNotice,
    decidedNotice,
    closingNotice,
    trackingNumber: receipt.trackingNumber,
    local: (siteAddress) => {
      if (!siteAddress.startsWith(`${portal.baseUrl}/`)) throw new Error(`not an address on ${portal.baseUrl}: ${siteAddress}`);
      return siteAddress;
    },
    stop: async () => {
      await portal.stop();
      await test.remove();
    },
  };
}

/** The portal of startE2ePortal for the test file: started before its tests, stopped after them. */
export function useE2ePortal(): E2ePortal {
  let portal: E2ePortal | undefined;
  beforeAll(async () => {
    portal = await startE2ePortal();
  });
  afterAll(async () => {
    await portal?.stop();
  });
  return whenStarted(() => portal, 'useE2ePortal');
}

/** Every kind of page the portal serves people (feeds and the JSON API aside). */
export const PAGE_KINDS = [
  'home',
  'certificate lookup results',
  'certificates whose surveillance is overdue',
  'certificate page',
  'unknown certificate page',
  'notice list',
  'open notice with the comment form',
  'notice-board poster',
  'closed notice',
  'decided notice with how its comments were handled',
  'comment receipt',
  'comment status lookup',
  'search results',
  'feed list',
  'about page',
  'privacy statement',
  'certification bodies',
  'certification body page',
  'API explained',
  'bulk data downloads',
  'page not found',
] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** The fixture's page of a kind: its Chinese path (inLanguage gives the English one) and the status it answers with. */
export function pageOf(portal: E2ePortal, kind: PageKind): { path: string; status: number } {
  const pages: Record<PageKind, { path: string; status?: number }> = {
    home: { path: '/' },
    'certificate lookup results': { path: `/certificates?q=${encodeURIComponent(NAME_PART)}` },
    'certificates whose surveillance is overdue': { path: '/certificates?surveillance=overdue' },
    'certificate page': { path: `/certificates/${CERTIFICATE_NUMBER}` },
    'unknown certificate page': { path: '/certificates/TCB-XX-00-000000', status: 404 },
    'notice list': { path: '/notices' },
    'open notice with the comment form': { path: `/notices/${portal.openNotice}` },
    'notice-board poster': { path: `/notices/${portal.openNotice}/poster` },
    'closed notice': { path: `/notices/${portal.closedNotice}` },
    'decided notice with how its comments were handled': { path: `/notices/${portal.decidedNotice}` },
    'comment receipt': { path: `/comments/${portal.trackingNumber}?received=1` },
    'comment status lookup': { path: '/comments' },
    'search results': { path: `/search?q=${encodeURIComponent(NAME_PART)}` },
    'feed list': { path: '/feeds' },
    'about page': { path: '/about' },
    'privacy statement': { path: '/privacy' },
    'certification bodies': { path: '/bodies' },
    'certification body page': { path: '/bodies/TCB' },
    'API explained': { path: '/api' },
    'bulk data downloads': { path: '/data' },
    'page not found': { path: '/no-such-page', status: 404 },
  };
  const { path, status = 200 } = pages[kind];
  return { path, status };
}

/** Opens a window around now, or moves it into the past, as the back office could at any moment. */
export async function placeWindow(db: PortalDb, noticeId: number, state: 'open' | 'closed'): Promise<void> {
  await db
    .updateTable('notice')
    .set(state === 'open' ? around(-2, 3) : around(-10, -1))
    .where('id', '=', noticeId)
    .execute();
}

export interface CommentEntry {
  text: string;
  name: string;
  contact: string;
  organisation: string;
}

const ENTRY: CommentEntry = {
  text: '该企业的售后服务电话经常无人接听，评价结果值得怀疑。',
  name: '赵六',
  contact: '13900139000',
  organisation: '杭州市消费者协会',
};

/** Fills every field of the comment form on the page as a person would, consent included. */
export async function fillCommentForm(page: Page, entry: Partial<CommentEntry> = {}): Promise<void> {
  const { text, name, contact, organisation } = { ...ENTRY, ...entry };
  const form = page.locator('form.comment-form');
  await form.locator('input[name="kind"][value="objection"]').check();
  await form.locator('textarea[name="text"]').fill(text);
  await form.locator('input[name="name"]').fill(name);
  await form.locator('input[name="contact"]').fill(contact);
  await form.locator('input[name="organisation"]').fill(organisation);
  await form.locator('input[name="consent"]').check();
}

/** Sends the comment form and returns the answer to its post (the page follows any redirect). */
export async function submitCommentForm(page: Page): Promise<Response> {
  const formPage = page.url();
  const [response] = await Promise.all([
    page.waitForResponse((answer) => answer.request().method() === 'POST'),
    page.locator('form.comment-form button[type="submit"]').click(),
  ]);
  // The answer is a page of its own: a receipt after a redirect, or the form's address.
  await page.waitForURL((address) => address.href !== formPage);
  return response;
}
