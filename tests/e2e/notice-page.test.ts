import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser.ts';
import { LANGUAGES, openOn, SCREENS } from '../support/screens.ts';
import { useE2ePortal } from '../support/e2e-portal.ts';
import { insertNotice } from '../support/registry-fixtures.ts';
import { addDays, beijingDate, formatWindowTime, startOfBeijingDay } from '../../src/lib/ground/time/beijing.ts';

const browser = useBrowser();
const today = beijingDate(new Date());
/** Windows as bodies set them: from 00:00 of a day to 00:00 of the day after the last one. */
const midnight = (days: number) => startOfBeijingDay(addDays(today, days)).toISOString();
const OPEN = { windowStart: midnight(-2), windowEnd: midnight(3) };
const UPCOMING = { windowStart: midnight(2), windowEnd: midnight(9) };
let openNotice: number;
let upcomingNotice: number;

const portal = useE2ePortal();
beforeAll(async () => {
  const organisationId = (await portal.db.selectFrom('organisation').select('id').executeTakeFirstOrThrow()).id;
  openNotice = await insertNotice(portal.db, portal.ground, { organisationId, reference: 'GS-E2E-MIDNIGHT-OPEN', ...OPEN });
  upcomingNotice = await insertNotice(portal.db, portal.ground, { organisationId, reference: 'GS-E2E-MIDNIGHT-UPCOMING', ...UPCOMING });
});

describe.for(LANGUAGES)('$language notice page', ({ prefix, locale }) => {
  describe.for(SCREENS)('at $screen', (screen) => {
    async function open(noticeId: number): Promise<Page> {
      const page = await openOn(browser, screen, `${portal.baseUrl}${prefix}/notices/${noticeId}`);
      expect(await page.locator('h1').innerText()).not.toBe('');
      return page;
    }

    it('says on its first screen that comments are open and until when, as officials write a deadline, and jumps to the form', async () => {
      const page = await open(openNotice);
      const deadline = formatWindowTime(OPEN.windowEnd, 'end', locale);
      // The window ends at 00:00 on the day after its last day: it is said as 24:00 of the last day.
      expect(deadline).toContain(locale === 'en' ? `, 24:00` : '24时');
      const callout = page.locator('.open-callout');
      expect(await callout.innerText()).toContain(deadline);
      const box = await callout.boundingBox();
      expect(box && box.y + box.height, 'the callout ends on the first screen').toBeLessThanOrEqual(page.viewportSize()!.height);

      expect(await page.locator('#comment-form').innerText()).toContain(deadline);
      // Nowhere does the end read as the start of the next day.
      const nextDay = formatWindowTime(OPEN.windowEnd, 'start', locale).replace(locale === 'en' ? ' (Beijing time)' : '（北京时间）', '');
      expect(await page.locator('main').innerText()).not.toContain(nextDay);

      await page.locator('.open-callout a[href="#comment-form"]').click();
      await page.waitForURL(/#comment-form$/);
      const form = await page.locator('#comment-form-heading').boundingBox();
      expect(form && form.y >= 0 && form.y < page.viewportSize()!.height, 'the form heading is on screen after the jump').toBe(true);
    });

    it('states the web form and the body’s own channels as two ways that both count', async () => {
      const page = await open(openNotice);
      const howTo = await page.locator('section[aria-labelledby="objection-heading"]').innerText();
      expect(howTo).toContain(locale === 'en' ? 'Either of these two ways will do' : '以下两种方式任选其一');
      expect(howTo).toContain(
        locale === 'en' ? 'is a written objection or comment under your real name to 测试认证中心' : '就是向测试认证中心实名提出的书面意见',
      );
      expect(howTo).toContain('请以书面形式实名提出异议：测试认证中心，电话 010-00000000。');
    });

    it('tells when comments open on an upcoming notice, without a form yet', async () => {
      const page = await open(upcomingNotice);
      expect(await page.locator('main').innerText()).toContain(formatWindowTime(UPCOMING.windowStart, 'start', locale));
      expect(await page.locator('#comment-form').count()).toBe(0);
    });

    it('shows a closed notice’s outcome beside its state, and no longer tells how to object', async () => {
      const page = await open(portal.decidedNotice);
      const state = await page.locator('.notice-state').innerText();
      expect(state).toContain(locale === 'en' ? 'Closed' : '公示已结束');
      expect(state).toContain(locale === 'en' ? 'Certified' : '予以认证');
      expect(await page.locator('.notice-state a').getAttribute('href')).toBe(`${prefix}/certificates/TCB-PF-24-000777`);
      expect(await page.locator('#objection-heading').count()).toBe(0);
      expect(await page.locator('#comment-form').count()).toBe(0);
    });
  });
});
