import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PHONE } from '../support/chromium.ts';
import { useBrowser } from '../support/browser.ts';
import { parseFeed } from '../support/feeds.ts';
import { CERTIFICATE_NUMBER, HOLDER, NAME_PART, fillCommentForm, placeWindow, useE2ePortal, submitCommentForm } from '../support/e2e-portal.ts';

const browser = useBrowser();

const portal = useE2ePortal();

const TRACKING_NUMBER = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/;
/** "Large" for the status: readable at arm's length on a phone. */
const LARGE_PX = 28;

/** The certificate page's status banner: its words, its size and where it ends on screen. */
async function statusBanner(page: Page) {
  const banner = page.locator('.status-banner');
  const box = await banner.boundingBox();
  return {
    text: (await banner.innerText()).trim(),
    fontSize: await banner.evaluate((element) => parseFloat(getComputedStyle(element).fontSize)),
    bottom: box ? box.y + box.height : Infinity,
    /** Status first: no heading of the page comes before it. */
    firstHeading: await page
      .locator('main :is(h1, h2)')
      .first()
      .evaluate((element) => element.classList.contains('status-banner')),
  };
}

describe.for([
  { scripts: 'with JavaScript', javaScriptEnabled: true },
  { scripts: 'without JavaScript', javaScriptEnabled: false },
])('$scripts', ({ javaScriptEnabled }) => {
  it('finds a certificate by part of its holder’s name from the home page and opens it, its status first and large', async () => {
    const page = await browser.newPage({ javaScriptEnabled });
    await page.goto(`${portal.baseUrl}/`);
    await page.locator('#certificate-query').fill(NAME_PART);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.waitForURL(/\/certificates\?q=/);
    await page.getByRole('link', { name: CERTIFICATE_NUMBER }).click();
    await page.waitForURL(`**/certificates/${CERTIFICATE_NUMBER}`);

    const banner = await statusBanner(page);
    expect(banner.text).toMatch(/^有效/);
    expect(banner.firstHeading).toBe(true);
    expect(banner.fontSize).toBeGreaterThanOrEqual(LARGE_PX);
    expect(await page.locator('main').innerText()).toContain(HOLDER);
  });

  it('takes a comment on an open notice, answers with a receipt, and the receipt’s address shows the comment’s status', async () => {
    const page = await browser.newPage({ javaScriptEnabled });
    await page.goto(`${portal.baseUrl}/notices/${portal.openNotice}`);
    await fillCommentForm(page);
    expect((await submitCommentForm(page)).status()).toBe(303);

    expect(new URL(page.url()).pathname).toMatch(/^\/comments\/[0-9A-Z-]{17}$/);
    const trackingNumber = (await page.locator('.tracking-number').innerText()).trim();
    expect(trackingNumber).toMatch(TRACKING_NUMBER);
    expect(await page.locator('main').innerText()).toContain('已收到');

    // Later, from the number written down: the page of the comment's status.
    await page.goto(`${portal.baseUrl}/comments/${trackingNumber}`);
    expect(await page.locator('main h1').innerText()).toContain(trackingNumber);
    expect(await page.locator('dl.facts').innerText()).toMatch(/处理状态\s*已收到/);
  });

  it('searches in Chinese from the header’s box and follows a result to its notice', async () => {
    const page = await browser.newPage({ javaScriptEnabled });
    await page.goto(`${portal.baseUrl}/notices`);
    await page.locator('#site-search-query').fill(NAME_PART);
    await page.locator('#site-search-query').press('Enter');
    await page.waitForURL(/\/search\?q=/);
    expect(await page.locator('mark').first().innerText()).toBe(NAME_PART);

    await page.locator('ol.results').getByRole('link', { name: HOLDER }).click();
    await page.waitForURL(`**/notices/${portal.openNotice}`);
    expect(await page.locator('main h1').innerText()).toContain(HOLDER);
  });
});

describe('a scan of the QR code on a certificate', () => {
  it('opens the certificate page on a phone with its status in large type on the first screen', async () => {
    const page = await browser.newPage(PHONE);
    await page.goto(`${portal.baseUrl}/certificates/${CERTIFICATE_NUMBER}`);
    const banner = await statusBanner(page);
    expect(banner.text).toMatch(/^有效/);
    expect(banner.fontSize).toBeGreaterThanOrEqual(LARGE_PX);
    expect(banner.bottom).toBeLessThan(PHONE.viewport.height);
  });
});

describe('the comment window', () => {
  it('shows no form on a notice whose window has closed, and says when it was open', async () => {
    const page = await browser.newPage();
    await page.goto(`${portal.baseUrl}/notices/${portal.closedNotice}`);
    expect(await page.locator('form.comment-form').count()).toBe(0);
    expect(await page.locator('main').innerText()).toMatch(/公示期已于 .+结束，不再接受异议和意见/);
  });

  it('refuses a form sent after the window closed while it was on screen, naming the window, and stores nothing', async () => {
    const page = await browser.newPage();
    await placeWindow(portal.db, portal.closingNotice, 'open');
    await page.goto(`${portal.baseUrl}/notices/${portal.closingNotice}`);
    await fillCommentForm(page);
    await placeWindow(portal.db, portal.closingNotice, 'closed');

    expect((await submitCommentForm(page)).status()).toBe(409);
    const refusal = await page.getByRole('alert').innerText();
    expect(refusal).toContain('已经结束');
    expect(refusal).toMatch(/意见仅在公示期内受理：\d{4}年\d{1,2}月\d{1,2}日(\d{1,2}时(\d{1,2}分)?)?（北京时间） 至/);
    const stored = await portal.db.selectFrom('comment').select('id').where('noticeId', '=', portal.closingNotice).execute();
    expect(stored).toEqual([]);

    await page.goto(`${portal.baseUrl}/notices/${portal.closingNotice}`);
    expect(await page.locator('form.comment-form').count()).toBe(0);
  });
});

describe('feeds', () => {
  it('offers a visible subscribe link on the notice list that leads to an RSS feed', async () => {
    const page = await browser.newPage();
    await page.goto(`${portal.baseUrl}/notices`);
    const subscribe = page.locator('.subscribe a[type="application/rss+xml"]');
    expect(await subscribe.isVisible()).toBe(true);
    const address = (await subscribe.getAttribute('href'))!;
    expect(await page.locator('link[rel="alternate"][type="application/rss+xml"]').getAttribute('href')).toBe(address);

    // Links name the public address (SITE_URL, here the portal's own); the feed is fetched from it.
    const feed = await page.request.get(portal.local(address));
    expect(feed.status()).toBe(200);
    expect(feed.headers()['content-type']).toMatch(/^application\/rss\+xml/);
    const parsed = await parseFeed(await feed.text(), address, portal.baseUrl);
    expect(parsed.items.length).toBeGreaterThan(0);
  });
});
