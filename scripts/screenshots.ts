/**
 * `npm run screenshots`: PNGs of the main pages at 375 and 1280 px wide into
 * docs/screenshots/ (home-375.png, certificate-1280.png, …; `-en` in the name for English
 * pages once /en is served), for the README. The pages show the demo data set of a fixed
 * seed, served by the built portal on a free port over a temporary database.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { openDatabase } from '../src/lib/db/sqlite.ts';
import { listNotices } from '../src/lib/domain/notices/repository.ts';
import { beijingDate } from '../src/lib/ground/time/beijing.ts';
import { CHINA, launchChromium } from '../tests/support/chromium.ts';
import { inLanguage, startPortal, whenSearchIsReady } from '../tests/support/server.ts';
import { ensureFreshBuild, projectRoot } from './build.ts';
import { seedDemoData } from './demo/generate.ts';

const OUTPUT = join(projectRoot, 'docs/screenshots');
const DEMO = { certificates: 2000, notices: 300, seed: 20261126 };
const WIDTHS = [375, 1280] as const;
/** Long pages are cut here: the top is what a reader of the README needs, and the files stay small. */
const MAX_HEIGHT = 3000;

interface Shot {
  name: string;
  path: string;
}

/** What the pictures show, picked from the demo data: a valid certificate, its holder's name, an open notice. */
async function chooseSubjects(databasePath: string, now: Date): Promise<Shot[]> {
  const db = openDatabase(databasePath);
  try {
    await migrateToLatest(db);
    await seedDemoData(db, { ...DEMO, now });
    const certificate = await db
      .selectFrom('certificate')
      .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
      .select(['certificate.number', 'organisation.name'])
      .where('certificate.status', '=', 'valid')
      .where('certificate.expiresOn', '>=', beijingDate(now))
      .orderBy('certificate.number')
      .executeTakeFirstOrThrow();
    const notice = (await listNotices(db, { state: 'open' }, 1, now)).items[0];
    if (!notice) throw new Error('the demo data has no open notice');
    // Two characters after the city: the distinctive part of a Chinese company name.
    const namePart = (name: string) => Array.from(name).slice(2, 4).join('');
    return [
      { name: 'home', path: '/' },
      { name: 'certificate-lookup', path: `/certificates?q=${encodeURIComponent(namePart(certificate.name))}` },
      { name: 'certificate', path: `/certificates/${encodeURIComponent(certificate.number)}` },
      { name: 'notices', path: '/notices' },
      { name: 'notice', path: `/notices/${notice.id}` },
      { name: 'search', path: `/search?q=${encodeURIComponent(namePart(notice.applicant.name))}` },
    ];
  } finally {
    await db.destroy();
  }
}

async function capture(page: Page, url: string, file: string): Promise<void> {
  const response = await page.goto(url);
  if (response?.status() !== 200) throw new Error(`${url} answered ${response?.status()}`);
  const { width, height } = await page.evaluate(() => ({
    width: document.documentElement.clientWidth,
    height: document.documentElement.scrollHeight,
  }));
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, MAX_HEIGHT) } });
}

async function main(): Promise<void> {
  ensureFreshBuild();
  const folder = mkdtempSync(join(tmpdir(), 'portal-screenshots-'));
  const databasePath = join(folder, 'portal.db');
  try {
    const shots = await chooseSubjects(databasePath, new Date());
    const portal = await startPortal(databasePath);
    const browser = await launchChromium();
    try {
      await whenSearchIsReady(portal.baseUrl);
      const english = (await fetch(`${portal.baseUrl}/en`)).status === 200;
      const languages = english
        ? [
            { prefix: '', suffix: '' },
            { prefix: '/en', suffix: '-en' },
          ]
        : [{ prefix: '', suffix: '' }];
      mkdirSync(OUTPUT, { recursive: true });
      // A page that is no longer taken must not linger in the README's folder.
      for (const file of readdirSync(OUTPUT)) if (file.endsWith('.png')) rmSync(join(OUTPUT, file));
      for (const width of WIDTHS) {
        const phone = width < 640;
        const context = await browser.newContext({
          ...CHINA,
          viewport: { width, height: 900 },
          deviceScaleFactor: 1,
          isMobile: phone,
          hasTouch: phone,
        });
        const page = await context.newPage();
        for (const { prefix, suffix } of languages) {
          for (const shot of shots) {
            const file = join(OUTPUT, `${shot.name}${suffix}-${width}.png`);
            await capture(page, portal.baseUrl + inLanguage(prefix, shot.path), file);
            console.log(`${file.slice(projectRoot.length)}  ${Math.round(statSync(file).size / 1024)} KB`);
          }
        }
        await context.close();
      }
      if (!english) console.log('English pages (/en) are not served yet: only the Chinese pages were taken.');
    } finally {
      await browser.close();
      await portal.stop();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
