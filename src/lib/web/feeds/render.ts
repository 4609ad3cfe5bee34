import { createHash } from 'node:crypto';
import RSS from 'rss';
import { withoutXmlForbidden } from '../../ground/text/xml.ts';
import { feedLastModified, type Feed } from './feed.ts';

/** The same value with every string in it cleaned of what XML forbids. */
function xmlSafe<Value>(value: Value): Value {
  if (typeof value === 'string') return withoutXmlForbidden(value) as Value;
  if (Array.isArray(value)) return value.map(xmlSafe) as Value;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, xmlSafe(inner)])) as Value;
  }
  return value;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Readers render an item's description as HTML: the text is escaped, so a `<script>` in the
 * data shows as text and runs nowhere, and each line becomes a line.
 */
function descriptionHtml(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!))
    .join('<br />');
}

const FEED_LANGUAGE = 'zh-CN';
const GENERATOR = '服务认证公示与证书查询';

/**
 * RSS 2.0, well-formed whatever the data holds: the `rss` package escapes markup (text and
 * CDATA), and every string is first cleaned of the characters XML cannot carry at all.
 */
export function renderFeed(feed: Feed): string {
  const clean = xmlSafe(feed);
  const lastModified = feedLastModified(clean);
  const rss = new RSS({
    title: clean.title,
    description: clean.description,
    site_url: clean.link,
    feed_url: clean.selfUrl,
    language: FEED_LANGUAGE,
    ttl: clean.ttlMinutes,
    generator: GENERATOR,
    ...(lastModified ? { pubDate: lastModified } : {}),
  });
  for (const item of clean.items) {
    rss.item({
      title: item.title,
      url: item.link,
      // Without a guid the package makes the link the guid, with isPermaLink="true".
      ...(item.guid ? { guid: item.guid } : {}),
      date: item.publishedAt,
      categories: item.categories,
      description: descriptionHtml(item.description),
    });
  }
  return rss.xml();
}

/**
 * The version of a feed's content, for its ETag. The body cannot serve: the `rss` package
 * stamps every rendering with the time (lastBuildDate). The ETag is weak for that reason:
 * equal versions are the same feed, not the same bytes.
 */
export function feedVersion(feed: Feed): string {
  const digest = createHash('sha256').update(JSON.stringify(feed)).digest('base64url').slice(0, 32);
  return `W/"${digest}"`;
}
