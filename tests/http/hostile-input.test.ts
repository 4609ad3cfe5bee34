import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

/**
 * Hostile input over every public entry point: markup, SQL, FTS5 and lunr syntax, NUL and
 * control characters, invalid UTF-8 and broken percent-encoding, overlong values, clients
 * that hang up. Whatever arrives: no 5xx, no stack trace in an answer or the log, the
 * security headers, and errors in the shape of their kind (JSON for /api/, a page else).
 */
const HOUR = 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const CERTIFICATE = 'TCB-SH-24-000888';

/** Each is put into every parameter, path segment and form field, percent-encoded as a browser would, or raw where marked. */
const HOSTILE: Record<string, string> = {
  markup: '<script>alert(1)</script><img src=x onerror=alert(2)>',
  'SQL injection': "' OR 1=1; DROP TABLE certificate; --",
  'FTS5 syntax': '"unbalanced NEAR(a b) AND col:x* ^start OR NOT',
  'lunr syntax': '+must -not ~2 ^10 field:x * name:*',
  'NUL and control characters': '\u0000\u0001\u001f\u007f物业\u0000',
  'invisible and bidi characters': '\u202e\u2066物业\u200b\ufeff',
  emoji: '🏠🔥😀'.repeat(20),
  // Far over every field's limit, yet short enough that an address with six of them fits the 16 KB Node reads.
  overlong: '物'.repeat(250),
  'a number with dashes only': '------',
};

/** Broken percent-encoding and invalid UTF-8, written into the address as is. */
const RAW_ENCODINGS: Record<string, string> = {
  'a stray %': '%',
  'a bad escape': '%zz',
  'half a UTF-8 sequence': '%E0%A4%A',
  'invalid UTF-8': '%C3%28%FF%FE',
  'an encoded NUL': '%00',
};

let noticeId: number;

const portal = usePortal(
  async (test) => {
    const ground = await insertBodyAndScheme(test.db);
    const applicant = await insertOrganisation(test.db, '南昌物业服务有限公司', '91330100799655058B');
    await insertCertificate(test.db, ground, { number: CERTIFICATE, organisationId: applicant });
    noticeId = await insertNotice(test.db, ground, {
      organisationId: applicant,
      windowStart: iso(-HOUR),
      windowEnd: iso(24 * HOUR),
      reference: 'HOSTILE-OPEN',
    });
  },
  {},
  { searchReady: true },
);

/** Every GET address that takes free text, with `value` (already encoded) where the text goes. */
const getAddresses = (value: string) => [
  `/certificates?q=${value}`,
  `/certificates?q=${value}&page=${value}`,
  `/certificates/${value}`,
  `/certificates/${CERTIFICATE}?on=${value}`,
  `/notices?state=${value}&kind=${value}&scheme=${value}&province=${value}&year=${value}&page=${value}`,
  `/notices/${value}`,
  `/search?q=${value}`,
  `/search?q=${value}&province=${value}&page=${value}`,
  `/comments/${value}`,
  `/comments?tracking=${value}`,
  `/en/certificates?q=${value}`,
  `/en/notices/${value}`,
  `/en/search?q=${value}`,
  `/${value}`,
  `/api/v1/certificates?q=${value}&page=${value}`,
  `/api/v1/certificates/${value}`,
  `/api/v1/notices?state=${value}&page=${value}`,
  `/api/v1/notices/${value}`,
  `/api/v1/certificates?updatedSince=${value}`,
  `/api/v1/notices?cursor=${value}`,
  `/api/v1/search?q=${value}&page=${value}`,
  `/api/v1/${value}`,
  `/feeds/notices.xml?kind=${value}&scheme=${value}&province=${value}`,
  `/feeds/certificates/${value}.xml`,
  `/feeds/search.xml?q=${value}`,
];

const STACK_TRACE = /\n\s+at \S|Error: .*\n\s+at|node_modules|\.ts:\d+:\d+/;

async function expectWellAnswered(address: string, response: Response): Promise<void> {
  const body = await response.text();
  const where = `${response.status} ${address.slice(0, 120)}`;
  expect(response.status, where).toBeLessThan(500);
  expect(body, where).not.toMatch(STACK_TRACE);
  expect(response.headers.get('content-security-policy'), where).toContain("default-src 'self'");
  expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
  const type = response.headers.get('content-type') ?? '';
  if (address.startsWith('/api/')) {
    expect(type, where).toContain('application/json');
    if (response.status >= 400) {
      const answer = JSON.parse(body);
      expect(Object.keys(answer), where).toEqual(['error']);
      expect(answer.error, where).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
  } else if (address.startsWith('/feeds/') && response.status < 300) {
    expect(type, where).toContain('application/rss+xml');
  } else if (!address.startsWith('/feeds/')) {
    expect(type, where).toContain('text/html');
    // The portal's own page (its header), not a bare message.
    if (response.status < 300 || response.status >= 400) expect(body, where).toContain('class="site-header"');
    // Markup typed in is shown as text (or kept inside a quoted attribute value), never run.
    const outsideAttributes = body.replace(/="[^"]*"/g, '=""');
    expect(outsideAttributes, where).not.toContain('<script>alert(1)</script>');
    expect(outsideAttributes, where).not.toContain('<img src=x onerror');
  }
}

describe('hostile text in every address that takes text', () => {
  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`is answered, never with a 5xx or a stack trace: ${name}`, async () => {
      for (const address of getAddresses(encodeURIComponent(text))) {
        await expectWellAnswered(address, await portal.get(address, { redirect: 'manual' }));
      }
    });
  }
});

describe('broken encodings in every address', () => {
  for (const [name, raw] of Object.entries(RAW_ENCODINGS)) {
    it(`are answered with a clear 400 or a page, never a 5xx: ${name}`, async () => {
      for (const address of getAddresses(raw)) {
        const response = await portal.get(address, { redirect: 'manual' });
        await expectWellAnswered(address, response);
      }
    });
  }

  it('answers a GET with raw Chinese in its address (as curl sends it) as its percent-encoded form, and closes the connection after', async () => {
    const raw = Buffer.from(
      'GET /feeds/notices.xml?province=浙江省 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\nGET /certificates HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const answer = await rawRequest(raw);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toLowerCase()).toContain('content-type: application/rss+xml');
    expect(answer.toLowerCase()).toContain('content-security-policy:');
    expect(answer.toLowerCase()).toContain('connection: close');
    // The feed of that province: its own address names it, encoded.
    expect(answer).toContain('/feeds/notices.xml?province=%E6%B5%99%E6%B1%9F%E7%9C%81');
    // The request pipelined after it is not read.
    expect(answer.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
  });

  it('answers any other address the HTTP parser cannot read (raw bytes in a POST, a control character) with a 400 page carrying the security headers', async () => {
    for (const request of [
      Buffer.concat([
        Buffer.from(`POST /notices/${noticeId}/comments?x=`),
        Buffer.from('浙江省'),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'),
      ]),
      Buffer.from('GET /feeds/notices.xml?province=\u0001 HTTP/1.1\r\nHost: x\r\n\r\n'),
    ]) {
      const answer = await rawRequest(request);
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(answer.toLowerCase()).toContain('content-security-policy:');
      expect(answer).toContain('%E6%B5%99%E6%B1%9F%E7%9C%81');
      expect(answer).toContain('Address not valid');
    }
  });
});

describe('an address longer than the server reads', () => {
  it('is answered 431 with a page that says so and the security headers', async () => {
    const answer = await rawRequest(Buffer.from(`GET /certificates?q=${'%E7%89%A9'.repeat(3000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(answer.toLowerCase()).toContain('content-security-policy:');
    expect(answer).toContain('地址无效');
  });
});

describe('hostile forms', () => {
  const fields = (value: string): Record<string, string> => ({
    kind: value,
    text: value,
    name: value,
    contact: value,
    organisation: value,
    consent: value,
    idempotencyKey: value,
  });

  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`are refused with their problems named, never stored, never a 5xx: ${name}`, async () => {
      for (const accept of ['text/html', 'application/json']) {
        const response = await portal.postComment(noticeId, fields(text), { accept });
        expect(response.status).toBe(422);
        await expectWellAnswered(accept === 'application/json' ? '/api/as-json' : `/notices/${noticeId}/comments`, response);
      }
    });
  }

  it('refuses bodies that are not forms, or not JSON, with their status and never a 5xx', async () => {
    const attempts: [string, RequestInit, number][] = [
      [
        `/notices/${noticeId}/comments`,
        { method: 'POST', headers: { origin: SITE_URL, 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nbroken' },
        400,
      ],
      [
        `/notices/${noticeId}/comments`,
        { method: 'POST', headers: { origin: SITE_URL, 'content-type': 'application/x-www-form-urlencoded' }, body: '%E0%A4%A=%zz&text=%' },
        422,
      ],
      ['/api/v1/certificates/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers": [' }, 400],
      [
        '/api/v1/certificates/verify',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers": [1, null, {"x": 1}]}' },
        422,
      ],
      [
        '/api/v1/certificates/verify',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
        400,
      ],
      ['/api/v1/certificates/verify', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<numbers/>' }, 415],
      ['/api/v1/notices', { method: 'DELETE' }, 405],
    ];
    for (const [address, init, status] of attempts) {
      const response = await portal.request(address, { ...init, redirect: 'manual' });
      expect(response.status, address).toBe(status);
      await expectWellAnswered(address.startsWith('/api/') ? address : `/notices/${noticeId}/comments`, response);
    }
  });

  it('stores nothing of any of them', async () => {
    const { n } = await portal.test.db
      .selectFrom('comment')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(0);
  });
});

/** Sends bytes as they are and reads the answer until the server closes (or 3 s pass). */
function rawRequest(bytes: Buffer, hangUpAfterBytes?: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(portal.baseUrl).port), '127.0.0.1');
    let answer = '';
    const done = () => resolve(answer);
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', done);
    socket.on('error', done);
    socket.on('connect', () => {
      if (hangUpAfterBytes === undefined) return void socket.write(bytes);
      socket.write(bytes.subarray(0, hangUpAfterBytes), () => socket.destroy());
    });
  });
}

describe('clients that hang up', () => {
  it('mid-body, mid-headers or at once: nothing stored, nothing in the log but the start, the portal answering on', async () => {
    const body = new URLSearchParams({
      kind: 'objection',
      text: '中途断开连接的提交，不应保存。'.repeat(3),
      name: '孙八',
      contact: '13600136000',
      consent: 'yes',
      idempotencyKey: 'hang-up-form-abcdefgh',
    }).toString();
    const request = Buffer.from(
      `POST /notices/${noticeId}/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${SITE_URL}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const headersEnd = request.indexOf('\r\n\r\n') + 4;
    await Promise.all([rawRequest(request, headersEnd + 30), rawRequest(request, 40), rawRequest(request, 0)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await portal.get(`/certificates/${CERTIFICATE}`)).status).toBe(200);
    const { n } = await portal.test.db
      .selectFrom('comment')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(0);
  });

  it('leave, after everything above, a log with no stack trace and no 500', () => {
    expect(portal.output()).not.toMatch(STACK_TRACE);
    expect(portal.output()).not.toMatch(/Internal Server Error|Unexpected error/);
  });
});
