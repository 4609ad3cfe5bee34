import { describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser.ts';
import { LANGUAGES, openOn, SCREENS } from '../support/screens.ts';
import { MESSAGES } from '../../src/lib/i18n/messages.ts';
import { CERTIFICATE_NUMBER, NAME_PART, useE2ePortal } from '../support/e2e-portal.ts';

const browser = useBrowser();

const portal = useE2ePortal();

/** A card's padding is 16 px: a heading that opens it starts right there, not ~40 px down. */
const MAX_GAP_ABOVE_HEADING_PX = 20;

describe.for(LANGUAGES)('$language', ({ prefix, locale }) => {
  const brand = MESSAGES[locale].site.name;
  describe.for(SCREENS)('at $screen', (screen) => {
    const { width } = screen;
    const open = (path: string) => openOn(browser, screen, `${portal.baseUrl}${prefix}${path}`);

    it('home: a heading of its own, cards without empty space above their headings, decisions with badges, numbers unbroken', async () => {
      const page = await open('/');
      expect((await page.locator('main h1').innerText()).trim()).not.toBe(brand);
      const gaps = await page
        .locator('main .card > h2:first-child')
        .evaluateAll((headings) =>
          headings.map((heading) => heading.getBoundingClientRect().top - heading.parentElement!.getBoundingClientRect().top),
        );
      expect(gaps.length).toBeGreaterThan(2);
      for (const gap of gaps) expect(gap).toBeLessThanOrEqual(MAX_GAP_ABOVE_HEADING_PX);

      const decisions = page.locator('section[aria-labelledby="decisions-heading"] li');
      expect(await decisions.count()).toBeGreaterThan(0);
      for (const item of await decisions.all()) expect(await item.locator('.status').count()).toBe(1);
      // Every certificate number in the list is on one line.
      const lines = await page
        .locator('section[aria-labelledby="decisions-heading"] .nowrap')
        .evaluateAll((numbers) => numbers.map((number) => number.getClientRects().length));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((count) => count === 1)).toBe(true);
    });

    it('certificate page: every detail label on one line on a desktop', async () => {
      const page = await open(`/certificates/${CERTIFICATE_NUMBER}`);
      const labels = await page.locator('#facts-heading ~ dl.facts > dt').evaluateAll((terms) =>
        terms.map((term) => {
          // The lines its text takes (a row as tall as its value would mislead).
          const range = document.createRange();
          range.selectNodeContents(term);
          return { text: term.textContent, lines: new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top))).size };
        }),
      );
      expect(labels.length).toBeGreaterThan(8);
      if (width >= 1280) expect(labels.filter((label) => label.lines > 1)).toEqual([]);
    });

    it('search: the results come first, the filters after them, folded', async () => {
      const page = await open(`/search?q=${encodeURIComponent(NAME_PART)}`);
      const firstResult = await page.locator('section[aria-labelledby="notices-heading"] ol.results > li').first().boundingBox();
      const facets = page.locator('details.facets');
      expect(await facets.getAttribute('open')).toBeNull();
      const folded = await facets.boundingBox();
      expect(firstResult && folded).toBeTruthy();
      if (width < 768) expect(firstResult!.y).toBeLessThan(folded!.y);
      expect(await facets.locator('a').first().isVisible()).toBe(false);
      await facets.locator('summary').click();
      expect(await facets.locator('a').first().isVisible()).toBe(true);
    });
  });
});
