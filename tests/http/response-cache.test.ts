import { sql } from 'kysely';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { commentForm, usePortal } from '../support/server.ts';

const HOUR = 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CERTIFICATE = 'CCC-CACHE-0001';

let ground: { bodyId: number; schemeId: number };
let applicant: number;
let openNotice: number;

const portal = usePortal(
  async (test) => {
    ground = await insertBodyAndScheme(test.db);
    applicant = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
    await insertCertificate(test.db, ground, { number: CERTIFICATE, organisationId: applicant });
    openNotice = await insertNotice(test.db, ground, {
      organisationId: applicant,
      windowStart: iso(-24 * HOUR),
      windowEnd: iso(5 * 24 * HOUR),
      reference: 'GS-CACHE-OPEN',
    });
  },
  { PORTAL_BENCH: '1' },
);

/** How often the server answered from its cache, and how often it rendered. */
async function cacheCounts(): Promise<{ hits: number; misses: number }> {
  const server = (await portal.stats()).find((process) => process.role === 'server')!;
  return { hits: server.responseCache!.hits, misses: server.responseCache!.misses };
}

/** Asks until `settled` holds, and says how long that took. */
async function untilSettled(ask: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await ask()) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`not settled within ${withinMs} ms`);
}

describe('the response cache', () => {
  it('answers a repeated page from memory with the same ETag, and 304 to a client that has it', async () => {
    const first = await portal.get(`/certificates/${CERTIFICATE}`, { redirect: 'manual' });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain(CERTIFICATE);
    const etag = first.headers.get('etag')!;
    // Strong: a hash of the page as sent (a compressed form has a tag of its own).
    expect(etag).toMatch(/^"[\w-]+"$/);

    // The first answers after the start may come before the cache knows how long pages live: asked again until kept.
    let again: Response;
    await untilSettled(async () => {
      const before = await cacheCounts();
      again = await portal.get(`/certificates/${CERTIFICATE}`, { redirect: 'manual' });
      return (await cacheCounts()).hits === before.hits + 1;
    }, 5000);
    again = again!;
    expect(again.headers.get('etag')).toBe(etag);
    // Kept with every header it was first sent with.
    expect(again.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(again.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await again.text()).toContain(CERTIFICATE);

    const current = await portal.get(`/certificates/${CERTIFICATE}`, { headers: { 'if-none-match': etag }, redirect: 'manual' });
    expect(current.status).toBe(304);
    expect(current.headers.get('etag')).toBe(etag);
    expect(await current.text()).toBe('');
    const stale = await portal.get(`/certificates/${CERTIFICATE}`, { headers: { 'if-none-match': 'W/"something-else"' }, redirect: 'manual' });
    expect(stale.status).toBe(200);
  });

  it('says the Age of a kept answer that may be kept for max-age, so no one keeps it longer', async () => {
    // Both requests within one minute: entries live at most to the next whole minute.
    while (Date.now() % 60_000 > 57_000) await sleep(200);
    const first = await portal.get('/feeds/notices.xml', { redirect: 'manual' });
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await first.text()).toContain('<rss');
    expect(first.headers.get('age')).toBeNull();
    await sleep(1100);
    const again = await portal.get('/feeds/notices.xml', { redirect: 'manual' });
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(Number(again.headers.get('age'))).toBeGreaterThanOrEqual(1);
  });

  it('keeps each language apart: the English page under /en is not the Chinese one', async () => {
    const chinese = await portal.getText(`/certificates/${CERTIFICATE}`);
    const english = await portal.getText(`/en/certificates/${CERTIFICATE}`);
    expect(chinese).toContain('lang="zh-CN"');
    expect(english).toContain('lang="en"');
  });

  it('sends brotli, gzip or identity as the client asks, the same page each time', async () => {
    // fetch would decompress on its own: the raw bytes are read through node:http.
    const { request } = await import('node:http');
    const raw = (acceptEncoding: string) =>
      new Promise<{ encoding: string | undefined; vary: string | undefined; body: Buffer }>((resolve, reject) => {
        request(`${portal.baseUrl}/certificates/${CERTIFICATE}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ encoding: response.headers['content-encoding'], vary: response.headers.vary, body: Buffer.concat(chunks) }),
          );
        })
          .on('error', reject)
          .end();
      });
    const identity = await raw('identity');
    expect(identity.encoding).toBeUndefined();
    expect(identity.vary).toContain('Accept-Encoding');
    expect(identity.body.toString()).toContain(CERTIFICATE);

    const brotli = await raw('gzip, deflate, br');
    expect(brotli.encoding).toBe('br');
    expect(brotliDecompressSync(brotli.body).equals(identity.body)).toBe(true);
    expect(brotli.body.length).toBeLessThan(identity.body.length / 2);

    const gzip = await raw('gzip;q=1, br;q=0.5');
    expect(gzip.encoding).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);

    const refused = await raw('br;q=0, gzip;q=0');
    expect(refused.encoding).toBeUndefined();
  });

  it('compresses what it does not keep: the JSON API and a page with a form', async () => {
    const json = await portal.get('/api/v1/notices?state=open', { headers: { 'accept-encoding': 'br' }, redirect: 'manual' });
    expect(json.headers.get('content-encoding')).toBe('br');
    expect((await json.json()).total).toBe(1);
    const form = await portal.get(`/notices/${openNotice}`, { headers: { 'accept-encoding': 'gzip' }, redirect: 'manual' });
    expect(form.headers.get('content-encoding')).toBe('gzip');
    expect(await form.text()).toContain('GS-CACHE-OPEN');
  });

  it('sends the built stylesheet compressed beforehand, as the client asks', async () => {
    const home = await portal.getText('/');
    const stylesheet = /<link rel="stylesheet" href="(\/_astro\/[^"]+\.css)"/.exec(home)![1]!;
    const brotli = await portal.get(stylesheet, { headers: { 'accept-encoding': 'br' }, redirect: 'manual' });
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(brotli.headers.get('vary')).toBe('Accept-Encoding');
    const css = await brotli.text();
    const plain = await portal.get(stylesheet, { headers: { 'accept-encoding': 'identity' }, redirect: 'manual' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(css);
    expect(css).toContain('{');
  });

  it('never keeps a search answer: the index follows the database a moment after each commit', async () => {
    const search = await portal.get(`/api/v1/search?q=${encodeURIComponent('西子湖畔')}`, {
      headers: { 'accept-encoding': 'br' },
      redirect: 'manual',
    });
    expect([200, 503]).toContain(search.status);
    expect(search.headers.get('content-type')).toContain('json');
    expect(search.headers.get('etag')).toBeNull();
  });

  it('never keeps a page with a comment form: each visitor gets a form key of their own', async () => {
    const formKey = async () => {
      const response = await portal.get(`/notices/${openNotice}`, { redirect: 'manual' });
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('etag')).toBeNull();
      const html = await response.text();
      expect(html).toContain('GS-CACHE-OPEN');
      return /name="idempotencyKey" value="([^"]+)"/.exec(html)![1];
    };
    const first = await formKey();
    expect(await formKey()).not.toBe(first);
  });

  it('never keeps anything under /comments: a reply is on the receipt at the next request', async () => {
    const sent = await portal.postComment(openNotice, commentForm(), { accept: 'application/json' });
    expect(sent.status).toBe(201);
    const { trackingNumber } = await sent.json();
    const receipt = async () => {
      const response = await portal.get(`/comments/${trackingNumber}`, { redirect: 'manual' });
      expect(response.headers.get('etag')).toBeNull();
      return response.text();
    };
    expect(await receipt()).toContain(trackingNumber);
    expect(await receipt()).not.toContain('贵方意见已核实');
    await portal.test.db
      .updateTable('comment')
      .set({ status: 'answered', reply: '贵方意见已核实', updatedAt: new Date().toISOString() })
      .where('trackingNumber', '=', trackingNumber)
      .execute();
    expect(await receipt()).toContain('贵方意见已核实');
  });

  it('shows a change committed by another connection within 5 seconds', async () => {
    const page = () => portal.get(`/certificates/${CERTIFICATE}`, { redirect: 'manual' }).then((response) => response.text());
    await page();
    expect(await page()).not.toContain('新增的服务范围');
    // This test's own connection to the file: another process, to the portal.
    await portal.test.db.updateTable('certificate').set({ scope: '新增的服务范围：家用电器的安装' }).where('number', '=', CERTIFICATE).execute();
    const waited = await untilSettled(async () => (await page()).includes('新增的服务范围'), 5000);
    expect(waited).toBeLessThan(5000);
  });

  it('shows the new state the moment a window opens and closes, also when the page was kept', async () => {
    // A window on no whole second, a few seconds from now: the entry must not outlive either boundary.
    const opens = Date.now() + 2500 + 123;
    const closes = opens + 2000;
    const id = await insertNotice(portal.test.db, ground, {
      organisationId: applicant,
      windowStart: new Date(opens).toISOString(),
      windowEnd: new Date(closes).toISOString(),
      reference: 'GS-CACHE-SOON',
    });
    const state = async () => (await portal.getJson<{ state: string }>(`/api/v1/notices/${id}`)).state;
    // Kept once the insert (and the search index it starts rebuilding) has been seen: answered from memory while upcoming.
    await untilSettled(async () => {
      const before = await cacheCounts();
      const upcoming = (await state()) === 'upcoming';
      return upcoming && (await cacheCounts()).hits > before.hits;
    }, 2000);

    await sleep(opens - Date.now() + 5);
    expect(await state()).toBe('open');
    expect(await state()).toBe('open');
    await sleep(closes - Date.now() + 5);
    expect(await state()).toBe('closed');
  });
});

/**
 * What another program writes (the back office's plain SQL, here through a connection of
 * the test's own) reaches a running portal's kept pages and its search: on SQLite by the
 * file's data_version and the search's poll, on PostgreSQL by the triggers' NOTIFY.
 */
describe('a change written by anyone', () => {
  let writes = 0;
  /** A new scope for the certificate and the open notice, in plain SQL, updated_at moved as the back-office contract asks. */
  async function writeScopeInPlainSql(): Promise<string> {
    writes += 1;
    const scope = `琉璃瓦屋面修缮服务第${'一二三四五'[writes - 1]}版`;
    const other = portal.test.connect();
    try {
      const now = new Date().toISOString();
      await sql`update certificate set scope = ${scope}, updated_at = ${now} where number = ${CERTIFICATE}`.execute(other);
      await sql`update notice set scope = ${scope}, updated_at = ${now} where id = ${openNotice}`.execute(other);
    } finally {
      await other.destroy();
    }
    return scope;
  }

  /** Until the certificate page is answered from memory: a change then shows only if the commit dropped it. */
  const certificatePageKept = () =>
    untilSettled(async () => {
      const before = await cacheCounts();
      await portal.getText(`/certificates/${CERTIFICATE}`);
      return (await cacheCounts()).hits === before.hits + 1;
    }, 5000);

  /** How long until both the certificate page and the search show `scope` (the search: the open notice, found by it). */
  async function seenWithin(scope: string, withinMs: number): Promise<number> {
    const onPage = untilSettled(async () => (await portal.getText(`/certificates/${CERTIFICATE}`)).includes(scope), withinMs);
    const inSearch = untilSettled(async () => {
      const response = await portal.get(`/api/v1/search?q=${encodeURIComponent(scope)}`, { redirect: 'manual' });
      if (response.status !== 200) return false;
      const { notices } = (await response.json()) as { notices: { items: { id: number }[] } };
      return notices.items[0]?.id === openNotice;
    }, withinMs);
    return Math.max(...(await Promise.all([onPage, inSearch])));
  }

  it('reaches the kept page and the search within 5 seconds', async () => {
    await certificatePageKept();
    const scope = await writeScopeInPlainSql();
    expect(await seenWithin(scope, 5000)).toBeLessThan(5000);
  });

  it.runIf(TEST_DIALECT === 'postgres')(
    'still does after the connections that listen for changes are killed: they come back, and nothing is missed meanwhile',
    async () => {
      const listening = async () =>
        (
          await sql<{
            pid: number;
          }>`select pid from pg_stat_activity where application_name = 'portal-changes' and datname = current_database()`.execute(portal.test.db)
        ).rows.map((row) => row.pid);
      // The server's (for its cache), the search indexer's and the bulk files' generator's.
      const killed = await listening();
      expect(killed).toHaveLength(3);
      await certificatePageKept();
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'portal-changes' and datname = current_database()`.execute(
        portal.test.db,
      );
      const scope = await writeScopeInPlainSql();
      expect(await seenWithin(scope, 5000)).toBeLessThan(5000);
      await untilSettled(async () => {
        const now = await listening();
        return now.length === 3 && now.every((pid) => !killed.includes(pid));
      }, 5000);
      expect(portal.output()).toContain('PostgreSQL: listening to changes again');
      // Listening again: the page is kept, and the next write drops it.
      await certificatePageKept();
      const next = await writeScopeInPlainSql();
      expect(await seenWithin(next, 5000)).toBeLessThan(5000);
    },
  );
});
