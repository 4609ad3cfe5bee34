import { describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser.ts';
import { LANGUAGES, openOn, SCREENS } from '../support/screens.ts';
import { CERTIFICATE_NUMBER, E2E_OPERATOR, useE2ePortal } from '../support/e2e-portal.ts';

const browser = useBrowser();

const portal = useE2ePortal();

describe.for(LANGUAGES)('$language', ({ prefix, english }) => {
  describe.for(SCREENS)('at $screen', (screen) => {
    const open = (path: string) => openOn(browser, screen, `${portal.baseUrl}${prefix}${path}`);

    it('says in the footer who runs the site, its contact and filing numbers, and links the regulator’s platform and 12315', async () => {
      const page = await open(`/certificates/${CERTIFICATE_NUMBER}`);
      const footer = page.locator('.site-footer');
      const text = await footer.innerText();
      for (const value of Object.values(E2E_OPERATOR)) expect(text).toContain(value);
      expect(await footer.getByRole('link', { name: E2E_OPERATOR.PORTAL_ICP_FILING }).getAttribute('href')).toBe('https://beian.miit.gov.cn/');
      expect(await footer.getByRole('link', { name: english ? 'Consumer complaints: 12315' : '消费者投诉举报：12315' }).getAttribute('href')).toBe(
        'https://www.12315.cn/',
      );
      await footer.getByRole('link', { name: english ? 'About this site' : '关于本站' }).click();
      await page.waitForURL(`**${prefix}/about`);
      expect(await page.locator('main').innerText()).toContain(E2E_OPERATOR.PORTAL_OPERATOR);
    });

    it('links the privacy statement from the consent box, in a new window, so nothing typed is lost', async () => {
      const page = await open(`/notices/${portal.openNotice}`);
      await page.locator('textarea[name="text"]').fill('这段文字在打开个人信息处理说明后仍应在表单中。');
      const link = page.locator('#privacy-statement a');
      const [statement] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
      await statement.waitForLoadState();
      expect(new URL(statement.url()).pathname).toBe(`${prefix}/privacy`);
      const words = await statement.locator('main').innerText();
      expect(words).toContain(english ? 'How long it is kept' : '保存多久');
      expect(words).toContain(english ? 'How to have it deleted' : '如何要求删除');
      expect(await page.locator('textarea[name="text"]').inputValue()).toContain('这段文字');
    });
  });
});
