/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** Handed over by the process that owns the socket (scripts/start.ts), once per request. */
    portal: import('./lib/web/runtime/portal.ts').Portal;
    /**
     * Who sent the request, as the socket owner judged it (src/lib/web/http/client-address.ts):
     * for rate limiting only, never logged or shown; null when the client has hung up.
     */
    clientAddress: string | null;
    db: import('./lib/db/database.ts').PortalDb;
    /** The instant of this request: every open/expired/due decision in it uses this one. */
    now: Date;
    /** Today in Beijing, YYYY-MM-DD. */
    today: string;
    siteUrl: string;
    /** Full-text search over the notices, when the server started it. */
    noticeSearch: import('./lib/domain/search/service.ts').NoticeSearchService | null;
  }
}
