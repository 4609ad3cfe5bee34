import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser.ts';
import { LANGUAGES, openOn, SCREENS } from '../support/screens.ts';
import { fillCommentForm, useE2ePortal, submitCommentForm } from '../support/e2e-portal.ts';
import { insertComment } from '../support/notice-fixtures.ts';

const browser = useBrowser();
// A tracking number in the form the portal gives them (Crockford base32, three groups of five).
const REJECTED = 'REJEC-T0000-00001';
const REASON = '意见内容与本公示的认证范围无关。';

const portal = useE2ePortal();
beforeAll(async () => {
  await insertComment(portal.db, portal.closedNotice, { text: '这条意见与公示无关的内容。', status: 'rejected', reply: REASON });
  await portal.db.updateTable('comment').set({ trackingNumber: REJECTED }).where('reply', '=', REASON).execute();
});

const TEXT = '售后服务电话多次无人接听，评价结论值得复核。';

describe.for(LANGUAGES)('$language', ({ prefix, english }) => {
  describe.for(SCREENS)('at $screen', (screen) => {
    const open = (path: string) => openOn(browser, screen, `${portal.baseUrl}${prefix}${path}`);

    it('gives a receipt that shows what was sent, what happens next and a link to the comment’s status page', async () => {
      const page = await open(`/notices/${portal.openNotice}`);
      await fillCommentForm(page, { text: TEXT });
      expect((await submitCommentForm(page)).status()).toBe(303);
      const main = await page.locator('main').innerText();
      expect(main).toContain(english ? 'Your objection has been received' : '已收到您的异议');
      expect(main).toContain(TEXT);
      expect(main).toContain(english ? 'What happens next' : '接下来');
      const tracking = (await page.locator('.tracking-number').innerText()).trim();
      expect(tracking).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      // Nothing of the person who sent it is shown back.
      expect(main).not.toContain('赵六');
      expect(main).not.toContain('13900139000');

      await page.getByRole('link', { name: english ? 'See the status of this comment' : '查看本意见的处理状态' }).click();
      await page.waitForURL(`**${prefix}/comments/${tracking}`);
      expect(await page.locator('h1').innerText()).toContain(tracking);
      expect(await page.locator('main').innerText()).toContain(TEXT);
    });

    it('shows the reason a comment was not accepted, never “no answer yet” beside the refusal', async () => {
      const page = await open(`/comments/${REJECTED}`);
      const facts = await page.locator('main dl.facts').innerText();
      expect(facts).toContain(english ? 'Not accepted' : '不予受理');
      expect(facts).toContain(english ? 'Why it was not accepted' : '不予受理的原因');
      expect(facts).toContain(REASON);
      expect(facts).not.toContain(english ? 'No answer yet' : '尚未答复');
    });

    it('is reached from every footer, says what a tracking number looks like, and opens it', async () => {
      const page = await open('/');
      await page
        .locator('.site-footer')
        .getByRole('link', { name: english ? 'Check the status of a comment' : '查询意见处理状态' })
        .click();
      await page.waitForURL(`**${prefix}/comments`);
      expect(await page.locator('main').innerText()).toContain('7K3MQ-9QX2A-BC4EF');
      await page.locator('#tracking-input').fill(portal.trackingNumber.toLowerCase().replace(/-/g, ''));
      await page.locator('main button[type="submit"]').click();
      await page.waitForURL(`**${prefix}/comments/${portal.trackingNumber}`);
      expect(await page.locator('h1').innerText()).toContain(portal.trackingNumber);
    });

    it('is linked from the notice page', async () => {
      const page = await open(`/notices/${portal.closedNotice}`);
      expect(await page.locator('#comments-heading ~ p a').first().getAttribute('href')).toBe(`${prefix}/comments`);
    });
  });
});
