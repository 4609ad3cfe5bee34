import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { CHANGES_PAGE_SIZE } from '../../src/lib/domain/sync/changes.ts';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { testUscc } from '../support/notice-fixtures.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

/**
 * The API for programs on the real server: incremental sync (updatedSince and its cursor)
 * and the per-client limit. The portal trusts one proxy, so each part of this file is its own
 * client (X-Forwarded-For) and the low limit set here (API_RATE a minute) binds only the part
 * that tests it.
 */
const API_RATE = 40;
const CERTIFICATES = CHANGES_PAGE_SIZE + 30;
const LONG_AGO = '2026-01-01T00:00:00.000Z';

let noticeId: number;

const portal = usePortal(
  async (test) => {
    const ground = await insertBodyAndScheme(test.db);
    const holder = await insertOrganisation(test.db, '杭州湖滨家电售后服务有限公司', testUscc('MA7000100'));
    for (let i = 1; i <= CERTIFICATES; i++) {
      await insertCertificate(test.db, ground, { number: `TCB-SYNC-${String(i).padStart(4, '0')}`, organisationId: holder });
    }
    noticeId = await insertNotice(test.db, ground, {
      organisationId: holder,
      windowStart: '2026-03-01T00:00:00.000Z',
      windowEnd: '2026-03-11T00:00:00.000Z',
      reference: 'GS-SYNC-1',
    });
    // All changed at one instant long ago but the last ten, a second apart: the cursor must part ties by id.
    await sql`update certificate set updated_at = ${LONG_AGO}`.execute(test.db);
    await sql`update certificate set updated_at = '2026-01-02T00:00:' || substr('0' || (id % 10), -2) || '.000Z' where id > ${CERTIFICATES - 10}`.execute(
      test.db,
    );
    await sql`update notice set updated_at = ${LONG_AGO}`.execute(test.db);
  },
  { TRUST_PROXY: '1', PORTAL_API_RATE: String(API_RATE) },
);

const client = (address: string) => async (path: string) => {
  const response = await portal.get(path, { headers: { 'x-forwarded-for': address } });
  return { response, body: (await response.json()) as any };
};

interface SyncPage<Item> {
  items: Item[];
  next: string | null;
  nextUrl: string | null;
  resumeSince: string | null;
}

/** Every page of a listing, following nextUrl to the end. */
async function readAll<Item>(ask: ReturnType<typeof client>, first: string): Promise<{ items: Item[]; pages: SyncPage<Item>[] }> {
  const pages: SyncPage<Item>[] = [];
  for (let path: string | null = first; path; ) {
    const { response, body } = await ask(path);
    expect(response.status, JSON.stringify(body)).toBe(200);
    pages.push(body);
    path = body.nextUrl;
  }
  return { items: pages.flatMap((page) => page.items), pages };
}

describe('incremental sync', () => {
  const ask = client('198.51.100.1');

  it('lists every certificate once, in (updatedAt, id) order, a page at a time with a cursor', async () => {
    const { items, pages } = await readAll<{ number: string; updatedAt: string; registeredStatus: string; events: unknown[] }>(
      ask,
      '/api/v1/certificates?updatedSince=2025-12-31T00:00:00Z',
    );
    expect(pages.map((page) => page.items.length)).toEqual([CHANGES_PAGE_SIZE, CERTIFICATES - CHANGES_PAGE_SIZE]);
    expect(pages[0]!.next).toMatch(/^[\w-]+$/);
    expect(pages[0]!.nextUrl).toBe(`${SITE_URL}/api/v1/certificates?cursor=${pages[0]!.next}`);
    expect(pages[0]!.resumeSince).toBeNull();
    expect(pages[1]!.next).toBeNull();
    const numbers = items.map((item) => item.number);
    expect(new Set(numbers).size).toBe(CERTIFICATES);
    const stamps = items.map((item) => Date.parse(item.updatedAt));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    // The ties at LONG_AGO come in the order they were registered.
    const tied = items.filter((item) => Date.parse(item.updatedAt) === Date.parse(LONG_AGO)).map((item) => item.number);
    expect(tied).toEqual([...tied].sort());
    expect(items[0]).toMatchObject({ registeredStatus: 'valid', events: [expect.objectContaining({ kind: 'issued' })] });
    // Nothing changed in the last minutes: the next sync starts at the newest change read.
    expect(Date.parse(pages[1]!.resumeSince!)).toBe(Math.max(...stamps));
  });

  it('from resumeSince gives what changed since, however it was written', async () => {
    const { body: start } = await ask('/api/v1/certificates?updatedSince=2026-01-01T08:00:00%2B08:00');
    const resumeSince = start.resumeSince ?? (await readAll(ask, start.nextUrl)).pages.at(-1)!.resumeSince;
    await sql`update certificate set status = 'suspended' where number = 'TCB-SYNC-0007'`.execute(portal.test.db);
    const { items } = await readAll<{ number: string; registeredStatus: string }>(
      ask,
      `/api/v1/certificates?updatedSince=${encodeURIComponent(resumeSince)}`,
    );
    expect(items.find((item) => item.number === 'TCB-SYNC-0007')).toMatchObject({ registeredStatus: 'suspended' });
    // The one changed, and the few at the instant resumed from (a listing includes its start).
    expect(items.length).toBeLessThanOrEqual(2);
  });

  it('lists a notice withdrawn by the back office, with what it states', async () => {
    const { pages } = await readAll(ask, '/api/v1/notices?updatedSince=2025-12-31T00:00:00Z');
    const resumeSince = pages.at(-1)!.resumeSince!;
    await sql`update notice set status = 'withdrawn' where id = ${noticeId}`.execute(portal.test.db);
    const { items } = await readAll<Record<string, unknown>>(ask, `/api/v1/notices?updatedSince=${encodeURIComponent(resumeSince)}`);
    expect(items).toEqual([
      expect.objectContaining({
        id: noticeId,
        reference: 'GS-SYNC-1',
        status: 'withdrawn',
        body: expect.objectContaining({ code: 'TCB' }),
        comments: [],
      }),
    ]);
    // What depends on the clock or on every new comment is not part of a synced record.
    expect(items[0]).not.toHaveProperty('state');
    expect(items[0]).not.toHaveProperty('commentCount');
  });

  it.each([
    ['/api/v1/certificates?updatedSince=2026-01-01', 'invalid_query', /ISO 8601 instant with its offset/],
    ['/api/v1/certificates?updatedSince=2026-01-01T08:00:00+08:00', 'invalid_query', /%2B/],
    ['/api/v1/notices?updatedSince=yesterday', 'invalid_query', /updatedSince/],
    ['/api/v1/certificates?cursor=not-a-cursor', 'invalid_cursor', /pass the "next" of the previous page unchanged/],
    [`/api/v1/notices?cursor=${Buffer.from(`certificates ${LONG_AGO} 5`).toString('base64url')}`, 'invalid_cursor', /\/api\/v1\/notices/],
    [`/api/v1/certificates?updatedSince=${LONG_AGO}&cursor=abc`, 'invalid_query', /not both/],
    [`/api/v1/certificates?updatedSince=${LONG_AGO}&q=TCB`, 'invalid_query', /leave out q, page and the filters/],
  ])('%s is a 400 that says what is wrong', async (path, code, message) => {
    const { response, body } = await ask(path);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(body).toEqual({ error: { code, message: expect.stringMatching(message) } });
  });
});

describe('the per-client limit', () => {
  it(`answers a program past ${API_RATE} requests a minute 429 with Retry-After, in the API's shape; other clients and pages go on`, async () => {
    const ask = client('203.0.113.9');
    const started = Date.now();
    let passed = 0;
    let limited: Awaited<ReturnType<typeof ask>> | undefined;
    // Kept answers after the first: the limit is checked before the response cache.
    while (!limited && passed < 3 * API_RATE) {
      const answer = await ask('/api/v1/certificates/TCB-SYNC-0001');
      if (answer.response.status === 429) {
        limited = answer;
      } else {
        expect(answer.response.status).toBe(200);
        passed += 1;
      }
    }
    // A minute's worth at once, and what the allowance refilled meanwhile.
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * API_RATE);
    expect(passed).toBeGreaterThanOrEqual(API_RATE);
    expect(passed).toBeLessThanOrEqual(API_RATE + refilled);
    const { response, body } = limited!;
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(60 / API_RATE + 1);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(body).toEqual({ error: { code: 'too_many_requests', message: expect.stringContaining('Retry-After') } });

    expect((await client('203.0.113.10')('/api/v1/certificates/TCB-SYNC-0001')).response.status).toBe(200);
    expect(await portal.getText('/certificates/TCB-SYNC-0001', 200, { headers: { 'x-forwarded-for': '203.0.113.9' } })).toContain('TCB-SYNC-0001');
  });
});

describe('the API explained to people', () => {
  it.each([
    ['/api', `每分钟最多 ${API_RATE} 次接口请求`, '增量同步'],
    ['/en/api', `may make ${API_RATE} API requests a minute`, 'Incremental sync'],
  ])('%s links the OpenAPI document and states the limit this portal sets and the sync', async (path, limit, sync) => {
    const page = await portal.getText(path);
    expect(page).toMatch(/<a href="\/api\/v1\/openapi.json"[^>]*>https:\/\/cert.example.cn\/api\/v1\/openapi.json<\/a>/);
    expect(page).toContain(limit);
    expect(page).toContain('429');
    expect(page).toContain(sync);
    expect(page).toContain('updatedSince=2026-12-01T00:00:00%2B08:00');
  });
});
