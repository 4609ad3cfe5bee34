import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import type { PortalDatabase, PortalDb } from '../../src/lib/db/database.ts';

/** Tables that stay small whatever the size of the registry: reading them whole is fine. */
const SMALL_TABLES = new Set(['scheme', 'scheme_level', 'certification_body', 'name_position', 'portal_secret', 'notice_tally']);

export interface ObservedDatabase {
  db: PortalDb;
  /** Every statement run since the last call, each with the steps of its query plan that read a large table whole. */
  scansSinceLastLook(): { sql: string; scans: string[] }[];
  close(): Promise<void>;
}

/**
 * A second connection to the database file that keeps every statement it runs, to check
 * their plans (EXPLAIN QUERY PLAN) on the real schema.
 */
export function observedDatabase(path: string): ObservedDatabase {
  let executed: CompiledQuery[] = [];
  const connection = new SQLite(path);
  const db = new Kysely<PortalDatabase>({
    dialect: new SqliteDialect({ database: connection }),
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      if (event.level === 'query') executed.push(event.query);
    },
  });
  return {
    db,
    scansSinceLastLook: () => {
      const seen = executed;
      executed = [];
      return seen
        .filter((query) => /^\s*(select|with)\b/i.test(query.sql))
        .map((query) => {
          const plan = (connection.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[]).map((step) => step.detail);
          return { sql: query.sql, scans: largeTableScans(plan, query.sql) };
        });
    },
    close: () => db.destroy(),
  };
}

/**
 * The steps that read a large table (or an alias of one) from end to end. An ordered index
 * scan under a LIMIT is not one: it stops after the rows it returns.
 */
export function largeTableScans(plan: readonly string[], sql: string): string[] {
  const stopsEarly = /\blimit\b/i.test(sql) && !plan.some((step) => step.includes('USE TEMP B-TREE FOR ORDER BY'));
  // Subqueries in FROM, each bounded by its own plan.
  const derived = new Set(plan.flatMap((step) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(step)?.[1] ?? []));
  return plan.filter((step) => {
    const scanned = /^SCAN (\S+)/.exec(step)?.[1];
    if (!scanned || SMALL_TABLES.has(scanned) || derived.has(scanned) || scanned.startsWith('(') || scanned === 'CONSTANT') return false;
    if (step.includes('VIRTUAL TABLE')) return false;
    return !(stopsEarly && / USING (COVERING )?INDEX | USING INTEGER PRIMARY KEY/.test(`${step} `));
  });
}
