import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { openDatabase } from '../../src/lib/db/sqlite.ts';

export interface TestDatabase {
  db: PortalDb;
  path: string;
  /** Closes the connection and deletes the folder. */
  remove: () => Promise<void>;
}

/** A real, migrated SQLite file in a temporary folder of its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'portal-test-'));
  const path = join(folder, 'portal.db');
  const db = openDatabase(path);
  await migrateToLatest(db);
  return {
    db,
    path,
    remove: async () => {
      await db.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
