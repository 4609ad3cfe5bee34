import type { PortalConfig } from '../ground/config/config.ts';
import type { PortalDb } from './database.ts';
import { openPostgres } from './postgres.ts';
import { openDatabase } from './sqlite.ts';

/** Where the portal's data lives: a SQLite file (the embedded default) or a PostgreSQL database. */
export type DatabaseLocation = Pick<PortalConfig, 'databasePath' | 'databaseUrl' | 'databasePoolSize' | 'writeWaitMilliseconds'>;

/** Opens the configured database, either dialect, with the settings the portal relies on. */
export function connectDatabase(location: DatabaseLocation): PortalDb {
  return location.databaseUrl
    ? openPostgres(location.databaseUrl, { writeWaitMilliseconds: location.writeWaitMilliseconds, poolSize: location.databasePoolSize })
    : openDatabase(location.databasePath, { writeWaitMilliseconds: location.writeWaitMilliseconds });
}

/** The database as messages name it: the SQLite file, or the PostgreSQL address without its password. */
export function databaseName(location: Pick<DatabaseLocation, 'databasePath' | 'databaseUrl'>): string {
  if (!location.databaseUrl) return location.databasePath;
  const url = new URL(location.databaseUrl);
  url.password = '';
  return url.href;
}
