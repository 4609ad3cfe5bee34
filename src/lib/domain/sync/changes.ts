/**
 * Incremental sync: the certificates or notices changed since an instant, in (updated_at, id)
 * order, a page at a time, each page naming the next by an opaque cursor. updated_at moves
 * whenever what the API publishes of a record changes (migration T0700), so a program that
 * mirrors the registry reads only what changed. The cursor is the position of the last record
 * read; it never expires, since positions do not depend on what was listed.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { recordIdFromText } from '../../db/record-id.ts';
import { DomainError } from '../../ground/errors.ts';
import { parseInput } from '../../ground/validation.ts';
import { toBeijingIso } from '../../ground/time/beijing.ts';

/** Where a listing stands: after this record, in (updated_at, id) order. */
export interface ChangePosition {
  /** A stored instant (UTC, fixed width). */
  updatedAt: string;
  id: number;
}

export const CHANGES_PAGE_SIZE = 100;

/**
 * How far back the next sync starts before the newest change read: a transaction stamps its
 * rows when it writes and may commit later than one that stamped after it. Re-reading the last
 * minutes costs a few records; a record committed later still than this can be missed.
 */
export const RESUME_OVERLAP_MINUTES = 15;

export type ChangeList = 'certificates' | 'notices';

/** The rows of `table` after `position`, through the index on (updated_at, id). */
export function changedAfter(table: 'certificate' | 'notice', position: ChangePosition) {
  return sql<boolean>`(${sql.ref(`${table}.updatedAt`)}, ${sql.ref(`${table}.id`)}) > (${position.updatedAt}, ${position.id})`;
}

const STORED_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function encodeCursor(list: ChangeList, position: ChangePosition): string {
  return Buffer.from(`${list} ${position.updatedAt} ${position.id}`).toString('base64url');
}

function decodeCursor(list: ChangeList, cursor: string): ChangePosition {
  const [name, updatedAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(' ');
  if (name === list && updatedAt && STORED_INSTANT.test(updatedAt) && id && recordIdFromText(id) !== null && rest.length === 0)
    return { updatedAt, id: Number(id) };
  throw new DomainError('invalid_input', 'invalid_cursor', { list });
}

/** What starts (updatedSince) or continues (cursor) a listing; the other parameters of the list do not apply. */
export const changeParameters = z
  .object({
    updatedSince: z
      .string()
      .datetime({
        offset: true,
        message:
          'updatedSince must be an ISO 8601 instant with its offset, such as 2026-12-01T08:00:00Z or 2026-12-01T16:00:00%2B08:00 (a "+" percent-encoded as %2B)',
      })
      .optional(),
    cursor: z.string().max(200, 'cursor is not one this API gave: pass the "next" of the previous page unchanged').optional(),
  })
  .strict('updatedSince and cursor take no other parameter: leave out q, page and the filters')
  .refine(
    (query) => (query.updatedSince === undefined) !== (query.cursor === undefined),
    'give either updatedSince (to start) or cursor (to continue), not both',
  );

/** Whether a list's query asks for changes rather than a lookup or a filtered page. */
export function asksForChanges(query: Record<string, string>): boolean {
  return 'updatedSince' in query || 'cursor' in query;
}

/** The position a query starts after: a record changed at updatedSince itself is listed. */
function parseChangeQuery(list: ChangeList, query: Record<string, string>): ChangePosition {
  const { updatedSince, cursor } = parseInput(changeParameters, query, 'invalid_query');
  if (cursor !== undefined) return decodeCursor(list, cursor);
  return { updatedAt: new Date(updatedSince!).toISOString(), id: 0 };
}

/** The page a query asks for, read by `read` (the table's changedAfter) and shown by `toItem`. */
export async function listChanges<Row extends ChangePosition, Item>(
  list: ChangeList,
  query: Record<string, string>,
  read: (after: ChangePosition, limit: number) => Promise<Row[]>,
  toItem: (row: Row) => Item,
  context: { now: Date; siteUrl: string },
) {
  const from = parseChangeQuery(list, query);
  return changePage(list, await read(from, CHANGES_PAGE_SIZE + 1), toItem, { ...context, from });
}

/**
 * One page of a listing as the API answers it, from up to CHANGES_PAGE_SIZE + 1 rows (the
 * one more says whether a next page exists): the records, the cursor of the next page (null on the last), and on the last the instant to start the next sync from.
 */
function changePage<Row extends ChangePosition, Item>(
  list: ChangeList,
  rows: readonly Row[],
  toItem: (row: Row) => Item,
  context: { from: ChangePosition; now: Date; siteUrl: string },
) {
  const page = rows.slice(0, CHANGES_PAGE_SIZE);
  const last = page.at(-1);
  const more = rows.length > page.length;
  const next = more && last ? encodeCursor(list, last) : null;
  const newest = last?.updatedAt ?? context.from.updatedAt;
  const overlap = new Date(context.now.getTime() - RESUME_OVERLAP_MINUTES * 60_000).toISOString();
  return {
    items: page.map(toItem),
    next,
    nextUrl: next ? `${context.siteUrl}/api/v1/${list}?cursor=${next}` : null,
    resumeSince: next ? null : toBeijingIso(newest < overlap ? newest : overlap),
  };
}
