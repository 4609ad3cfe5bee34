import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/build.ts';
import { MESSAGES } from '../../src/lib/i18n/messages.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertOrganisation } from '../support/registry-fixtures.ts';
import { startPortal } from '../support/server.ts';

let test: TestDatabase;
// A registry of one certificate: the portal then starts without seeding the demo data set.
beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const organisationId = await insertOrganisation(test.db, '杭州首访物业服务有限公司', '91330106MA2H3K7P1E');
  await insertCertificate(test.db, ground, { number: 'FC-WY-26-000001', organisationId });
});
afterAll(() => test?.remove());

/** A port some other program listens on, for as long as the test holds `server`. */
async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('first contact, as a new user meets it', () => {
  it('a port already in use: says which and what to do, exit 1, no stack trace', async () => {
    const { port, server } = await occupiedPort();
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/start.ts')], {
        cwd: projectRoot,
        env: { ...process.env, ...test.env, HOST: '127.0.0.1', PORT: String(port), PORTAL_PROCESSES: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`127.0.0.1:${port} is already in use`);
      expect(run.stderr).toContain('PORT=');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      server.close();
    }
  }, 90_000);

  it('only PORT set: the page’s links name the address the portal listens on, not port 4321; Astro’s image endpoint is not served', async () => {
    // SITE_URL empty: as on a machine where only PORT was chosen.
    const portal = await startPortal(test, { SITE_URL: '' });
    try {
      const page = await portal.getText('/certificates/FC-WY-26-000001');
      expect(page).toContain('FC-WY-26-000001');
      expect(page).toContain(`href="${portal.baseUrl}/en/certificates/FC-WY-26-000001"`);
      expect(page).not.toContain('localhost:4321');
      // Astro's image endpoint is in every server build; the portal serves no image through it.
      for (const address of ['/_image', '/_image?href=%2Ffavicon.svg&w=10&h=10']) {
        const image = await portal.get(address);
        expect(image.status, address).toBe(404);
        expect(await image.text(), address).toContain(`<h1>${MESSAGES['zh-CN'].notFound.title}</h1>`);
      }
    } finally {
      await portal.stop();
    }
  });
});
