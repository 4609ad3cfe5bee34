import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { scrollWidth, useBrowser } from '../support/browser.ts';
import { LANGUAGES, openOn, SCREENS } from '../support/screens.ts';
import { CERTIFICATE_NUMBER, HOLDER, useE2ePortal } from '../support/e2e-portal.ts';
import { testUscc } from '../support/notice-fixtures.ts';
import { SEARCH_CORPUS } from '../support/search-fixtures.ts';

const browser = useBrowser();
/** The holder's USCC with its check character changed: the commonest slip in copying one. */
const HOLDER_USCC = testUscc(SEARCH_CORPUS[0]!.serial);
const MISTYPED_USCC = HOLDER_USCC.slice(0, 17) + (HOLDER_USCC.endsWith('0') ? '1' : '0');

const portal = useE2ePortal();

describe.for(LANGUAGES)('$language certificate lookup', ({ prefix, english }) => {
  describe.for(SCREENS)('at $screen', (screen) => {
    async function lookUp(query: string): Promise<Page> {
      const page = await openOn(browser, screen, `${portal.baseUrl}${prefix}/certificates`);
      await page.locator('#certificate-query').fill(query);
      await page.locator('main form button[type="submit"]').first().click();
      await page.waitForLoadState();
      expect(await scrollWidth(page), 'no sideways scrolling').toBeLessThanOrEqual(screen.width);
      return page;
    }

    it('opens the certificate’s page for a whole certificate number, typed in lower case', async () => {
      const page = await lookUp(CERTIFICATE_NUMBER.toLowerCase());
      expect(new URL(page.url()).pathname).toBe(`${prefix}/certificates/${CERTIFICATE_NUMBER}`);
      expect(await page.locator('.status-banner').innerText()).toMatch(english ? /^Valid/ : /^有效/);
    });

    it('offers the USCC meant when its check character is wrong, and finds the holder from it', async () => {
      const page = await lookUp(MISTYPED_USCC);
      await page.getByRole('link', { name: HOLDER_USCC }).click();
      await page.waitForURL(/\?q=/);
      expect(await page.locator('main').innerText()).toContain(CERTIFICATE_NUMBER);
    });

    it('finds a holder from several words of its name, in any order', async () => {
      const page = await lookUp('售后 西子');
      expect(await page.locator('main').innerText()).toContain(HOLDER);
    });
  });
});
