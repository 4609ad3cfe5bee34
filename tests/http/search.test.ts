import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { insertComment } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';
import { insertSearchableNotice, SEARCH_CORPUS } from '../support/search-fixtures.ts';
import { usePortal } from '../support/server.ts';

const PRIVATE_NAME = '搜索隐私姓名丙';
const PRIVATE_CONTACT = 'search-private@example.cn';
let ground: { bodyId: number; schemeId: number };

const search = (query: string, extra = '') => portal.get(`/search?q=${encodeURIComponent(query)}${extra}`);

const portal = usePortal(
  async (test) => {
    ground = await insertBodyAndScheme(test.db);
    for (const notice of SEARCH_CORPUS.slice(0, 4)) {
      const id = await insertSearchableNotice(test.db, ground, notice);
      await insertComment(test.db, id, { text: '公开的意见内容', published: 1, submitterName: PRIVATE_NAME, submitterContact: PRIVATE_CONTACT });
    }
    const holder = await test.db.selectFrom('organisation').select('id').where('name', 'like', '杭州西子%').executeTakeFirstOrThrow();
    await insertCertificate(test.db, ground, { number: 'TCB-SH-24-000555', organisationId: holder.id });
  },
  {},
  { searchReady: true },
);

describe('the search page', () => {
  it('answers notices in full text and certificates from the registry in one page', async () => {
    const response = await search('西子湖畔');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('杭州西子湖畔家电售后服务有限公司');
    expect(html).toMatch(/共 <strong>1<\/strong> 条公示/);
    expect(html).toContain('<mark>西子湖畔</mark>');
    expect(html).toContain('TCB-SH-24-000555');
    expect(html).toContain('rel="alternate" type="application/rss+xml"');
  });

  it('narrows by a facet with a plain link', async () => {
    const html = await (await search('有限公司', '&province=%E5%9B%9B%E5%B7%9D%E7%9C%81')).text();
    expect(html).toContain('成都锦里川味餐饮有限公司');
    expect(html).not.toContain('宁波甬江物业管理有限公司</a>');
  });

  it.each(['a:b* ~c^ +d -e "x', '西子:湖畔*', '"', '-', '*', '^2'])('treats %s as text, never an error page', async (query) => {
    const response = await search(query);
    expect(response.status).toBe(200);
  });

  it('says when nothing matches and offers what to try', async () => {
    const html = await (await search('完全不存在的词语组合')).text();
    expect(html).toContain('没有找到');
    expect(html).toContain('证书查询');
  });

  it('refuses a query over 200 characters with 400 and a message', async () => {
    const response = await search('长'.repeat(201));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('最多可输入 200 个字符');
  });
});

describe('the search API', () => {
  it('answers notices and certificates, each with a total and items', async () => {
    const body = await portal.getJson(`/api/v1/search?q=${encodeURIComponent('91330100799655058B')}`);
    expect(body.notices.total).toBe(1);
    expect(body.notices.items[0]).toMatchObject({
      title: expect.stringContaining('西子湖畔'),
      state: expect.any(String),
      url: expect.stringMatching(/^https:\/\/cert\.example\.cn\/notices\/\d+$/),
    });
    expect(body.certificates).toMatchObject({ total: 1, items: [{ number: 'TCB-SH-24-000555' }] });
  });

  it('shows a published comment nowhere in search, and never its author', async () => {
    const body = await portal.getText(`/api/v1/search?q=${encodeURIComponent('有限公司')}`);
    expect(body).not.toContain(PRIVATE_NAME);
    expect(body).not.toContain(PRIVATE_CONTACT);
    const html = await (await search('有限公司')).text();
    expect(html).not.toContain(PRIVATE_NAME);
  });
});

describe('the search feed', () => {
  it('is any search as an RSS feed', async () => {
    const response = await portal.get(`/feeds/search.xml?q=${encodeURIComponent('甬江')}`);
    expect(response.status).toBe(200);
    const feed = await new Parser().parseString(await response.text());
    expect(feed.items.map((item) => item.title)).toEqual([expect.stringContaining('宁波甬江物业管理有限公司')]);
    expect(feed.items[0]!.link).toMatch(/^https:\/\/cert\.example\.cn\/notices\/\d+$/);
  });

  it('refuses a query with nothing to search for with 400', async () => {
    expect((await portal.get('/feeds/search.xml?q=%2A')).status).toBe(400);
  });
});

describe('while the back office writes', () => {
  it('finds a notice written by another process within 5 seconds, without a restart', async () => {
    const writer = portal.test.connect();
    await insertSearchableNotice(writer, ground, SEARCH_CORPUS[4]!);
    await writer.destroy();
    const started = Date.now();
    let found = 0;
    while (Date.now() - started < 5000 && found === 0) {
      found = (await portal.getJson(`/api/v1/search?q=${encodeURIComponent('浦江冷链')}`)).notices.total;
      if (found === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toBe(1);
  });
});
