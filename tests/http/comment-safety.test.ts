import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { commentForm, SITE_URL, startPortal, usePortal, type RunningPortal } from '../support/server.ts';
import { holdWriteLock } from '../support/write-lock.ts';
import { RATE_LIMITS } from '../../src/lib/domain/comments/submit.ts';

const HOUR = 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const CERTIFICATE = 'TCB-SH-24-000777';
/** How many comments one address may send in 10 minutes, whoever sends them. */
const ADDRESS_LIMIT = RATE_LIMITS.find((limit) => limit.scope === 'address')!.max;

interface Fixture {
  test: TestDatabase;
  openNotice: number;
  closingNotice: number;
}

async function createFixture(test?: TestDatabase): Promise<Fixture> {
  const database = test ?? (await createTestDatabase());
  const ground = await insertBodyAndScheme(database.db);
  const applicant = await insertOrganisation(database.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  await insertCertificate(database.db, ground, { number: CERTIFICATE, organisationId: applicant });
  const openNotice = await insertNotice(database.db, ground, {
    organisationId: applicant,
    windowStart: iso(-24 * HOUR),
    windowEnd: iso(5 * 24 * HOUR),
    reference: 'SAFE-OPEN',
  });
  // Closes a few seconds after the tests start: for a body that arrives after the deadline.
  const closingNotice = await insertNotice(database.db, ground, {
    organisationId: applicant,
    windowStart: iso(-24 * HOUR),
    windowEnd: iso(8_000),
    reference: 'SAFE-CLOSING',
  });
  return { test: database, openNotice, closingNotice };
}

const commentCount = async (test: TestDatabase) =>
  Number(
    (
      await test.db
        .selectFrom('comment')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Reads the certificate page again and again until `until` settles: how long each read took. */
async function readWhile(portal: RunningPortal, until: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void until.finally(() => (settled = true));
  const timings: number[] = [];
  while (!settled) {
    const started = performance.now();
    const response = await portal.get(`/certificates/${CERTIFICATE}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(CERTIFICATE);
    timings.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return timings;
}

// SQLite's one write lock: PostgreSQL has none that a comment could wait behind (rows, not the file, are locked).
const sqlite = TEST_DIALECT === 'sqlite';

describe.runIf(sqlite)('a comment while another process holds the write lock', () => {
  let fixture: Fixture;
  const portal = usePortal(async (test) => (fixture = await createFixture(test)), { TRUST_PROXY: '1' });

  it('for 4 s is stored and acknowledged once the lock is released, and every other request is answered fast meanwhile', async () => {
    // A page's code is loaded on its first request: that is not what is measured.
    expect((await portal.get(`/certificates/${CERTIFICATE}`)).status).toBe(200);
    expect((await portal.get(`/notices/${fixture.openNotice}/comments`, { redirect: 'manual' })).status).toBe(303);
    // The first comment after the start: it used to freeze the whole server for the busy timeout.
    const before = await commentCount(fixture.test);
    const lock = await holdWriteLock(fixture.test.path, 4000);
    const sent = Date.now();
    const submission = portal.postComment(fixture.openNotice, commentForm(), { accept: 'application/json' });
    const timings = await readWhile(portal, submission);
    const answer = await submission;
    const acknowledged = Date.now();
    const releasedAt = await lock.released;

    expect(answer.status).toBe(201);
    expect(await answer.json()).toMatchObject({ status: 'received', trackingNumber: expect.stringMatching(/^[0-9A-Z]{5}-/) });
    expect(acknowledged - sent).toBeGreaterThanOrEqual(3500);
    expect(acknowledged - releasedAt).toBeLessThan(1000);
    expect(await commentCount(fixture.test)).toBe(before + 1);
    // Pages went on being served all along: dozens of them, typically well under 100 ms, and none
    // waited for the lock (that would be seconds; the rest is a shared machine's noise).
    const said = timings.map(Math.round).join(' ');
    expect(timings.length, said).toBeGreaterThan(20);
    expect(timings.sort((a, b) => a - b)[Math.floor(timings.length / 2)], said).toBeLessThan(100);
    expect(Math.max(...timings), said).toBeLessThan(1000);
  });
});

describe.runIf(sqlite)('a comment the database cannot take', () => {
  let fixture: Fixture;
  const portal = usePortal(async (test) => (fixture = await createFixture(test)), { TRUST_PROXY: '1', PORTAL_WRITE_WAIT: '1' });

  it('past the wait: 503 with Retry-After, the form again with everything typed, NOT saved, the busy lock named in the log', async () => {
    const before = await commentCount(fixture.test);
    // Held until the answer came, however slow a loaded machine makes the request: past the 1 s wait.
    const lock = await holdWriteLock(fixture.test.path, 30_000);
    const fields = commentForm({ name: '钱七', contact: 'qian.qi@example.cn', organisation: '市消费者协会' });
    const answer = await portal.postComment(fixture.openNotice, fields);
    await lock.release();

    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    const html = await answer.text();
    expect(html).toContain('您的意见未被保存');
    expect(html).toContain(fields.text);
    expect(html).toMatch(/name="name"[^>]*value="钱七"/);
    expect(html).toMatch(/name="contact"[^>]*value="qian\.qi@example\.cn"/);
    expect(html).toMatch(/name="organisation"[^>]*value="市消费者协会"/);
    expect(html).toContain(`value="${fields.idempotencyKey}"`);
    expect(html).not.toMatch(/\n\s+at /);
    expect(await commentCount(fixture.test)).toBe(before);
    expect(portal.output()).toMatch(/Nothing was saved \(database_busy\): SQLITE_BUSY/);
    expect(portal.output()).not.toContain('钱七');

    // The form as it came back, sent again once the lock is gone, is stored.
    const again = await portal.postComment(fixture.openNotice, fields);
    expect(again.status).toBe(303);
    expect(await commentCount(fixture.test)).toBe(before + 1);
  });

  it('past the wait, asked for JSON: 503 in the one error shape', async () => {
    const lock = await holdWriteLock(fixture.test.path, 30_000);
    const answer = await portal.postComment(fixture.openNotice, commentForm(), { accept: 'application/json' });
    await lock.release();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(await answer.json()).toEqual({ error: { code: 'database_busy', message: expect.stringContaining('Nothing was saved') } });
  });
});

/** A file system of its own that the test can fill up, a file the system refuses to write: both take root, as CI runs. */
const root = process.getuid?.() === 0;

describe.runIf(root && sqlite)('a comment on a full disk', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'portal-small-disk-'));
  let fixture: Fixture;
  let portal: RunningPortal;
  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]);
    fixture = await createFixture(await createTestDatabase(mountPoint));
    portal = await startPortal(fixture.test, { TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await portal?.stop();
    await fixture?.test.remove();
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('full: 503, the form again, NOT saved, SQLITE_FULL in the log; stored once there is room again', async () => {
    const filler = join(mountPoint, 'filler');
    // Fill the disk to the last byte.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with an error when the disk is full: that is the point.
    }
    const before = await commentCount(fixture.test);
    const fields = commentForm({ text: '满'.repeat(3000) });
    const answer = await portal.postComment(fixture.openNotice, fields);
    expect(answer.status).toBe(503);
    const html = await answer.text();
    expect(html).toContain('您的意见未被保存');
    expect(html).toContain(fields.text);
    expect(portal.output()).toMatch(/Nothing was saved \(database_(full|io_error)\): SQLITE_(FULL|IOERR)/);
    expect(portal.output()).not.toMatch(/cannot rollback|no transaction is active/);

    rmSync(filler);
    const again = await portal.postComment(fixture.openNotice, fields);
    expect(again.status).toBe(303);
    expect(await commentCount(fixture.test)).toBe(before + 1);
  });
});

describe.runIf(root && sqlite)('a comment on a database file the system will not write', () => {
  let fixture: Fixture;
  const portal = usePortal(async (test) => (fixture = await createFixture(test)), { TRUST_PROXY: '1' });

  it('made unwritable under the portal (chattr +i): 503, NOT saved, the I/O error named in the log; reading goes on', async () => {
    const { path } = fixture.test;
    // The database and its WAL, not the -shm, which SQLite maps into memory.
    const files = [path, `${path}-wal`];
    execFileSync('chattr', ['+i', ...files]);
    try {
      const answer = await portal.postComment(fixture.openNotice, commentForm(), { accept: 'application/json' });
      expect(answer.status).toBe(503);
      expect((await answer.json()).error.code).toBe('database_io_error');
      expect(portal.output()).toMatch(/Nothing was saved \(database_io_error\): SQLITE_IOERR/);
      expect((await portal.get(`/certificates/${CERTIFICATE}`)).status).toBe(200);
    } finally {
      execFileSync('chattr', ['-i', ...files]);
    }
    expect((await portal.postComment(fixture.openNotice, commentForm())).status).toBe(303);
  });
});

describe('the client and the form', () => {
  let fixture: Fixture;
  let direct: RunningPortal;
  let proxied: RunningPortal;
  beforeAll(async () => {
    fixture = await createFixture();
    [direct, proxied] = await Promise.all([startPortal(fixture.test), startPortal(fixture.test, { TRUST_PROXY: '1' })]);
  });
  afterAll(async () => {
    await Promise.all([direct?.stop(), proxied?.stop()]);
    await fixture?.test.remove();
  });

  it('without TRUST_PROXY, is the socket: a forged X-Forwarded-For escapes no limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= ADDRESS_LIMIT; i++) {
      statuses.push((await direct.postComment(fixture.openNotice, commentForm(), { 'x-forwarded-for': `198.51.100.${i + 1}` })).status);
    }
    expect(statuses).toEqual([...Array(ADDRESS_LIMIT).fill(303), 429]);
  });

  it('behind one trusted proxy, is the address the proxy appended, not the one the client wrote', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= ADDRESS_LIMIT; i++) {
      const forged = `6.6.6.${i + 1}`;
      statuses.push((await proxied.postComment(fixture.openNotice, commentForm(), { 'x-forwarded-for': `${forged}, 192.0.2.200` })).status);
    }
    expect(statuses).toEqual([...Array(ADDRESS_LIMIT).fill(303), 429]);
    // Another client behind the same proxy is not held back.
    expect((await proxied.postComment(fixture.openNotice, commentForm(), { 'x-forwarded-for': '192.0.2.201' })).status).toBe(303);
  });

  it('never answers someone else’s receipt: the same form key with other content is a comment of its own', async () => {
    const first = commentForm();
    const firstReceipt = (await proxied.postComment(fixture.openNotice, first, { 'x-forwarded-for': '192.0.2.31' })).headers.get('location');
    const sameAgain = (await proxied.postComment(fixture.openNotice, first, { 'x-forwarded-for': '192.0.2.31' })).headers.get('location');
    const other = (
      await proxied.postComment(fixture.openNotice, { ...commentForm(), idempotencyKey: first.idempotencyKey! }, { 'x-forwarded-for': '192.0.2.32' })
    ).headers.get('location');
    expect(sameAgain).toBe(firstReceipt);
    expect(other).toMatch(/^\/comments\//);
    expect(other).not.toBe(firstReceipt);
  });

  it('is judged when the whole body has arrived: a body finished after the deadline is refused', async () => {
    const body = new URLSearchParams(commentForm()).toString();
    const windowEnd = await fixture.test.db
      .selectFrom('notice')
      .select('windowEnd')
      .where('id', '=', fixture.closingNotice)
      .executeTakeFirstOrThrow();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(proxied.baseUrl).port), '127.0.0.1');
      let reply = '';
      socket.on('data', (chunk) => (reply += chunk.toString()));
      socket.on('end', () => resolve(reply));
      socket.on('error', reject);
      socket.write(
        `POST /notices/${fixture.closingNotice}/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${SITE_URL}\r\nX-Forwarded-For: 192.0.2.90\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(body.slice(0, 20));
      // The rest only after the window has closed.
      const wait = Math.max(0, Date.parse(windowEnd.windowEnd) - Date.now()) + 300;
      setTimeout(() => socket.write(body.slice(20)), wait);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 409/);
    expect(answer).toContain('已经结束');
  });

  it('may come only from SITE_URL’s pages: a forged Host matching a forged Origin is refused', async () => {
    const answer = await proxied.postComment(fixture.openNotice, commentForm(), { origin: 'http://evil.example', host: 'evil.example' });
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('只受理从本平台页面提交的表单');
  });

  it('is never cached: the form page, every answer to a post, and everything under /comments, redirects included', async () => {
    const formPage = await proxied.get(`/notices/${fixture.openNotice}`);
    expect(await formPage.text()).toContain('name="idempotencyKey"');
    expect(formPage.headers.get('cache-control')).toBe('private, no-store');

    const posted = await proxied.postComment(fixture.openNotice, commentForm(), { 'x-forwarded-for': '192.0.2.77' });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('cache-control')).toBe('private, no-store');

    const receiptPath = posted.headers.get('location')!;
    const receipt = await proxied.get(receiptPath);
    expect(await receipt.text()).toContain(receiptPath.slice(10, 27));
    expect(receipt.headers.get('cache-control')).toBe('private, no-store');
    expect(receipt.headers.get('referrer-policy')).toBe('no-referrer');

    const typedLowerCase = await proxied.get(`${receiptPath.slice(0, 27).toLowerCase()}`, { redirect: 'manual' });
    expect(typedLowerCase.status).toBe(301);
    expect(typedLowerCase.headers.get('cache-control')).toBe('private, no-store');
    expect(typedLowerCase.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('reading the client address never fails a request: clients that hang up leave no error in the log', async () => {
    const port = Number(new URL(proxied.baseUrl).port);
    await Promise.all(
      ['/', `/certificates/${CERTIFICATE}`, `/notices/${fixture.openNotice}`, '/api/v1/notices', '/search?q=%E5%94%AE%E5%90%8E'].map(
        (path) =>
          new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
              socket.destroy();
              resolve();
            });
          }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await proxied.get('/')).status).toBe(200);
    expect(proxied.output()).not.toMatch(/ClientAddressNotAvailable|\n\s+at /);
  });
});

describe('the bulk verification API', () => {
  let fixture: Fixture;
  const portal = usePortal(async (test) => (fixture = await createFixture(test)));

  it('takes the documented maximum written the longest way: 1,000 numbers of 100 escaped characters', async () => {
    const longest = `"${'\\u4e00'.repeat(100)}"`;
    const body = `{ "numbers": [${Array.from({ length: 1000 }, () => longest).join(', ')}] }`;
    const answer = await portal.request('/api/v1/certificates/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(200);
    expect((await answer.json()).results).toHaveLength(1000);
  });

  it('answers a body that is not JSON with 415 in the one error shape', async () => {
    const answer = await portal.request('/api/v1/certificates/verify', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'numbers=1',
    });
    expect(answer.status).toBe(415);
    expect(await answer.json()).toEqual({ error: { code: 'json_expected', message: expect.any(String) } });
  });

  it('answers the CORS preflight of a program in a browser on another site, and its post', async () => {
    const preflight = await portal.request('/api/v1/certificates/verify', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    const answer = await portal.request('/api/v1/certificates/verify', {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: [CERTIFICATE] }),
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect((await answer.json()).results[0]).toMatchObject({ number: CERTIFICATE, found: true });
  });
});
