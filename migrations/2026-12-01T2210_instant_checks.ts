import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * Every instant has one stored form, UTC with milliseconds (2026-12-01T08:00:00.000Z): the
 * portal compares instants as text, so a direct write in another form (a local time, a
 * missing "Z") would make a page and a list disagree on whether a notice is open. Such a
 * write is now refused. SQLite cannot add a CHECK to an existing table, so there the check
 * is a trigger before each insert and update; elsewhere it is a CHECK constraint. Frozen.
 */
const INSTANT_COLUMNS: Record<string, string[]> = {
  certification_body: ['updated_at'],
  scheme: ['updated_at'],
  organisation: ['updated_at'],
  certificate: ['updated_at'],
  certificate_event: ['occurred_at'],
  notice: ['window_start', 'window_end', 'published_at', 'decided_at', 'updated_at'],
  comment: ['received_at', 'updated_at'],
  comment_submission: ['submitted_at'],
};

export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  for (const [table, columns] of Object.entries(INSTANT_COLUMNS)) {
    const message = `${table}: ${columns.join(', ')} must be UTC instants written as 2026-12-01T08:00:00.000Z`;
    if (sqlite) {
      // strftime gives the canonical form of a valid instant, and NULL for anything else.
      const wrong = columns.map((column) => `new.${column} is not strftime('%Y-%m-%dT%H:%M:%fZ', new.${column})`).join(' or ');
      for (const [event, when] of [
        ['insert', 'insert'],
        ['update', `update of ${columns.join(', ')}`],
      ] as const) {
        await sql
          .raw(`create trigger ${table}_instants_${event} before ${when} on ${table} when ${wrong}
                begin select raise(abort, '${message}'); end`)
          .execute(db);
      }
    } else {
      const right = columns.map((column) => `${column} ~ '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$'`).join(' and ');
      await sql.raw(`alter table ${table} add constraint ${table}_instants check (${right})`).execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  for (const table of Object.keys(INSTANT_COLUMNS)) {
    if (sqlite) {
      for (const event of ['insert', 'update']) await sql.raw(`drop trigger ${table}_instants_${event}`).execute(db);
    } else {
      await sql.raw(`alter table ${table} drop constraint ${table}_instants`).execute(db);
    }
  }
}
