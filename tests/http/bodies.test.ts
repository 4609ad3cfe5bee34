import { describe, expect, it } from 'vitest';
import { addDays, beijingDate } from '../../src/lib/ground/time/beijing.ts';
import { insertApplicant, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

/** Certification bodies: their list and pages in both languages, the API, and the body filter of the notice list and the certificate lookup. */
const DAY = 24 * 60 * 60 * 1000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();
const today = beijingDate(new Date());

const ids: Record<string, number> = {};

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const other = await test.db
    .insertInto('certificationBody')
    .values({
      code: 'OCB',
      name: '远东服务认证有限公司',
      approvalNumber: 'CNCA-R-2011-077',
      website: 'javascript:alert(1)',
      phone: '010-12345678',
      address: '北京市朝阳区建国路 9 号',
      updatedAt: at(-DAY),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const otherGround = { bodyId: other.id, schemeId: ground.schemeId };
  // Applicants in code-point order 北 < 广 < 河 < 浙, which is not GB/T 2260 order (北京 11, 河北 13, 浙江 33, 广东 44).
  const zhejiang = await insertApplicant(test.db, '杭州湖滨家电售后服务有限公司', 'MA7000001');
  const beijing = await insertApplicant(test.db, '北京国贸物业服务有限公司', 'MA7000002', '北京市');
  const guangdong = await insertApplicant(test.db, '广州天河家电服务有限公司', 'MA7000003', '广东省');
  const hebei = await insertApplicant(test.db, '石家庄长安物业服务有限公司', 'MA7000004', '河北省');
  const certificates: [string, number, { bodyId: number; schemeId: number }, 'valid' | 'suspended' | 'withdrawn', string][] = [
    ['TCB-SH-26-000001', zhejiang, ground, 'valid', addDays(today, 300)],
    ['TCB-SH-26-000002', guangdong, ground, 'suspended', addDays(today, 300)],
    ['TCB-SH-26-000003', zhejiang, ground, 'valid', addDays(today, -1)],
    ['TCB-SH-26-000004', hebei, ground, 'withdrawn', addDays(today, 200)],
    ['OCB-BJ-26-000001', beijing, otherGround, 'valid', addDays(today, 100)],
  ];
  for (const [number, organisationId, where, status, expiresOn] of certificates) {
    await insertCertificate(test.db, where, { number, organisationId, status, expiresOn });
  }
  ids.tcbOpen = await insertListedNotice(test.db, ground, {
    reference: 'GS-BODY-TCB',
    organisationId: zhejiang,
    windowStart: at(-DAY),
    windowEnd: at(5 * DAY),
  });
  ids.ocbOpen = await insertListedNotice(test.db, otherGround, {
    reference: 'GS-BODY-OCB',
    organisationId: beijing,
    windowStart: at(-2 * DAY),
    windowEnd: at(6 * DAY),
  });
  await insertListedNotice(test.db, ground, { reference: 'GS-BODY-GD', organisationId: guangdong, windowStart: at(-3 * DAY), windowEnd: at(-DAY) });
  await insertListedNotice(test.db, ground, { reference: 'GS-BODY-HB', organisationId: hebei, windowStart: at(-4 * DAY), windowEnd: at(-2 * DAY) });
});

// Without the attributes Astro adds for scoped styles, so the markup reads as written.
const html = async (path: string, status = 200) => (await portal.getText(path, status)).replaceAll('&amp;', '&').replace(/ data-astro-cid-\w+/g, '');
const mainOf = (page: string) => page.slice(page.indexOf('<main'), page.indexOf('</main>'));

describe('bodies', () => {
  it('/bodies lists every body with its approval number, page and feed, in both languages', async () => {
    for (const [path, heading] of [
      ['/bodies', '认证机构'],
      ['/en/bodies', 'Certification bodies'],
    ] as const) {
      const page = mainOf(await html(path));
      expect(page).toContain(`<h1>${heading}</h1>`);
      expect(page).toContain('测试认证中心');
      expect(page).toContain('CNCA-R-2011-077');
      expect(page).toContain(`href="${path.replace('/bodies', '')}/bodies/OCB"`);
      expect(page).toContain(`${SITE_URL}/feeds/bodies/OCB.xml`);
    }
    expect(await html('/')).toContain('<a href="/bodies">');
  });

  it('/bodies/{code} shows the body, its schemes, its certificates by status today and its notices, in both languages', async () => {
    const zh = mainOf(await html('/bodies/TCB'));
    expect(zh).toContain('<h1>测试认证中心</h1>');
    expect(zh).toContain('CNCA-R-2002-001');
    expect(zh).toContain('售后服务认证');
    expect(zh).toContain('共 4 张证书');
    const counts = Object.fromEntries(
      [...zh.matchAll(/data-status="(\w+)">[^<]*<strong>(\d+)<\/strong>/g)].map((match) => [match[1], Number(match[2])]),
    );
    expect(counts).toEqual({ valid: 1, suspended: 1, expired: 1, withdrawn: 1, cancelled: 0 });
    expect(zh).toContain('共 3 条公示');
    expect(zh).toContain(`/notices/${ids.tcbOpen}`);
    expect(zh).not.toContain(`/notices/${ids.ocbOpen}"`);
    expect(zh).toContain('href="/certificates?body=TCB"');
    const en = mainOf(await html('/en/bodies/OCB'));
    expect(en).toContain('Approval number');
    expect(en).toContain('1 certificate (status as of today)');
    // A website that is not http(s) is shown, never linked.
    expect(en).not.toContain('href="javascript:');
    const missing = await html('/bodies/NOPE', 404);
    expect(missing).toContain('未找到代码为 NOPE 的认证机构');
  });

  it('/api/v1/bodies and /api/v1/bodies/{code} say the same in JSON; an unknown code is 404 in the error shape', async () => {
    const list = await portal.getJson<{ items: { code: string; url: string; feedUrl: string }[] }>('/api/v1/bodies');
    expect(list.items.map((body) => body.code)).toEqual(['OCB', 'TCB']);
    expect(list.items[0]!.url).toBe(`${SITE_URL}/bodies/OCB`);
    const response = await portal.get('/api/v1/bodies/TCB');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await response.json()) as { name: string; schemes: { code: string }[]; certificates: Record<string, number> };
    expect(body.name).toBe('测试认证中心');
    expect(body.schemes.map((scheme) => scheme.code)).toEqual(['after-sales']);
    expect(body.certificates).toEqual({ valid: 1, suspended: 1, expired: 1, withdrawn: 1, cancelled: 0, total: 4 });
    const missing = await portal.get('/api/v1/bodies/NOPE');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'body_not_found', message: expect.stringContaining('NOPE') } });
  });
});

describe('the body filter', () => {
  it('narrows the notice list, its feed link and the JSON list to one body', async () => {
    const page = mainOf(await html('/notices?body=OCB'));
    expect(page).toContain(`/notices/${ids.ocbOpen}`);
    expect(page).not.toContain(`/notices/${ids.tcbOpen}"`);
    expect(page).toContain('<option value="OCB" selected>远东服务认证有限公司</option>');
    expect(page).toContain(`${SITE_URL}/feeds/notices.xml?body=OCB`);
    const json = await portal.getJson<{ total: number; items: { id: number }[] }>('/api/v1/notices?body=OCB');
    expect(json.total).toBe(1);
    expect(json.items.map((notice) => notice.id)).toEqual([ids.ocbOpen]);
  });

  it('narrows the certificate lookup: a body alone lists its certificates, a number of another body is not found, a name within the body is found', async () => {
    const listed = await portal.getJson<{ matchedBy: string; total: number; items: { number: string }[] }>('/api/v1/certificates?body=TCB');
    expect(listed.matchedBy).toBe('filters');
    expect(listed.total).toBe(4);
    expect(listed.items.map((item) => item.number).sort()).toEqual(['TCB-SH-26-000001', 'TCB-SH-26-000002', 'TCB-SH-26-000003', 'TCB-SH-26-000004']);
    const elsewhere = await portal.getJson<{ total: number }>('/api/v1/certificates?body=OCB&q=TCB-SH-26-000001');
    expect(elsewhere.total).toBe(0);
    const own = await portal.getJson<{ total: number }>('/api/v1/certificates?body=OCB&q=OCB-BJ-26-000001');
    expect(own.total).toBe(1);
    const byName = await portal.get(`/api/v1/certificates?body=OCB&q=${encodeURIComponent('国贸物业')}`);
    expect(byName.status).toBe(200);
    const named = (await byName.json()) as { matchedBy: string; items: { number: string }[] };
    expect(named.matchedBy).toBe('name');
    expect(named.items.length).toBeGreaterThan(0);
    for (const item of named.items) expect(item.number).toMatch(/^OCB-/);
    const elsewhereByName = await portal.getJson<{ total: number }>(`/api/v1/certificates?body=TCB&q=${encodeURIComponent('国贸物业')}`);
    expect(elsewhereByName.total).toBe(0);
    const page = mainOf(await html('/certificates?body=OCB'));
    expect(page).toContain('OCB-BJ-26-000001');
    expect(page).not.toContain('TCB-SH-26-000001');
    expect((await portal.get('/certificates?body=NOPE')).status).toBe(404);
  });
});

describe('provinces', () => {
  it('are offered in administrative-code order (GB/T 2260), not in code-point order', async () => {
    const page = await html('/notices');
    const select = page.slice(page.indexOf('<select name="province">'), page.indexOf('</select>', page.indexOf('<select name="province">')));
    const provinces = [...select.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
    expect(provinces).toEqual(['北京市', '河北省', '浙江省', '广东省']);
  });
});

describe('the API explained', () => {
  it('the footer\'s "开放数据接口（JSON）" leads to /api, which names every endpoint and answers in both languages', async () => {
    expect(await html('/')).toContain('<a href="/api">开放数据接口（JSON）</a>');
    expect(await html('/en')).toContain('<a href="/en/api">Open data API (JSON)</a>');
    for (const [path, heading] of [
      ['/api', '开放数据接口（JSON）'],
      ['/en/api', 'Open data API (JSON)'],
    ] as const) {
      const page = mainOf(await html(path));
      expect(page).toContain(`<h1>${heading}</h1>`);
      const endpoints = [...page.matchAll(/data-endpoint="([^"]+)"/g)].map((match) => match[1]!);
      expect(endpoints).toContain('/api/v1/bodies/{code}');
      expect(page).toContain('province=%E6%B5%99%E6%B1%9F%E7%9C%81');
      // Every endpoint named answers JSON at the address shown, its placeholders filled in.
      for (const endpoint of endpoints.filter((address) => !address.endsWith('/verify'))) {
        const address = endpoint
          .replace('{number}', 'TCB-SH-26-000001')
          .replace('{id}', String(ids.tcbOpen))
          .replace('{code}', 'TCB')
          .replace(/[?&]\w+=(?=&|$)/g, (match) => (match.startsWith('?') ? '?q=%E6%9D%AD%E5%B7%9E' : ''));
        const response = await portal.get(address);
        expect(response.headers.get('content-type'), address).toContain('application/json');
        expect([200, 503], address).toContain(response.status);
      }
    }
  });
});
