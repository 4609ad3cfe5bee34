import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { scrollWidth, type BrowserSession } from './browser.ts';
import { PHONE } from './chromium.ts';

/** The two languages a page is read in: Chinese at its address, English under /en. */
export const LANGUAGES = [
  { language: 'Chinese', prefix: '', locale: 'zh-CN', english: false },
  { language: 'English', prefix: '/en', locale: 'en', english: true },
] as const;

/** A phone and a desktop: what a person sees is checked on both. */
export const SCREENS = [
  { screen: '375 px', options: PHONE, width: 375 },
  { screen: '1280 px', options: { viewport: { width: 1280, height: 800 } }, width: 1280 },
] as const;

export type Screen = (typeof SCREENS)[number];

/** Opens `url` on `screen`: it answers `status` and never scrolls sideways. */
export async function openOn(browser: BrowserSession, screen: Screen, url: string, status = 200): Promise<Page> {
  const page = await browser.newPage(screen.options);
  expect((await page.goto(url))?.status(), url).toBe(status);
  expect(await scrollWidth(page), 'no sideways scrolling').toBeLessThanOrEqual(screen.width);
  return page;
}
