import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { commentForm, startPortal, type RunningPortal } from '../support/server.ts';

/**
 * Two portal processes on one database, as behind a load balancer: on SQLite two processes on
 * one file, on PostgreSQL two instances on one server. Any instance answers any request.
 */
const HOUR = 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const PICK_UP_MS = 5000;

let test: TestDatabase;
let ground: Awaited<ReturnType<typeof insertBodyAndScheme>>;
let holder: number;
let noticeId: number;
let first: RunningPortal;
let second: RunningPortal;

beforeAll(async () => {
  test = await createTestDatabase();
  ground = await insertBodyAndScheme(test.db);
  holder = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  noticeId = await insertNotice(test.db, ground, {
    organisationId: holder,
    windowStart: iso(-24 * HOUR),
    windowEnd: iso(5 * 24 * HOUR),
    reference: 'GS-TWO-INSTANCES',
  });
  [first, second] = await Promise.all([startPortal(test, { TRUST_PROXY: '1' }), startPortal(test, { TRUST_PROXY: '1' })]);
});
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await test?.remove();
});

/** A comment form as a browser posts it to `portal`, from `client` (the proxy's X-Forwarded-For), as a person of its own unless `contact` says who. */
const postComment = (portal: RunningPortal, client: string, contact?: string) =>
  portal.postComment(noticeId, commentForm(contact ? { contact } : {}), { 'x-forwarded-for': client });

const trackingNumberOf = (response: Response) => /\/comments\/([0-9A-Z-]+)\?received=1$/.exec(response.headers.get('location') ?? '')?.[1];

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

describe('two portal instances on one database', { timeout: 120_000 }, () => {
  it('a comment posted to one has its receipt and status read on the other', async () => {
    const answer = await postComment(first, '198.51.100.1', '13600136000');
    expect(answer.status).toBe(303);
    const trackingNumber = trackingNumberOf(answer);
    expect(trackingNumber).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    const page = await second.getText(`/comments/${trackingNumber}?received=1`);
    expect(page).toContain(trackingNumber);
    expect(page).toContain('GS-TWO-INSTANCES');
    expect(page).not.toContain('13600136000');
  });

  it('holds one person to one rate limit across both under concurrent posts, from whatever address', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postComment(i % 2 === 0 ? first : second, `198.51.100.${10 + i}`, '13611136111')),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    for (const refused of answers.filter((answer) => answer.status === 429)) expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lets many people behind one address (an office, a mobile carrier) each comment through both at once', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => postComment(i % 2 === 0 ? first : second, '198.51.100.2')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(303));
  });

  it('shows a certificate another process writes on both within 5 seconds', async () => {
    const number = 'TCB-SH-26-007001';
    await insertCertificate(test.db, ground, { number, organisationId: holder });
    const seen = await Promise.all(
      [first, second].map((portal) => until(async () => (await portal.get(`/api/v1/certificates/${number}`)).status === 200, PICK_UP_MS)),
    );
    expect(Math.max(...seen)).toBeLessThan(PICK_UP_MS);
  });

  it('loses nothing it acknowledged when one instance is killed mid-load', async () => {
    const acknowledged: string[] = [];
    let sent = 0;
    // Clients of their own, so no rate limit interferes: each posts until its instance is gone.
    const stream = async (portal: RunningPortal, lane: number) => {
      for (;;) {
        sent += 1;
        let answer: Response;
        try {
          answer = await postComment(portal, `203.0.113.${(lane * 50 + sent) % 250}`);
        } catch {
          return; // the instance is gone: what it did not answer was not acknowledged
        }
        const trackingNumber = trackingNumberOf(answer);
        if (answer.status === 303 && trackingNumber) acknowledged.push(trackingNumber);
        if (portal === second && acknowledged.length >= 40) return;
      }
    };
    const lanes = [stream(first, 0), stream(first, 1), stream(second, 2)];
    await until(async () => acknowledged.length >= 15, 60_000);
    await first.kill();
    await Promise.all(lanes);
    const stored = await test.db.selectFrom('comment').select('trackingNumber').where('trackingNumber', 'in', acknowledged).execute();
    expect(stored).toHaveLength(acknowledged.length);
    // The instance left standing goes on answering.
    expect((await postComment(second, '203.0.113.251')).status).toBe(303);
  });
});
