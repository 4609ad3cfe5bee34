import type { APIContext, APIRoute } from 'astro';
import { apiRoute } from '../http/errors.ts';
import { conditionalResponse } from '../http/conditional.ts';
import { feedLastModified, type Feed } from './feed.ts';
import { feedVersion, renderFeed } from './render.ts';

/** The feed as RSS, answering conditional GETs; readers and caches keep it for its ttl. */
export function feedResponse(request: Request, feed: Feed): Response {
  return conditionalResponse(request, {
    body: renderFeed(feed),
    contentType: 'application/rss+xml; charset=utf-8',
    etag: feedVersion(feed),
    lastModified: feedLastModified(feed),
    cacheControl: `public, max-age=${feed.ttlMinutes * 60}`,
    // Public data, so web-based readers may fetch it from anywhere.
    headers: { 'access-control-allow-origin': '*' },
  });
}

/**
 * An endpoint serving the feed `build` makes from the request: a new feed is this and a
 * function that returns a Feed. Bad input leaves as the API's JSON error with its status.
 */
export function feedRoute(build: (context: APIContext) => Promise<Feed>): APIRoute {
  return apiRoute(async (context) => feedResponse(context.request, await build(context)), { corsOpen: true });
}
