import Parser from 'rss-parser';
import { expect } from 'vitest';

import { SITE_URL } from './server.ts';

export { SITE_URL };

/**
 * Outside XML 1.0's Char production: restated here rather than imported, so the check does
 * not share a mistake with the code under test. rss-parser accepts these, hence the check.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type ParsedFeed = Parser.Output<object> & { language?: string; ttl?: string; description?: string };

/**
 * Parses a feed with rss-parser (xml2js in strict mode: a stray `&` or `<` throws) after
 * checking that no character XML forbids is in it, then checks what every feed must have.
 */
export async function parseFeed(xml: string, selfUrl: string, siteUrl: string = SITE_URL): Promise<ParsedFeed> {
  expect(XML_FORBIDDEN.exec(xml)).toBeNull();
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><rss')).toBe(true);
  const feed = (await new Parser().parseString(xml)) as ParsedFeed;

  expect(feed.title).toBeTruthy();
  expect(feed.description).toBeTruthy();
  expect(feed.link?.startsWith(`${siteUrl}/`)).toBe(true);
  expect(feed.feedUrl).toBe(selfUrl);
  expect(feed.language).toBe('zh-CN');
  expect(Number(feed.ttl)).toBeGreaterThan(0);

  for (const item of feed.items) {
    expect(item.title).toBeTruthy();
    expect(item.link?.startsWith(`${siteUrl}/`), item.link).toBe(true);
    expect(() => new URL(item.link!)).not.toThrow();
    expect(item.guid).toBeTruthy();
    expect(item.pubDate).toBeTruthy();
    expect(Number.isNaN(Date.parse(item.pubDate!))).toBe(false);
    expect(item.isoDate).toBeTruthy();
    expect(item.categories?.length ?? 0).toBeGreaterThanOrEqual(3);
    for (const category of item.categories ?? []) expect(category).toBeTruthy();
    expect(item.contentSnippet).toBeTruthy();
  }
  const guids = feed.items.map((item) => item.guid);
  expect(new Set(guids).size).toBe(guids.length);
  const times = feed.items.map((item) => Date.parse(item.isoDate!));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  return feed;
}

/** Every guid of a feed, in order. */
export const guidsOf = (feed: ParsedFeed): string[] => feed.items.map((item) => item.guid!);
