import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { PortalDatabase, PortalDb } from '../../src/lib/db/database.ts';
// Its type parsers (counts as numbers) are node-postgres's global ones: the pages' code reads what it reads in the portal.
import '../../src/lib/db/postgres.ts';
import type { TestDatabase } from './database.ts';

/** Tables that stay small whatever the size of the registry: reading them whole is fine. */
const SMALL_TABLES = new Set([
  'scheme',
  'scheme_level',
  'certification_body',
  'name_position',
  'portal_secret',
  'notice_tally',
  'certificate_filter_tally',
  'certificate_filter_tally_since',
]);

export interface ObservedDatabase {
  db: PortalDb;
  /** Every statement run since the last call, each with the steps of its query plan that read a large table whole. */
  scansSinceLastLook(): Promise<{ sql: string; scans: string[] }[]>;
  close(): Promise<void>;
}

/**
 * A second connection to the test's database that keeps every statement it runs, to check
 * their plans on the real schema: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN.
 */
export function observedDatabase(test: TestDatabase): ObservedDatabase {
  return test.url ? observedPostgres(test.url) : observedSqlite(test.path);
}

function observedSqlite(path: string): ObservedDatabase {
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
    scansSinceLastLook: async () => {
      const seen = executed;
      executed = [];
      return selects(seen).map((query) => {
        const plan = (connection.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[]).map(
          (step) => step.detail,
        );
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
    // A list of values the query carries (VALUES): as long as the list, never a table.
    if (step.includes('VIRTUAL TABLE') || / CONSTANT ROWS$/.test(step)) return false;
    return !(stopsEarly && / USING (COVERING )?INDEX | USING INTEGER PRIMARY KEY/.test(`${step} `));
  });
}

const selects = (queries: readonly CompiledQuery[]) => queries.filter((query) => /^\s*(select|with)\b/i.test(query.sql));

/**
 * PostgreSQL's planner prefers reading a small table whole to using its index, so the demo
 * data set's plans are not the national one's (and its statistics change them): each
 * statement is explained with sequential scans, merge and hash joins priced out. A Seq Scan of a large table that remains is one no
 * index can serve.
 */
function observedPostgres(url: string): ObservedDatabase {
  let executed: CompiledQuery[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 2, options: '-c TimeZone=UTC' });
  const db = new Kysely<PortalDatabase>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      if (event.level === 'query') executed.push(event.query);
    },
  });
  // Nested loops only, as SQLite plans: a merge or hash join would read a whole index or table to join a page of rows.
  const explainer = new pg.Client({
    connectionString: url,
    options: '-c TimeZone=UTC -c enable_seqscan=off -c enable_mergejoin=off -c enable_hashjoin=off',
  });
  const connected = explainer.connect();
  return {
    db,
    scansSinceLastLook: async () => {
      await connected;
      const seen = executed;
      executed = [];
      const found: { sql: string; scans: string[] }[] = [];
      for (const query of selects(seen)) {
        const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PostgresPlan }] }>(
          `explain (format json) ${query.sql}`,
          query.parameters as unknown[],
        );
        found.push({ sql: query.sql, scans: postgresTableScans(rows[0]!['QUERY PLAN'][0].Plan) });
      }
      return found;
    },
    close: async () => {
      await Promise.all([db.destroy(), connected.then(() => explainer.end())]);
    },
  };
}

interface PostgresPlan {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PostgresPlan[];
}

/** The nodes that read a large table from end to end: a Seq Scan, or an index read with no condition and no LIMIT above it. */
export function postgresTableScans(plan: PostgresPlan, underLimit = false): string[] {
  const relation = plan['Relation Name'];
  const large = relation !== undefined && !SMALL_TABLES.has(relation);
  const own =
    large && (plan['Node Type'] === 'Seq Scan' || (/^Index (Only )?Scan$/.test(plan['Node Type']) && !plan['Index Cond'] && !underLimit))
      ? [`${plan['Node Type']} on ${relation}`]
      : [];
  const limited = underLimit || plan['Node Type'] === 'Limit';
  return [...own, ...(plan.Plans ?? []).flatMap((child) => postgresTableScans(child, limited))];
}
