import type { PortalConfig } from '../../ground/config/config.ts';
import type { PortalDb } from '../../db/database.ts';
import type { NoticeSearchService } from '../../domain/search/service.ts';
import type { Clock } from '../../ground/time/clock.ts';

/**
 * Everything the server is made of, assembled once by the process that owns the socket
 * (scripts/start.ts) and handed to every request in `Astro.locals.portal`.
 */
export interface Portal {
  config: PortalConfig;
  /** The public address every absolute link and QR code uses. */
  siteUrl: string;
  db: PortalDb;
  clock: Clock;
  /** Full-text search over the notices, when the server started it. */
  noticeSearch: NoticeSearchService | null;
  /** The secret of the commenters' address hashes: kept beside the database, never in it (see comments/client.ts). */
  clientSalt: string;
}
