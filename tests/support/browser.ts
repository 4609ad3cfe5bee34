import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { CHINA, launchChromium } from './chromium.ts';

export interface BrowserSession {
  /** A page in a fresh context of its own (cookies, viewport, JavaScript on or off), closed after the test. */
  newPage: (options?: BrowserContextOptions) => Promise<Page>;
}

/** One browser per test file, launched before its tests and closed after them; one context per test. */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    newPage: async (options = {}) => {
      if (!browser) throw new Error('useBrowser: the browser is not launched yet (call newPage inside a test)');
      const context = await browser.newContext({ ...CHINA, ...options });
      contexts.push(context);
      return context.newPage();
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's serious and critical violations of WCAG 2.1 A/AA and best practice on the
 * page as loaded. axe is evaluated through the DevTools protocol, which the site's
 * Content-Security-Policy (scripts from the site only) does not apply to.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: RawViolation[] }> } }).axe;
    interface RawViolation {
      id: string;
      impact?: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/**
 * Opens `url` and counts the JavaScript the page ships: the bytes of every script it loads
 * and of every inline script in its document.
 */
export async function openCountingScripts(page: Page, url: string): Promise<{ status: number; scriptBytes: number }> {
  const bodies: Promise<number>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') bodies.push(response.body().then((body) => body.length));
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  // Data blocks (JSON-LD and the like) are not run, so they are not JavaScript shipped.
  const inline = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLScriptElement>('script:not([src])'))
      .filter((script) => ['', 'module', 'text/javascript', 'application/javascript'].includes(script.type.toLowerCase()))
      .map((script) => new TextEncoder().encode(script.textContent ?? '').length)
      .reduce((a, b) => a + b, 0),
  );
  const loaded = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
  return { status: response?.status() ?? 0, scriptBytes: loaded + inline };
}

/** How far the page's content reaches sideways: wider than the viewport means horizontal scrolling. */
export const scrollWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);
