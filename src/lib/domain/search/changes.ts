/**
 * What the indexer asks the database to learn what changed, in portable SQL, each query
 * served by an index (migrations/2026-12-01T2150_search_change_detection.ts): rows whose
 * updated_at is past a point, the notices of given organisations, schemes and levels, and
 * the count of notices, by which a deletion shows.
 */
import type { PortalDb } from '../../db/database.ts';
import { inQueryChunks } from './corpus.ts';

export type WatchedTable = 'notice' | 'organisation' | 'scheme';
export const WATCHED_TABLES: readonly WatchedTable[] = ['notice', 'organisation', 'scheme'];

/** The newest updated_at of a table ('' when it is empty). */
export async function newestUpdate(db: PortalDb, table: WatchedTable): Promise<string> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('updatedAt').as('newest'))
    .executeTakeFirst();
  return row?.newest ?? '';
}

/** Rows whose updated_at is after `after`. */
export async function rowsUpdatedAfter(db: PortalDb, table: WatchedTable, after: string): Promise<{ id: number; updatedAt: string }[]> {
  return db.selectFrom(table).select(['id', 'updatedAt']).where('updatedAt', '>', after).execute();
}

/** The notices of these organisations, or of these schemes. */
export async function noticesReferencing(db: PortalDb, column: 'organisationId' | 'schemeId', ids: readonly number[]): Promise<number[]> {
  const notices: number[] = [];
  for (const chunk of inQueryChunks(ids)) {
    for (const row of await db.selectFrom('notice').select('id').where(column, 'in', chunk).execute()) notices.push(row.id);
  }
  return notices;
}

export async function noticesOfLevel(db: PortalDb, schemeId: number, code: string): Promise<number[]> {
  const rows = await db.selectFrom('notice').select('id').where('schemeId', '=', schemeId).where('proposedLevelCode', '=', code).execute();
  return rows.map((row) => row.id);
}

/** Every scheme level's name by "schemeId code": the table is small and has no updated_at. */
export async function levelNames(db: PortalDb): Promise<Record<string, string>> {
  const rows = await db.selectFrom('schemeLevel').select(['schemeId', 'code', 'name']).execute();
  return Object.fromEntries(rows.map((row) => [`${row.schemeId} ${row.code}`, row.name]));
}

export async function noticeCount(db: PortalDb): Promise<number> {
  const row = await db
    .selectFrom('notice')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Every notice id, ascending, read a page at a time by the primary key. */
export async function allNoticeIds(db: PortalDb): Promise<Int32Array> {
  const pages: number[][] = [];
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('notice').select('id').where('id', '>', after).orderBy('id').limit(50_000).execute();
    if (rows.length === 0) break;
    pages.push(rows.map((row) => row.id));
    after = rows.at(-1)!.id;
  }
  const ids = new Int32Array(pages.reduce((sum, page) => sum + page.length, 0));
  let offset = 0;
  for (const page of pages) {
    ids.set(page, offset);
    offset += page.length;
  }
  return ids;
}
