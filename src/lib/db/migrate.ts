import { FileMigrationProvider, Migrator } from 'kysely';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PortalDb } from './database.ts';
import { isDatabaseUnavailable } from './storage.ts';

const migrationFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Brings the schema up to the newest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: PortalDb): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
  });
  // Migrating takes the write lock even when there is nothing to do; a schema already up to date is only read.
  if ((await migrator.getMigrations()).every((migration) => migration.executedAt !== undefined)) return;
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  // Migrating takes the write lock: a busy or full database is said as such, not as a broken migration.
  if (isDatabaseUnavailable(error)) throw error;
  if (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
}
