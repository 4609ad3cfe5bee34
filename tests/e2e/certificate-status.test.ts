import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser.ts';
import { LANGUAGES, openOn, SCREENS } from '../support/screens.ts';
import { useE2ePortal } from '../support/e2e-portal.ts';
import { insertCertificate } from '../support/registry-fixtures.ts';
import { addDays, beijingDate, formatBeijingDate } from '../../src/lib/ground/time/beijing.ts';

const browser = useBrowser();
const today = beijingDate(new Date());
const SUSPENDED_THEN_EXPIRED = 'TCB-SH-22-000777';
const ENDING_SOON = 'TCB-SH-24-000778';
const WITHDRAWN = 'TCB-SH-23-000779';
const lastDay = addDays(today, -200);
const suspendedOn = addDays(today, -300);
const endingOn = addDays(today, 30);
const withdrawnOn = addDays(today, -10);

const portal = useE2ePortal();
beforeAll(async () => {
  const { db } = portal;
  const { ground } = portal;
  const organisationId = (await db.selectFrom('organisation').select('id').executeTakeFirstOrThrow()).id;
  const at = (date: string) => `${date}T02:00:00.000Z`;
  await insertCertificate(db, ground, {
    number: SUSPENDED_THEN_EXPIRED,
    organisationId,
    status: 'suspended',
    issuedOn: addDays(lastDay, -1000),
    expiresOn: lastDay,
    events: [
      { kind: 'issued', occurredAt: at(addDays(lastDay, -1000)), expiresOn: lastDay },
      { kind: 'suspended', occurredAt: at(suspendedOn), description: '未按期接受监督审核' },
    ],
  });
  await insertCertificate(db, ground, {
    number: ENDING_SOON,
    organisationId,
    issuedOn: addDays(endingOn, -1000),
    expiresOn: endingOn,
    events: [{ kind: 'issued', occurredAt: at(addDays(endingOn, -1000)), expiresOn: endingOn }],
  });
  await insertCertificate(db, ground, {
    number: WITHDRAWN,
    organisationId,
    status: 'withdrawn',
    events: [
      { kind: 'issued', occurredAt: at(addDays(today, -400)), expiresOn: addDays(today, 600) },
      { kind: 'withdrawn', occurredAt: at(withdrawnOn), description: '获证组织提供虚假材料' },
    ],
  });
});

/** The status box as a person reads it: the banner (status and its date) and what is said beside it. */
async function statusBox(page: Page) {
  const banner = page.locator('.status-banner');
  const box = await banner.boundingBox();
  return {
    banner: (await banner.innerText()).replace(/\s+/g, ' ').trim(),
    warnings: await page.locator('.status-box .status-warning').allInnerTexts(),
    reason: await page.locator('.status-box .status-reason').allInnerTexts(),
    queriedAt: (await page.locator('.status-box .queried-at').innerText()).trim(),
    onFirstScreen: box !== null && box.y + box.height <= (page.viewportSize()?.height ?? 0),
  };
}

describe.for(LANGUAGES)('$language certificate page', ({ prefix, locale }) => {
  const date = (day: string) => formatBeijingDate(day, locale);
  describe.for(SCREENS)('at $screen', (screen) => {
    const open = (number: string) => openOn(browser, screen, `${portal.baseUrl}${prefix}/certificates/${number}`);

    it('says a suspended certificate past its end date is expired, since when, and that it was suspended, with the reason', async () => {
      const box = await statusBox(await open(SUSPENDED_THEN_EXPIRED));
      expect(box.banner).toBe(
        locale === 'en'
          ? `Expired expired on ${date(addDays(lastDay, 1))} (valid until ${date(lastDay)})`
          : `过期 已于 ${date(addDays(lastDay, 1))}过期（有效期至 ${date(lastDay)}）`,
      );
      expect(box.warnings.join(' ')).toContain(date(suspendedOn));
      expect(box.reason.join(' ')).toContain('未按期接受监督审核');
      expect(box.onFirstScreen).toBe(true);
      // When it was asked is said apart, with the time and zone, never inside the status.
      expect(box.queriedAt).toMatch(locale === 'en' ? /^Checked .*\(Beijing time\)$/ : /^查询时间：.*（北京时间）$/);
      expect(box.banner).not.toContain(locale === 'en' ? 'as of' : '截至');
    });

    it('says a valid certificate ending within 60 days how many days it has left, and its last day', async () => {
      const box = await statusBox(await open(ENDING_SOON));
      expect(box.banner).toBe(locale === 'en' ? `Valid valid until ${date(endingOn)}` : `有效 有效期至 ${date(endingOn)}`);
      expect(box.warnings).toEqual([locale === 'en' ? 'It expires in 30 days.' : '还有 30 天到期。']);
    });

    it('says when and why a certificate was withdrawn', async () => {
      const box = await statusBox(await open(WITHDRAWN));
      expect(box.banner).toBe(locale === 'en' ? `Withdrawn withdrawn on ${date(withdrawnOn)}` : `撤销 已于 ${date(withdrawnOn)}撤销`);
      expect(box.reason).toEqual([locale === 'en' ? 'Reason: 获证组织提供虚假材料' : '原因：获证组织提供虚假材料']);
      expect(box.warnings).toEqual([]);
    });

    it('shows the certificate’s facts before the “status on a given day” card', async () => {
      const page = await open(ENDING_SOON);
      const order = await page.locator('main h2').evaluateAll((headings) => headings.map((heading) => heading.id));
      expect(order.indexOf('facts-heading')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('facts-heading')).toBeLessThan(order.indexOf('on-heading'));
    });
  });
});
