/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    db: import('./lib/db/database.ts').PortalDb;
    /** The instant of this request: every open/expired/due decision in it uses this one. */
    now: Date;
    /** Today in Beijing, YYYY-MM-DD. */
    today: string;
    siteUrl: string;
    /** Full-text search over the notices, when the server started it. */
    noticeSearch: import('./lib/search/service.ts').NoticeSearch | null;
    /** The client's network address (see clientAddress): for rate limiting, never logged or shown. */
    clientAddress: string;
  }
}
