import { PostgresAdapter, type Kysely } from 'kysely';
import * as postgres from './postgres.ts';
import * as sqlite from './sqlite.ts';

/** The half of the schema seam for the database a migration runs on: one chain of migrations, two dialects. */
export function schemaDialect(db: Kysely<any>): typeof sqlite | typeof postgres {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgres : sqlite;
}
