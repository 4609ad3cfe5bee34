/** A representation a GET can be answered with, and what a cache needs to know of it. */
export interface Representation {
  body: string;
  contentType: string;
  /** An entity tag with its quotes, weak (W/"…") or strong. */
  etag: string;
  /** Null when there is nothing to date it by. */
  lastModified: Date | null;
  cacheControl: string;
  headers?: Record<string, string>;
}

/** The opaque tags of an If-None-Match list; weak and strong tags compare alike for GET (RFC 9110 §13.1.2). */
function entityTags(header: string): string[] {
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
}

/**
 * The representation, or 304 Not Modified when the client's copy is current: If-None-Match
 * decides when sent (If-Modified-Since is then ignored, as RFC 9110 §13.2.2 says); otherwise a
 * copy dated no earlier than Last-Modified is current (HTTP dates have whole seconds).
 */
export function conditionalResponse(request: Request, representation: Representation): Response {
  const headers: Record<string, string> = {
    etag: representation.etag,
    'cache-control': representation.cacheControl,
    ...(representation.lastModified ? { 'last-modified': representation.lastModified.toUTCString() } : {}),
    ...representation.headers,
  };
  const ifNoneMatch = request.headers.get('if-none-match');
  const ifModifiedSince = request.headers.get('if-modified-since');
  let current = false;
  if (ifNoneMatch !== null) {
    const tags = entityTags(ifNoneMatch);
    current = tags.includes('*') || tags.includes(representation.etag.replace(/^W\//, ''));
  } else if (ifModifiedSince !== null && representation.lastModified) {
    const since = Date.parse(ifModifiedSince);
    current = !Number.isNaN(since) && Math.floor(representation.lastModified.getTime() / 1000) * 1000 <= since;
  }
  if (current) return new Response(null, { status: 304, headers });
  return new Response(representation.body, { status: 200, headers: { ...headers, 'content-type': representation.contentType } });
}
