import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openCountingScripts, scrollWidth, seriousViolations, useBrowser } from '../support/browser.ts';
import { CERTIFICATE_NUMBER, fillCommentForm, PAGE_KINDS, pageOf, placeWindow, useE2ePortal, submitCommentForm } from '../support/e2e-portal.ts';
import { inLanguage } from '../support/server.ts';

const browser = useBrowser();

const portal = useE2ePortal();

/** The narrowest phone screen in common use in China: every page is visited at this width. */
const NARROW = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } as const;
const JAVASCRIPT_BUDGET_BYTES = 20 * 1024;

/** What every page must be: usable at 360 px without sideways scrolling, and free of serious accessibility faults. */
async function expectUsable(page: Page): Promise<void> {
  expect(await scrollWidth(page), 'width of the content at 360 px').toBeLessThanOrEqual(NARROW.viewport.width);
  expect(await seriousViolations(page), 'serious or critical axe violations').toEqual([]);
}

describe.for([
  { language: 'Chinese', prefix: '' },
  { language: 'English', prefix: '/en' },
])('$language pages', ({ prefix }) => {
  it.for(PAGE_KINDS)('%s fits 360 px, ships at most 20 KB of JavaScript and has no serious axe violation', async (kind) => {
    const { path, status } = pageOf(portal, kind);
    const page = await browser.newPage(NARROW);
    const shipped = await openCountingScripts(page, portal.baseUrl + inLanguage(prefix, path));
    expect(shipped.status).toBe(status);
    expect(shipped.scriptBytes, 'bytes of JavaScript').toBeLessThanOrEqual(JAVASCRIPT_BUDGET_BYTES);
    await expectUsable(page);
  });

  /** The notice page with its form filled in, ready to send. */
  async function filledForm(noticeId: number, entry?: Parameters<typeof fillCommentForm>[1]): Promise<Page> {
    const path = `/notices/${noticeId}`;
    const page = await browser.newPage(NARROW);
    expect((await page.goto(portal.baseUrl + inLanguage(prefix, path)))?.status()).toBe(200);
    await fillCommentForm(page, entry);
    return page;
  }

  it('returns the comment form with its problems named (422) in a page that fits 360 px and has no serious axe violation', async () => {
    const page = await filledForm(portal.openNotice, { name: '赵', contact: 'not-a-contact' });
    expect((await submitCommentForm(page)).status()).toBe(422);
    await expectUsable(page);
  });

  it('refuses a comment sent after its window closed (409) in a page that fits 360 px and has no serious axe violation', async () => {
    await placeWindow(portal.db, portal.closingNotice, 'open');
    const page = await filledForm(portal.closingNotice);
    await placeWindow(portal.db, portal.closingNotice, 'closed');
    expect((await submitCommentForm(page)).status()).toBe(409);
    await expectUsable(page);
  });
});

describe('the JavaScript count', () => {
  it('counts loaded and inline scripts, so a page over the budget would fail', async () => {
    const page = await browser.newPage();
    // A made-up site: the portal itself ships no script to count.
    await page.route('http://budget.test/**', (route) =>
      route.request().url().endsWith('.js')
        ? route.fulfill({ contentType: 'text/javascript', body: `/*${'x'.repeat(JAVASCRIPT_BUDGET_BYTES)}*/` })
        : route.fulfill({
            contentType: 'text/html',
            body: '<script src="/a.js"></script><script>var inline = 1;</script><script type="application/ld+json">{}</script>',
          }),
    );
    const shipped = await openCountingScripts(page, 'http://budget.test/');
    expect(shipped.scriptBytes).toBe(JAVASCRIPT_BUDGET_BYTES + 4 + 'var inline = 1;'.length);
  });
});

describe('printing', () => {
  it('prints a certificate page as its status and facts, without the header, search forms or footer', async () => {
    const page = await browser.newPage();
    await page.goto(`${portal.baseUrl}/certificates/${CERTIFICATE_NUMBER}`);
    await page.emulateMedia({ media: 'print' });
    for (const selector of ['.site-header', '.site-search', '.search-form', '.site-footer']) {
      expect(await page.locator(selector).first().isVisible(), selector).toBe(false);
    }
    expect(await page.locator('.status-banner').isVisible()).toBe(true);
    expect(await page.locator('#facts-heading').isVisible()).toBe(true);
  });
});
