import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../scripts/build.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { createTestDatabase, TEST_DIALECT } from '../support/database.ts';
import { startPortal } from '../support/server.ts';

const folder = mkdtempSync(join(tmpdir(), 'portal-start-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `npm start` in a shell speaking `lang` (whatever the test runner's own locale), with `env` over it. */
function startWith(env: Record<string, string>, lang = 'zh_CN.UTF-8') {
  const { LC_ALL: _all, LC_MESSAGES: _messages, ...rest } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/start.ts')], {
    cwd: projectRoot,
    env: { ...rest, PORTAL_DB: join(folder, 'never.db'), LANG: lang, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm start', () => {
  it.each([
    ['PORT', 'eighty', '应为端口号，0 至 65535 的整数（默认 4321）', 'must be a port, a whole number from 0 to 65535 (4321 by default)'],
    ['PORT', '70000', '应为端口号，0 至 65535 的整数', 'must be a port, a whole number from 0 to 65535'],
    ['SITE_URL', 'cert.example.cn', '应为以 http:// 或 https:// 开头的完整网址', 'must be an absolute address starting with http:// or https://'],
    ['TRUST_PROXY', 'maybe', '应为门户前反向代理的个数', 'must be the number of reverse proxies in front of the portal'],
    ['PORTAL_WRITE_WAIT', 'long', '应为等待数据库写锁的秒数，例如 12', "must be the seconds to wait for the database's write lock, such as 12"],
    ['PORTAL_PROCESSES', '0', '应为服务进程数，1 至 999 的整数', 'must be the number of server processes, a whole number from 1 to 999'],
    ['PORTAL_CACHE_MB', 'lots', '应为每个服务进程响应缓存的兆字节数', "must be the megabytes of each server process's response cache"],
    ['PORTAL_API_RATE', 'fast', '应为每个客户端每分钟可发出的接口请求数', 'must be the API requests each client may make a minute'],
    ['PORTAL_OPERATOR', '名'.repeat(101), '应为网站主办单位的名称，至多 100 个字', "must be the name of the site's operator, at most 100 characters"],
    [
      'PORTAL_PUBLIC_SECURITY_FILING',
      '京公网安备123号',
      '应为含 14 位备案编号的公安机关互联网站备案号',
      'must be the public security filing number with its 14-digit record number',
    ],
  ])("stops on %s=%s with exit 1 and a message naming it and what it accepts, in Chinese or an English LANG's English", (name, value, zh, en) => {
    const chinese = startWith({ [name]: value });
    expect(chinese.status).toBe(1);
    expect(chinese.stderr).toContain(`配置（环境变量）有误，未执行任何操作：\n  ${name}=“${value}”：${zh}`);
    expect(chinese.stderr).not.toMatch(/\n\s+at /);
    const english = startWith({ [name]: value }, 'en_US.UTF-8');
    expect(english.status).toBe(1);
    expect(english.stderr).toContain(`The configuration (environment variables) is wrong; nothing was done:\n  ${name}="${value}": ${en}`);
    expect(english.stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(TEST_DIALECT === 'postgres')(
    'stops on a PostgreSQL database created without C.UTF-8, naming its collation and ctype, in Chinese or English',
    async () => {
      const server = new URL(inject('postgresUrl'));
      const name = `portal_test_c_locale_${randomBytes(4).toString('hex')}`;
      const asSuperuser = async (statement: string) => {
        const client = new pg.Client({ connectionString: server.href });
        await client.connect();
        await client.query(statement).finally(() => client.end());
      };
      await asSuperuser(`create database ${name} template template0 encoding 'UTF8' locale 'C'`);
      try {
        const address = new URL(server.href);
        address.pathname = `/${name}`;
        const chinese = startWith({ PORTAL_DATABASE_URL: address.href });
        expect(chinese.status).toBe(1);
        expect(chinese.stderr).toContain(
          '配置（环境变量）有误，未执行任何操作：\n  PORTAL_DATABASE_URL：该数据库的排序规则（collation）为 C、字符分类（ctype）为 C，门户要求两者均为 C.UTF-8',
        );
        const english = startWith({ PORTAL_DATABASE_URL: address.href }, 'en_US.UTF-8');
        expect(english.status).toBe(1);
        expect(english.stderr).toContain(
          'PORTAL_DATABASE_URL: the database was created with collation C and ctype C; the portal needs C.UTF-8 for both',
        );
        expect(english.stderr).not.toMatch(/\n\s+at /);
      } finally {
        await asSuperuser(`drop database if exists ${name} with (force)`);
      }
    },
  );

  // Two starts of the portal, the first migrating and seeding: longer than one request's test.
  it('fills an empty database with the demo data set, and a second start reuses it', { timeout: 90_000 }, async () => {
    const fresh = await createTestDatabase(undefined, { migrated: false });
    const first = await startPortal(fresh);
    try {
      expect(first.output()).toContain('filled it with the demo data set (2000 certificates, 300 notices)');
      const { total } = await first.getJson('/api/v1/notices?state=open');
      expect(total).toBeGreaterThan(0);
    } finally {
      await first.stop();
    }
    const second = await startPortal(fresh);
    try {
      expect(second.output()).not.toContain('demo data set');
      // 有限公司 is in nearly every name: counted up to the limit, and the answer says it stopped there.
      const certificates = await second.getJson(`/api/v1/certificates?q=${encodeURIComponent('有限公司')}`);
      expect(certificates).toMatchObject({ total: 1000, totalCapped: true });
    } finally {
      await second.stop();
      await fresh.remove();
    }
  });

  // Seeds 4,000 notices and starts the portal: longer than one request's test.
  it('answers search with 503 and Retry-After while the first index is built, and every other page meanwhile', { timeout: 90_000 }, async () => {
    // Enough notices that building the index takes seconds, not the milliseconds a request does.
    const test = await createTestDatabase();
    await seedDemoData(test.db, { certificates: 500, notices: 4000, seed: 3, now: new Date() });
    const portal = await startPortal(test);
    try {
      const [search, home] = await Promise.all([portal.get('/search?q=%E7%89%A9%E4%B8%9A'), portal.get('/')]);
      expect(search.status).toBe(503);
      expect(search.headers.get('retry-after')).toBe('5');
      expect(await search.text()).toContain('搜索索引正在建立');
      expect(home.status).toBe(200);
    } finally {
      await portal.stop();
      await test.remove();
    }
  });
});
