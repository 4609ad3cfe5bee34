import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/build.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { createTestDatabase } from '../support/database.ts';
import { startPortal } from '../support/server.ts';

const folder = mkdtempSync(join(tmpdir(), 'portal-start-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/start.ts')], {
    cwd: projectRoot,
    env: { ...process.env, PORTAL_DB: join(folder, 'never.db'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm start', () => {
  it.each([
    ['PORT', 'eighty', 'PORT: must be a whole number from 0 to 65535'],
    ['PORT', '70000', 'PORT: must be a whole number from 0 to 65535'],
    ['SITE_URL', 'cert.example.cn', 'SITE_URL: must be an absolute http(s) address'],
    ['TRUST_PROXY', 'maybe', 'TRUST_PROXY: must be the number of reverse proxies'],
    ['PORTAL_WRITE_WAIT', 'long', 'PORTAL_WRITE_WAIT: must be a number of seconds'],
    ['PORTAL_PROCESSES', '0', 'PORTAL_PROCESSES: must be a whole number of processes from 1 to 999'],
    ['PORTAL_CACHE_MB', 'lots', 'PORTAL_CACHE_MB: must be a whole number of megabytes'],
  ])('stops on %s=%s with a message that names it', (name, value, message) => {
    const run = startWith({ [name]: value });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('fills an empty database with the demo data set, and a second start reuses it', async () => {
    const databasePath = join(folder, 'fresh.db');
    const first = await startPortal(databasePath);
    try {
      expect(first.output()).toContain('filled it with the demo data set (2000 certificates, 300 notices)');
      const { total } = await (await fetch(`${first.baseUrl}/api/v1/notices?state=open`)).json();
      expect(total).toBeGreaterThan(0);
    } finally {
      await first.stop();
    }
    const second = await startPortal(databasePath);
    try {
      expect(second.output()).not.toContain('demo data set');
      // 有限公司 is in nearly every name: counted up to the limit, and the answer says it stopped there.
      const certificates = await (await fetch(`${second.baseUrl}/api/v1/certificates?q=${encodeURIComponent('有限公司')}`)).json();
      expect(certificates).toMatchObject({ total: 1000, totalCapped: true });
    } finally {
      await second.stop();
    }
  });

  it('answers search with 503 and Retry-After while the first index is built, and every other page meanwhile', async () => {
    // Enough notices that building the index takes seconds, not the milliseconds a request does.
    const test = await createTestDatabase();
    await seedDemoData(test.db, { certificates: 500, notices: 4000, seed: 3, now: new Date() });
    const portal = await startPortal(test);
    try {
      const [search, home] = await Promise.all([fetch(`${portal.baseUrl}/search?q=%E7%89%A9%E4%B8%9A`), fetch(`${portal.baseUrl}/`)]);
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
