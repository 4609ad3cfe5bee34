import type { CertificateEventKind } from '../../db/registry.table.ts';

/**
 * A feed as the domain tells it, before it is XML: every feed of the portal is a function
 * that reads the database and returns one of these; renderFeed and feedResponse do the rest.
 */
export interface Feed {
  title: string;
  description: string;
  /** Absolute address of the page the feed follows. */
  link: string;
  /** Absolute address of the feed itself (atom:link rel="self"). */
  selfUrl: string;
  /** How long readers and caches may keep the feed before asking again (ttl, Cache-Control). */
  ttlMinutes: number;
  /** Newest first. */
  items: FeedItem[];
}

export interface FeedItem {
  /** What happened and to whom. */
  title: string;
  /** Absolute address of the item's canonical page. */
  link: string;
  /**
   * The item's identity, for ever. Omitted when the link is that identity (a permalink);
   * given when several items share a page, such as a notice and the decision on it.
   */
  guid?: string;
  /** When it happened or was published (UTC ISO instant), never after the feed's `now`. */
  publishedAt: string;
  /** When the item's content last changed, if later than publishedAt. */
  updatedAt?: string;
  /** Its kind, scheme and province, as people call them. */
  categories: string[];
  /** Plain text, a fact a line; escaped as HTML when rendered, so data never becomes markup. */
  description: string;
  /**
   * What happened as a code, and the certificate it names, for the portal's own lists of
   * items (the home page marks each with a badge and keeps the number whole); not in the XML.
   */
  outcome?: { kind: 'certified' | 'refused' | CertificateEventKind; certificateNumber: string | null };
}

/** How many items a feed carries: enough for a reader that looks once a day. */
export const FEED_SIZE = 50;

/** Newest first; ties in a fixed order, so the same data always makes the same feed. */
export function newestFirst(a: FeedItem, b: FeedItem): number {
  if (a.publishedAt !== b.publishedAt) return a.publishedAt < b.publishedAt ? 1 : -1;
  const [idA, idB] = [a.guid ?? a.link, b.guid ?? b.link];
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

/** At most `length` characters (code points, so an emoji is never cut in half), "…" when cut. */
export function shorten(text: string, length: number): string {
  const characters = Array.from(text);
  return characters.length <= length ? text : `${characters.slice(0, length).join('')}…`;
}

/** The newest change any item shows: what Last-Modified says. Null for an empty feed. */
export function feedLastModified(feed: Feed): Date | null {
  const times = feed.items.flatMap((item) => [item.publishedAt, item.updatedAt ?? item.publishedAt].map(Date.parse));
  return times.length === 0 ? null : new Date(Math.max(...times));
}
