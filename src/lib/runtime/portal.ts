import { loadConfig, type PortalConfig } from '../config/config.ts';
import type { PortalDb } from '../db/database.ts';
import { openDatabase } from '../db/sqlite.ts';
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
