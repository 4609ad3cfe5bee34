import { loadConfig, type PortalConfig } from '../config/config.ts';
import type { PortalDb } from '../db/database.ts';
import { openDatabase } from '../db/sqlite.ts';
import type { NoticeSearch } from '../search/service.ts';
import { systemClock, type Clock } from '../time/clock.ts';

export interface PortalRuntime {
  config: PortalConfig;
  db: PortalDb;
  clock: Clock;
}

let runtime: PortalRuntime | undefined;

/** The server's one configuration, database connection and clock, made on first use. */
export function portalRuntime(): PortalRuntime {
  if (!runtime) {
    const config = loadConfig();
    runtime = { config, db: openDatabase(config.databasePath), clock: systemClock };
  }
  return runtime;
}

/*
 * The notice search runs beside the Astro app, in the process that owns the socket
 * (scripts/start.ts), which starts its worker threads. The app's bundle has its own copy of
 * this module, so the one instance is handed over under a global symbol.
 */
const NOTICE_SEARCH = Symbol.for('service-certification-portal.notice-search');

export function provideNoticeSearch(search: NoticeSearch): void {
  (globalThis as Record<symbol, unknown>)[NOTICE_SEARCH] = search;
}

/** The running notice search, or null where none was started (search then says so). */
export function providedNoticeSearch(): NoticeSearch | null {
  return ((globalThis as Record<symbol, unknown>)[NOTICE_SEARCH] as NoticeSearch | undefined) ?? null;
}
