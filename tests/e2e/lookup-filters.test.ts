import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations, useBrowser } from '../support/browser.ts';
import { LANGUAGES, openOn, SCREENS } from '../support/screens.ts';
import { fillCommentForm, useE2ePortal, submitCommentForm } from '../support/e2e-portal.ts';
import { insertApplicant, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertCertificate } from '../support/registry-fixtures.ts';
import { addDays, beijingDate, formatBeijingDateTime } from '../../src/lib/ground/time/beijing.ts';

/**
 * What issue 15's last points look like to a person, in both languages, on a phone and a
 * desktop: the lookup valid first with its filters folded after the results, a withdrawn
 * notice's when and why, and the 429 page saying what else to do.
 */
const browser = useBrowser();
const today = beijingDate(new Date());
const HOLDER = '九江庐山滤镜测试物业服务有限公司';
const REASON = '公示的认证范围表述有误，撤回本公示，更正后重新公示。';
const WITHDRAWN_AT = new Date(Date.now() - 26 * 60 * 60 * 1000).toISOString();
let withdrawnNotice: number;

const portal = useE2ePortal();
beforeAll(async () => {
  const holder = await insertApplicant(portal.db, HOLDER, 'MA8100001', '江西省');
  // Expired first in number order, valid last: the lookup must turn that round.
  const certificates: [string, 'valid' | 'suspended' | 'withdrawn', string][] = [
    ['TCB-WY-20-000001', 'valid', addDays(today, -30)],
    ['TCB-WY-21-000002', 'withdrawn', addDays(today, 200)],
    ['TCB-WY-22-000003', 'suspended', addDays(today, 300)],
    ['TCB-WY-23-000004', 'valid', addDays(today, 400)],
  ];
  for (const [number, status, expiresOn] of certificates)
    await insertCertificate(portal.db, portal.ground, { number, organisationId: holder, status, expiresOn });
  withdrawnNotice = await insertListedNotice(portal.db, portal.ground, {
    reference: 'GS-E2E-WITHDRAWN',
    organisationId: holder,
    windowStart: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    windowEnd: new Date(Date.now() + 4 * 86_400_000).toISOString(),
    status: 'withdrawn',
  });
  await portal.db.updateTable('notice').set({ withdrawnAt: WITHDRAWN_AT, withdrawalReason: REASON }).where('id', '=', withdrawnNotice).execute();
});

const numbersOn = async (page: Page) => (await page.locator('main .results a.number').allInnerTexts()).map((text) => text.trim());

describe.for(LANGUAGES)('$language', ({ prefix, english, locale }) => {
  describe.for(SCREENS)('at $screen', (screen) => {
    it('lists a holder’s certificates valid first, the results before the filters, which are folded until one is chosen', async () => {
      const page = await openOn(browser, screen, `${portal.baseUrl}${prefix}/certificates?q=${encodeURIComponent('庐山滤镜')}`);
      expect(await page.locator('main h1').innerText()).toBe(english ? 'Check a certificate' : '证书查询');
      expect(await numbersOn(page)).toEqual(['TCB-WY-23-000004', 'TCB-WY-22-000003', 'TCB-WY-20-000001', 'TCB-WY-21-000002']);
      const facets = page.locator('details.lookup-facets');
      expect(await facets.getAttribute('open')).toBeNull();
      const firstResult = await page.locator('main .results li').first().boundingBox();
      const folded = await facets.boundingBox();
      expect(firstResult!.y, 'the first result comes before the filters').toBeLessThan(folded!.y);
      await facets.locator('summary').click();
      const status = facets.getByRole('navigation', { name: english ? 'Status' : '证书状态' });
      expect(await status.innerText()).toContain(english ? 'Valid (1)' : '有效（1）');
      await status.getByRole('link', { name: english ? 'Expired (1)' : '过期（1）' }).click();
      await page.waitForURL(/status=expired/);
      expect(await numbersOn(page)).toEqual(['TCB-WY-20-000001']);
      // Chosen, the filters stay open and say which is chosen.
      expect(await page.locator('details.lookup-facets').getAttribute('open')).not.toBeNull();
      expect(await page.locator('details.lookup-facets [aria-current="true"]').innerText()).toContain(english ? 'Expired' : '过期');
      expect(await seriousViolations(page)).toEqual([]);
    });

    it('lists the certificates of a province by the filters alone, with the counts of the registry', async () => {
      const page = await openOn(browser, screen, `${portal.baseUrl}${prefix}/certificates?province=${encodeURIComponent('江西省')}&status=valid`);
      expect(await numbersOn(page)).toEqual(['TCB-WY-23-000004']);
      expect(await page.locator('main [role="status"]').first().innerText()).toMatch(english ? /1 certificate/ : /1\s*张证书/);
      expect(await seriousViolations(page)).toEqual([]);
    });

    it('says when and why a withdrawn notice was withdrawn', async () => {
      const page = await openOn(browser, screen, `${portal.baseUrl}${prefix}/notices/${withdrawnNotice}`);
      const withdrawal = await page.locator('.withdrawal').innerText();
      expect(withdrawal).toContain(formatBeijingDateTime(WITHDRAWN_AT, locale));
      expect(withdrawal).toContain(REASON);
      expect(await page.locator('#comment-form').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
    });

    it('answers one person’s flood with 429, what they typed back, and what else to do', async () => {
      const contact = `flood.${english ? 'en' : 'zh'}.${screen.width}@example.cn`;
      const formUrl = `${portal.baseUrl}${prefix}/notices/${portal.openNotice}/comments`;
      for (let i = 0; i < 5; i++) {
        const answer = await fetch(formUrl, {
          method: 'POST',
          redirect: 'manual',
          headers: { origin: portal.baseUrl },
          body: new URLSearchParams({
            kind: 'opinion',
            text: `第 ${i + 1} 条意见：售后电话无人接听，请核实。`,
            name: '钱七',
            contact,
            consent: 'yes',
            idempotencyKey: `flood-${english ? 'en' : 'zh'}-${screen.width}-${i}-abcdefgh`,
            website: '',
          }),
        });
        expect(answer.status).toBe(303);
      }
      const page = await openOn(browser, screen, `${portal.baseUrl}${prefix}/notices/${portal.openNotice}`);
      await fillCommentForm(page, { contact });
      expect((await submitCommentForm(page)).status()).toBe(429);
      const main = await page.locator('main').innerText();
      expect(main).toContain(english ? 'What else you can do' : '还可以这样做');
      expect(main).toContain(english ? 'with this contact' : '使用同一联系方式的');
      expect(await page.locator('textarea[name="text"]').inputValue()).not.toBe('');
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
});
