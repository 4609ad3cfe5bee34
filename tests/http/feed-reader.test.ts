import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SITE_URL } from '../support/feeds.ts';
import { insertApplicant, insertComment, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme } from '../support/registry-fixtures.ts';
import { usePortal } from '../support/server.ts';

/**
 * The feeds as a subscriber's reader sees them: newsboat (Debian's package, installed by
 * .ci/run) reloads them into its own cache, which is read back here. Its idea of an item is
 * its guid, so a withdrawal must arrive as a new unread item for it to be seen at all.
 */
const run = promisify(execFile);
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();

const ids: Record<string, number> = {};

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const zhejiang = await insertApplicant(test.db, '宁波三江口家电售后服务有限公司', 'MA6000001');
  const guangdong = await insertApplicant(test.db, '佛山顺德餐饮管理有限公司', 'MA6000002', '广东省');
  ids.contested = await insertListedNotice(test.db, ground, {
    reference: 'GS-READER-CONTESTED',
    organisationId: zhejiang,
    windowStart: at(-3 * DAY),
    windowEnd: at(4 * DAY),
  });
  ids.other = await insertListedNotice(test.db, ground, {
    reference: 'GS-READER-OTHER',
    organisationId: guangdong,
    windowStart: at(-2 * DAY),
    windowEnd: at(5 * DAY),
  });
  await insertComment(test.db, ids.contested, {
    kind: 'objection',
    text: '公开的异议：售后电话无人接听。',
    published: 1,
    status: 'answered',
    reply: '已核查并答复。',
    receivedAt: at(-2 * DAY),
    updatedAt: at(-DAY),
  });
});
const home = mkdtempSync(join(tmpdir(), 'newsboat-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

interface ReaderItem {
  guid: string;
  title: string;
  feedurl: string;
  unread: number;
}

/**
 * newsboat reloads `address` into the cache of a subscriber of that feed alone (newsboat keeps
 * one item per guid across all its feeds); what it then holds.
 */
async function reload(address: string): Promise<{ feeds: { rssurl: string; title: string }[]; items: ReaderItem[] }> {
  const subscriber = Buffer.from(address).toString('hex').slice(-40);
  writeFileSync(join(home, `${subscriber}.urls`), `${address}\n`);
  const cache = join(home, `${subscriber}.db`);
  await run('newsboat', ['-u', join(home, `${subscriber}.urls`), '-c', cache, '-C', '/dev/null', '-x', 'reload'], {
    env: { ...process.env, HOME: home },
    timeout: 60_000,
  });
  const db = new Database(cache, { readonly: true });
  try {
    return {
      feeds: db.prepare('select rssurl, title from rss_feed').all() as { rssurl: string; title: string }[],
      items: db.prepare('select guid, title, feedurl, unread from rss_item where deleted = 0').all() as ReaderItem[],
    };
  } finally {
    db.close();
  }
}

describe('a feed reader (newsboat)', () => {
  it('subscribes to the notice feeds as the README writes them, raw Chinese included, and to one notice and one body', async () => {
    const addresses = [
      `${portal.baseUrl}/feeds/notices.xml`,
      // Typed as people write it: newsboat sends it as it is, and the portal answers the feed.
      `${portal.baseUrl}/feeds/notices.xml?province=浙江省`,
      `${portal.baseUrl}/feeds/notices/${ids.contested}.xml`,
      `${portal.baseUrl}/feeds/bodies/TCB.xml`,
    ];
    const read = await Promise.all(addresses.map(reload));
    expect(read.map(({ feeds }) => feeds.map((feed) => feed.title))).toEqual([
      ['服务认证公示'],
      ['服务认证公示：浙江省'],
      ['公示跟踪：宁波三江口家电售后服务有限公司 售后服务认证初次认证公示'],
      ['认证机构动态：测试认证中心'],
    ]);
    const guids = read.map(({ items }) => items.map((item) => item.guid).sort());
    const contested = `${SITE_URL}/notices/${ids.contested}`;
    expect(guids[0]).toEqual([contested, `${SITE_URL}/notices/${ids.other}`].sort());
    expect(guids[1]).toEqual([contested]);
    expect(guids[2]).toEqual([contested, `${contested}#answer-1`, `${contested}#comment-1`].sort());
    expect(guids[3]).toEqual(guids[0]);
  });

  it('shows a later withdrawal as a new unread item, in the notices feed and in the notice’s own', async () => {
    const addresses = [`${portal.baseUrl}/feeds/notices.xml`, `${portal.baseUrl}/feeds/notices/${ids.contested}.xml`];
    const before = await Promise.all(addresses.map(reload));
    await portal.test.db
      .updateTable('notice')
      .set({ status: 'withdrawn', updatedAt: at(-1000) })
      .where('id', '=', ids.contested!)
      .execute();
    const after = await Promise.all(addresses.map(reload));
    for (const [index, address] of addresses.entries()) {
      const withdrawal = after[index]!.items.filter((item) => item.guid === `${SITE_URL}/notices/${ids.contested}#withdrawal`);
      expect(withdrawal, address).toHaveLength(1);
      expect(withdrawal[0]!.unread).toBe(1);
      expect(withdrawal[0]!.title).toBe('宁波三江口家电售后服务有限公司 售后服务认证初次认证公示：公示已撤回');
      // Nothing the reader had is lost or replaced.
      const guids = (read: typeof before) => read[index]!.items.map((item) => item.guid).sort();
      expect(guids(after)).toEqual([...guids(before), withdrawal[0]!.guid].sort());
    }
  });
});
