import { expressionBuilder, type Compilable, type NotNull, type QueryResult } from 'kysely';
import type { PortalDatabase, PortalDb } from '../../db/database.ts';
import { preparedQuery, preparedQueryPerLength } from '../../db/prepared.ts';
import type { Comment, Notice, NoticeKind } from '../../db/notice.table.ts';
import { recordIdFromText } from '../../db/record-id.ts';
import { DomainError } from '../../ground/errors.ts';
import { beijingDate, startOfBeijingDay } from '../../ground/time/beijing.ts';
import { FIRST_NOTICE_YEAR, LAST_NOTICE_YEAR, type NoticeFeedFilters, type NoticeListQuery } from './inputs.ts';
import { inAdministrativeOrder } from '../../ground/organisations/provinces.ts';
import { noticeTitle } from './labels.ts';
import { noticeState, type NoticeState } from './state.ts';
import { changedAfter, type ChangePosition } from '../sync/changes.ts';

export const NOTICE_PAGE_SIZE = 20;

/** The certification body that runs a notice and decides on it. */
export interface NoticeBody {
  code: string;
  name: string;
}

/** What a line of the list and the head of a notice page have in common. */
export interface NoticeHeadline {
  id: number;
  reference: string;
  title: string;
  kind: NoticeKind;
  status: Notice['status'];
  scheme: { code: string; name: string };
  proposedLevel: { code: string; name: string } | null;
  applicant: { name: string; uscc: string; province: string };
  windowStart: string;
  windowEnd: string;
  /** Every comment received, published or not: the number only. */
  commentCount: number;
  /** When and why the body withdrew it; null while published. */
  withdrawal: NoticeWithdrawal | null;
}

/**
 * A notice's withdrawal as the body recorded it. Notices withdrawn before the portal kept
 * when and why (migration 2026-12-02T0720) have neither: `at` and `reason` are then null, and
 * the pages say so rather than guess.
 */
export interface NoticeWithdrawal {
  at: string | null;
  reason: string | null;
}

/**
 * The instant a feed or calendar dates a withdrawal by: the one the body recorded, or (not
 * recorded, or recorded later than it reached the portal) the notice's last update, when the
 * portal learnt of it.
 */
export function withdrawalTime(notice: { withdrawal: NoticeWithdrawal | null; updatedAt: string }): string {
  const at = notice.withdrawal?.at;
  return at && at <= notice.updatedAt ? at : notice.updatedAt;
}

export interface NoticeSummary extends NoticeHeadline {
  /** At the `now` the list was asked for. */
  state: NoticeState;
}

/**
 * What the public may read of a comment: never who sent it, nor the instant it was sent
 * (which could be matched to a sender), only the Beijing day.
 */
export type PublishedComment = Pick<Comment, 'kind' | 'text' | 'status' | 'reply' | 'finding'> & { receivedOn: string };

/** Everything a notice states; its state is left to the caller's `now` (noticeState). */
export interface NoticeDetails extends NoticeHeadline {
  applicant: NoticeHeadline['applicant'] & { address: string };
  scheme: NoticeHeadline['scheme'] & { basis: string };
  body: NoticeBody & { approvalNumber: string };
  scope: string;
  evaluationSummary: string;
  objectionContact: string;
  publishedAt: string;
  updatedAt: string;
  decision: Notice['decision'];
  decidedAt: string | null;
  /** The certificate the decision issued or changed. */
  certificate: { number: string } | null;
  publishedComments: PublishedComment[];
}

export type NoticeFilters = Omit<NoticeListQuery, 'page'>;

export interface NoticeList {
  total: number;
  /** How many of them the pages go through: NOTICE_LIST_LIMIT at most, and the page says so when fewer than `total`. */
  listed: number;
  page: number;
  pageCount: number;
  items: NoticeSummary[];
}

/**
 * Headline rows; callers add conditions, order and limits. The comment table gives its
 * count only: no comment field, and above all no submitter field, is ever selected here.
 */
function selectNoticeHeadlines(db: PortalDb) {
  return db
    .selectFrom('notice')
    .innerJoin('organisation', 'organisation.id', 'notice.organisationId')
    .innerJoin('scheme', 'scheme.id', 'notice.schemeId')
    .leftJoin('schemeLevel', (join) =>
      join.onRef('schemeLevel.schemeId', '=', 'notice.schemeId').onRef('schemeLevel.code', '=', 'notice.proposedLevelCode'),
    )
    .select((eb) => [
      'notice.id',
      'notice.reference',
      'notice.kind',
      'notice.status',
      'notice.withdrawnAt',
      'notice.withdrawalReason',
      'notice.windowStart',
      'notice.windowEnd',
      'notice.proposedLevelCode',
      'schemeLevel.name as proposedLevelName',
      'organisation.name as applicantName',
      'organisation.uscc',
      'organisation.province',
      'scheme.code as schemeCode',
      'scheme.name as schemeName',
      eb
        .selectFrom('comment')
        .select((count) => count.fn.countAll<number>().as('received'))
        .whereRef('comment.noticeId', '=', 'notice.id')
        .as('commentCount'),
    ]);
}

type HeadlineRow = Awaited<ReturnType<ReturnType<typeof selectNoticeHeadlines>['executeTakeFirstOrThrow']>>;

function toHeadline(row: HeadlineRow): NoticeHeadline {
  return {
    id: row.id,
    reference: row.reference,
    title: noticeTitle(row.applicantName, row.schemeName, row.kind),
    kind: row.kind,
    status: row.status,
    scheme: { code: row.schemeCode, name: row.schemeName },
    proposedLevel: row.proposedLevelCode && row.proposedLevelName ? { code: row.proposedLevelCode, name: row.proposedLevelName } : null,
    applicant: { name: row.applicantName, uscc: row.uscc, province: row.province },
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    commentCount: Number(row.commentCount ?? 0),
    withdrawal: row.status === 'withdrawn' ? { at: row.withdrawnAt, reason: row.withdrawalReason } : null,
  };
}

/**
 * The filters that say what a notice is about (all but its state): the list's and the
 * feed's. Columns of the notice only, so an index of the notice can serve them. For the
 * open and upcoming parts the year is compared through an expression that no index serves:
 * the planner would otherwise read the year's notices by their start (a range it takes for
 * narrower) instead of the few of the coming weeks.
 */
function aboutCondition(filters: Omit<NoticeFilters, 'state'>, part?: ListPart) {
  const eb = expressionBuilder<PortalDatabase, 'notice'>();
  const conditions = [];
  if (filters.kind) conditions.push(eb('notice.kind', '=', filters.kind));
  if (filters.scheme)
    conditions.push(eb('notice.schemeId', '=', eb.selectFrom('scheme').select('scheme.id').where('scheme.code', '=', filters.scheme)));
  if (filters.province) conditions.push(eb('notice.province', '=', filters.province));
  if (filters.body)
    conditions.push(
      eb('notice.bodyId', '=', eb.selectFrom('certificationBody').select('certificationBody.id').where('certificationBody.code', '=', filters.body)),
    );
  if (filters.year !== undefined) {
    const { from, to } = beijingYearSpan(filters.year);
    const start =
      part === 'open' || part === 'upcoming'
        ? eb.fn<string>('substr', ['notice.windowStart', eb.val(1), eb.val(from.length)])
        : eb.ref('notice.windowStart');
    conditions.push(eb(start, '>=', from), eb(start, '<', to));
  }
  return eb.and(conditions);
}

/** Whether any filter aboutCondition reads is set: without one, the list's and feeds' queries are the same every time. */
function aboutAnything(filters: Omit<NoticeFilters, 'state'>): boolean {
  return Boolean(filters.kind || filters.scheme || filters.province || filters.body) || filters.year !== undefined;
}

/** The instants a Beijing calendar year spans, [from, to), as stored ISO strings. */
function beijingYearSpan(year: number): { from: string; to: string } {
  return {
    from: startOfBeijingDay(`${year}-01-01`).toISOString(),
    to: startOfBeijingDay(`${year + 1}-01-01`).toISOString(),
  };
}

/**
 * The list's parts, in the list's order: open now (soonest deadline first), upcoming
 * (soonest start first), closed (most recently started first), the withdrawn among the
 * closed. The same boundaries as noticeState: open iff windowStart <= now < windowEnd.
 */
const LIST_PARTS = ['open', 'upcoming', 'closed'] as const;
type ListPart = (typeof LIST_PARTS)[number];

/** Which notices are in `part` at `now` (an ISO instant): plain comparisons, that the window indexes serve. */
function partCondition(part: ListPart, now: string) {
  const eb = expressionBuilder<PortalDatabase, 'notice'>();
  const notWithdrawn = eb('notice.status', '!=', 'withdrawn');
  switch (part) {
    case 'open':
      return eb.and([notWithdrawn, eb('notice.windowStart', '<=', now), eb('notice.windowEnd', '>', now)]);
    case 'upcoming':
      return eb.and([notWithdrawn, eb('notice.windowStart', '>', now)]);
    case 'closed':
      return eb.or([eb('notice.status', '=', 'withdrawn'), eb('notice.windowEnd', '<=', now)]);
  }
}

/**
 * The ids of the notices of `part` matching `filters`, in the part's order, which an index
 * gives as it is read (notice_end and the (filter, window_end, …) indexes for the open
 * part, notice_start and the (filter, window_start, …) ones for the others) and which
 * holds every column the conditions need: a count or a page reads the index entries it
 * counts or skips, never the whole part, and no row.
 */
function partIds(db: PortalDb, filters: Omit<NoticeFilters, 'state'>, part: ListPart, now: string, order: 'page' | 'index' = 'page') {
  const query = db.selectFrom('notice').select('notice.id').where(aboutCondition(filters, part)).where(partCondition(part, now));
  // A count needs only the index's order (its first column): the whole order sorts each run of equal windows.
  const terms = order === 'page' ? PART_ORDER[part] : PART_ORDER[part].slice(0, 1);
  return terms.reduce((ordered, [column, direction]) => ordered.orderBy(column, direction), query);
}

const PART_ORDER = {
  open: [
    ['notice.windowEnd', 'asc'],
    ['notice.id', 'asc'],
  ],
  upcoming: [
    ['notice.windowStart', 'asc'],
    ['notice.windowEnd', 'asc'],
    ['notice.id', 'asc'],
  ],
  closed: [
    ['notice.windowStart', 'desc'],
    ['notice.windowEnd', 'desc'],
    ['notice.id', 'desc'],
  ],
} as const satisfies Record<ListPart, readonly (readonly [`notice.${'windowStart' | 'windowEnd' | 'id'}`, 'asc' | 'desc'])[]>;

/**
 * How many notices the pages of a list go through: 100 pages, so that a deep page skips at
 * most this many index entries (a bounded offset). The total is exact; the page says when
 * only part of it is listed.
 */
export const NOTICE_LIST_LIMIT = 2000;

/** The notices of `part` matching `filters`: the open and upcoming ones are those of the coming weeks, few whatever the registry. */
async function countPart(db: PortalDb, filters: Omit<NoticeFilters, 'state'>, part: 'open' | 'upcoming', now: string): Promise<number> {
  const { count } = aboutAnything(filters)
    ? await partCount(db, filters, part, now).executeTakeFirstOrThrow()
    : (await UNFILTERED[part].count(db, now)).rows[0]!;
  return Number(count);
}

function partCount(db: PortalDb, filters: Omit<NoticeFilters, 'state'>, part: ListPart, now: string) {
  return db.selectFrom(partIds(db, filters, part, now, 'index').as('matching')).select((eb) => eb.fn.countAll<number>().as('count'));
}

/** The ids of a page of `part`, at `offset`. */
function partPage(db: PortalDb, filters: Omit<NoticeFilters, 'state'>, part: ListPart, now: string, limit: number, offset: number) {
  return partIds(db, filters, part, now).limit(limit).offset(offset);
}

/** The unfiltered list's reads (/notices, the home page, the API's list), compiled once per part. */
const unfilteredPart = (part: ListPart) => ({
  count: preparedQuery((db: PortalDb, now: string) => partCount(db, {}, part, now)),
  page: preparedQuery((db: PortalDb, now: string, limit: number, offset: number) => partPage(db, {}, part, now, limit, offset)),
});
const UNFILTERED = { open: unfilteredPart('open'), upcoming: unfilteredPart('upcoming'), closed: unfilteredPart('closed') };

/**
 * Every notice matching the filters, whatever its state: from the tallies the database keeps,
 * notice_tally, or notice_body_tally (the same counts per body) for a body's list.
 */
async function countAbout(db: PortalDb, filters: Omit<NoticeFilters, 'state'>): Promise<number> {
  // Both tallies have notice_tally's columns (named alone: the query reads one table); a body's adds its id, which leads its key.
  let query = db.selectFrom(filters.body ? 'noticeBodyTally' : 'noticeTally');
  if (filters.body)
    query = query.where('bodyId', '=', (eb) =>
      eb.selectFrom('certificationBody').select('certificationBody.id').where('certificationBody.code', '=', filters.body!),
    );
  if (filters.kind) query = query.where('kind', '=', filters.kind);
  if (filters.scheme)
    query = query.where('schemeId', '=', (eb) => eb.selectFrom('scheme').select('scheme.id').where('scheme.code', '=', filters.scheme!));
  if (filters.province) query = query.where('province', '=', filters.province);
  if (filters.year !== undefined) query = query.where('year', '=', filters.year);
  const { notices } = await query.select((eb) => eb.fn.sum<number>('notices').as('notices')).executeTakeFirstOrThrow();
  return Number(notices ?? 0);
}

/**
 * Notices matching the filters, open ones first, then upcoming, then closed (LIST_PARTS);
 * paginated, the first NOTICE_LIST_LIMIT of them. Open and upcoming notices are counted;
 * the closed ones are the rest of the tally. `pageSize` is smaller for a page that shows only
 * the first few (the home page): the rest are not read.
 */
export async function listNotices(db: PortalDb, filters: NoticeFilters, page: number, now: Date, pageSize = NOTICE_PAGE_SIZE): Promise<NoticeList> {
  const instant = now.toISOString();
  const open = filters.state === 'upcoming' ? 0 : await countPart(db, filters, 'open', instant);
  const upcoming = filters.state === 'open' ? 0 : await countPart(db, filters, 'upcoming', instant);
  const closed = filters.state === 'open' || filters.state === 'upcoming' ? 0 : Math.max(0, (await countAbout(db, filters)) - open - upcoming);
  const countOf: Record<ListPart, number> = { open, upcoming, closed };
  const parts: readonly ListPart[] = filters.state ? [filters.state] : LIST_PARTS;
  const total = parts.reduce((sum, part) => sum + countOf[part], 0);
  const listed = Math.min(total, NOTICE_LIST_LIMIT);

  // The page's notices, part after part: skip whole parts before it, then read in order. Only
  // ids, from the covering index, so that skipped rows cost an index entry each; the page's
  // twenty are then read by id.
  const ids: number[] = [];
  let skip = (page - 1) * pageSize;
  let room = Math.max(0, listed - skip);
  for (const part of parts) {
    const count = countOf[part];
    if (ids.length === pageSize || room === 0) break;
    if (skip >= count) {
      skip -= count;
      continue;
    }
    const wanted = Math.min(pageSize - ids.length, count - skip, room);
    const rows = aboutAnything(filters)
      ? await partPage(db, filters, part, instant, wanted, skip).execute()
      : (await UNFILTERED[part].page(db, instant, wanted, skip)).rows;
    ids.push(...rows.map((row) => row.id));
    room -= wanted;
    skip = 0;
  }
  const found = ids.length === 0 ? [] : (await headlinesOfPage(db, ids, pageSize)).rows;
  const byId = new Map(found.map((row) => [row.id, row]));
  const rows = ids.flatMap((id) => byId.get(id) ?? []);

  return {
    total,
    listed,
    page,
    pageCount: Math.ceil(listed / pageSize),
    items: rows.map((row) => {
      const headline = toHeadline(row);
      return { ...headline, state: noticeState(headline, now) };
    }),
  };
}

/** The headlines of a page of notices by id, compiled once per page size (the list's, the home page's). */
const headlinesById = preparedQueryPerLength(
  () =>
    (db: PortalDb, ...ids: number[]) =>
      selectNoticeHeadlines(db).where('notice.id', 'in', ids),
  (slots) => slots,
);

/** A page's ids (`slots` at most) fill every slot, the last repeated (IN ignores repeats): one query text per page size. */
function headlinesOfPage(db: PortalDb, ids: readonly number[], slots: number): Promise<QueryResult<HeadlineRow>> {
  return headlinesById(slots)(db, ...Array.from({ length: slots }, (_, slot) => ids[Math.min(slot, ids.length - 1)]!));
}

/** A notice as published: what a feed of new notices tells. */
export interface PublishedNotice extends NoticeHeadline {
  body: NoticeBody;
  scope: string;
  evaluationSummary: string;
  publishedAt: string;
  updatedAt: string;
}

/** Headlines with what a feed tells of a notice: its body, scope, summary and times. */
function selectPublishedNotices(db: PortalDb, filters: NoticeFeedFilters) {
  return selectNoticeHeadlines(db)
    .where(aboutCondition(filters))
    .innerJoin('certificationBody', 'certificationBody.id', 'notice.bodyId')
    .select([
      'certificationBody.code as bodyCode',
      'certificationBody.name as bodyName',
      'notice.scope',
      'notice.evaluationSummary',
      'notice.publishedAt',
      'notice.updatedAt',
    ]);
}

function toPublishedNotice(row: Awaited<ReturnType<ReturnType<typeof selectPublishedNotices>['executeTakeFirstOrThrow']>>): PublishedNotice {
  return {
    ...toHeadline(row),
    body: { code: row.bodyCode, name: row.bodyName },
    scope: row.scope,
    evaluationSummary: row.evaluationSummary,
    publishedAt: row.publishedAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The notices published by `now` that match the filters, the most recently published first.
 * A notice enters the feed when the body publishes it, so no item is dated in the future.
 */
export async function newestNotices(
  db: PortalDb,
  filters: NoticeFeedFilters,
  now: Date,
  limit: number,
  /** Only these notices (a search's matches), when given. */
  among?: readonly number[],
): Promise<PublishedNotice[]> {
  if (among?.length === 0) return [];
  const about = selectPublishedNotices(db, filters);
  const rows = await (among ? about.where('notice.id', 'in', [...among]) : about)
    .where('notice.publishedAt', '<=', now.toISOString())
    .orderBy('notice.publishedAt', 'desc')
    .orderBy('notice.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toPublishedNotice);
}

/**
 * The notices withdrawn by `now` that match the filters, the most recently withdrawn first.
 * A withdrawal is the notice's last change, so they are read in the order of the notice's
 * updatedAt (index notice_withdrawn, or a filter's own: notice_province_withdrawn, …), and each is dated by its withdrawal's own time where
 * the body recorded one (withdrawalTime); withdrawn notices are few, so a filter reads few of them.
 */
export async function newestWithdrawals(db: PortalDb, filters: NoticeFeedFilters, now: Date, limit: number): Promise<PublishedNotice[]> {
  const rows = await selectPublishedNotices(db, filters)
    .where('notice.status', '=', 'withdrawn')
    .where('notice.updatedAt', '<=', now.toISOString())
    .orderBy('notice.updatedAt', 'desc')
    .orderBy('notice.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toPublishedNotice);
}

/** How many windows a calendar carries at most: the open and upcoming notices of a few weeks nationally. */
export const CALENDAR_SIZE = 1000;

/**
 * The notices open or upcoming at `now` that match the filters, the soonest deadline first
 * (index notice_end, or a filter's own (…, window_end) index), with how to object offline.
 */
export async function comingWindows(
  db: PortalDb,
  filters: NoticeFeedFilters,
  now: Date,
  limit = CALENDAR_SIZE,
): Promise<(PublishedNotice & { objectionContact: string })[]> {
  const rows = await selectPublishedNotices(db, filters)
    .select('notice.objectionContact')
    .where('notice.windowEnd', '>', now.toISOString())
    .where('notice.status', '!=', 'withdrawn')
    .orderBy('notice.windowEnd')
    .orderBy('notice.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...toPublishedNotice(row), objectionContact: row.objectionContact }));
}

/** The outcome of a notice: the body's certification decision. */
export interface NoticeDecision extends NoticeHeadline {
  body: NoticeBody;
  decision: 'certified' | 'refused';
  decidedAt: string;
  updatedAt: string;
  /** The certificate the decision issued or changed. */
  certificateNumber: string | null;
}

/** Decisions made by `now` on the notices matching the filters, the most recent first. */
function selectDecisions(db: PortalDb, filters: NoticeFeedFilters, now: string, limit: number) {
  return selectNoticeHeadlines(db)
    .where(aboutCondition(filters))
    .innerJoin('certificationBody', 'certificationBody.id', 'notice.bodyId')
    .leftJoin('certificate', 'certificate.id', 'notice.certificateId')
    .select([
      'certificationBody.code as bodyCode',
      'certificationBody.name as bodyName',
      'notice.decision',
      'notice.decidedAt',
      'notice.updatedAt',
      'certificate.number as certificateNumber',
    ])
    .where('notice.decision', '!=', 'pending')
    .where('notice.decidedAt', 'is not', null)
    .where('notice.decidedAt', '<=', now)
    .orderBy('notice.decidedAt', 'desc')
    .orderBy('notice.id', 'desc')
    .limit(limit)
    .$narrowType<{ decision: NoticeDecision['decision']; decidedAt: NotNull }>();
}

/** The decisions feed and the home page read every decision, unfiltered: compiled once. */
const allDecisions = preparedQuery((db: PortalDb, now: string, limit: number) => selectDecisions(db, {}, now, limit));

/** The decisions made by `now` on the notices matching the filters, the most recent first. */
export async function newestDecisions(db: PortalDb, now: Date, limit: number, filters: NoticeFeedFilters = {}): Promise<NoticeDecision[]> {
  const instant = now.toISOString();
  const rows = aboutAnything(filters) ? await selectDecisions(db, filters, instant, limit).execute() : (await allDecisions(db, instant, limit)).rows;
  return rows.map((row) => ({
    ...toHeadline(row),
    body: { code: row.bodyCode, name: row.bodyName },
    decision: row.decision,
    decidedAt: row.decidedAt,
    updatedAt: row.updatedAt,
    certificateNumber: row.certificateNumber,
  }));
}

/** What decides whether a notice takes comments now (its window, whether it was withdrawn), and where else to send one. */
export function findNoticeWindow(db: PortalDb, id: number) {
  return db
    .selectFrom('notice')
    .select(['id', 'reference', 'windowStart', 'windowEnd', 'status', 'objectionContact'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * What the page answering a comment that was not stored says of its notice: which notice it
 * is (reference and title), its window, and where else to send the comment (the body's
 * channels, address and phone).
 */
export async function findNoticeToWriteTo(db: PortalDb, id: number) {
  const row = await db
    .selectFrom('notice')
    .innerJoin('organisation', 'organisation.id', 'notice.organisationId')
    .innerJoin('scheme', 'scheme.id', 'notice.schemeId')
    .innerJoin('certificationBody', 'certificationBody.id', 'notice.bodyId')
    .select([
      'notice.id',
      'notice.reference',
      'notice.kind',
      'notice.windowEnd',
      'notice.objectionContact',
      'organisation.name as applicantName',
      'scheme.name as schemeName',
      'certificationBody.name as bodyName',
      'certificationBody.address as bodyAddress',
      'certificationBody.phone as bodyPhone',
    ])
    .where('notice.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind,
    windowEnd: row.windowEnd,
    objectionContact: row.objectionContact,
    applicant: { name: row.applicantName },
    scheme: { name: row.schemeName },
    body: { name: row.bodyName, address: row.bodyAddress, phone: row.bodyPhone },
  };
}

/** A search hit: the notice's headline and the text a snippet is cut from. */
export interface NoticeWithText extends NoticeSummary {
  scope: string;
  evaluationSummary: string;
}

/** The notices with these ids, in the order given (a ranking), with their state at `now`. */
export async function findNoticesWithText(db: PortalDb, ids: readonly number[], now: Date): Promise<NoticeWithText[]> {
  if (ids.length === 0) return [];
  const rows = await selectNoticeHeadlines(db)
    .select(['notice.scope', 'notice.evaluationSummary'])
    .where('notice.id', 'in', [...ids])
    .execute();
  const byId = new Map(
    rows.map((row) => {
      const headline = toHeadline(row);
      return [row.id, { ...headline, state: noticeState(headline, now), scope: row.scope, evaluationSummary: row.evaluationSummary }];
    }),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Every column a notice's record shows: callers add which ones. */
function selectNoticeRecords(db: PortalDb) {
  return selectNoticeHeadlines(db)
    .innerJoin('certificationBody', 'certificationBody.id', 'notice.bodyId')
    .leftJoin('certificate', 'certificate.id', 'notice.certificateId')
    .select([
      'notice.applicantAddress',
      'notice.scope',
      'notice.evaluationSummary',
      'notice.objectionContact',
      'notice.publishedAt',
      'notice.updatedAt',
      'notice.decision',
      'notice.decidedAt',
      'scheme.basis',
      'certificationBody.code as bodyCode',
      'certificationBody.name as bodyName',
      'certificationBody.approvalNumber',
      'certificate.number as certificateNumber',
    ]);
}

type NoticeRecordRow = Awaited<ReturnType<ReturnType<typeof selectNoticeRecords>['executeTakeFirstOrThrow']>>;

function toNoticeRecord(row: NoticeRecordRow, publishedComments: PublishedComment[]): NoticeDetails {
  const headline = toHeadline(row);
  return {
    ...headline,
    applicant: { ...headline.applicant, address: row.applicantAddress },
    scheme: { ...headline.scheme, basis: row.basis },
    body: { code: row.bodyCode, name: row.bodyName, approvalNumber: row.approvalNumber },
    scope: row.scope,
    evaluationSummary: row.evaluationSummary,
    objectionContact: row.objectionContact,
    publishedAt: row.publishedAt,
    updatedAt: row.updatedAt,
    decision: row.decision,
    decidedAt: row.decidedAt,
    certificate: row.certificateNumber ? { number: row.certificateNumber } : null,
    publishedComments,
  };
}

/** The notice page's reads, on every notice page: compiled once. */
const noticeRecordById = preparedQuery((db: PortalDb, id: number) => selectNoticeRecords(db).where('notice.id', '=', id));
const publishedCommentsOfNotice = preparedQuery((db: PortalDb, noticeId: number) => selectPublishedComments(db).where('noticeId', '=', noticeId));

/** The notice with this id, with its published comments, or null. */
export async function findNotice(db: PortalDb, id: number): Promise<NoticeDetails | null> {
  const row = (await noticeRecordById(db, id)).rows[0];
  if (!row) return null;
  return toNoticeRecord(row, (await publishedCommentsOfNotice(db, id)).rows.map(toPublishedCommentEntry).map(toPublishedComment));
}

/**
 * The next `limit` notices after `after` in (updated_at, id) order, each with its published
 * comments: one read of the index notice_updated_order and one of the comments of the page.
 */
export async function noticesChangedAfter(db: PortalDb, after: ChangePosition, limit: number): Promise<NoticeDetails[]> {
  const rows = await selectNoticeRecords(db)
    .where(changedAfter('notice', after))
    .orderBy('notice.updatedAt')
    .orderBy('notice.id')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const commentsById = new Map(rows.map((row) => [row.id, [] as PublishedComment[]]));
  for (const entry of await publishedCommentEntries(
    db,
    rows.map((row) => row.id),
  ))
    commentsById.get(entry.noticeId)!.push(toPublishedComment(entry));
  return rows.map((row) => toNoticeRecord(row, commentsById.get(row.id)!));
}

const toPublishedComment = ({ id: _id, noticeId: _noticeId, answeredOn: _answeredOn, ...comment }: PublishedCommentEntry): PublishedComment =>
  comment;

/** A published comment as a notice's feed tells it: the id names its item, the Beijing days date it (never an instant of the sender's). */
export interface PublishedCommentEntry extends PublishedComment {
  id: number;
  noticeId: number;
  /** The Beijing day the answer was last changed, when there is one. */
  answeredOn: string | null;
}

/** Published comments, each notice's in the order they were received; callers say whose. */
function selectPublishedComments(db: PortalDb) {
  return db
    .selectFrom('comment')
    .select(['id', 'noticeId', 'kind', 'text', 'receivedAt', 'updatedAt', 'status', 'reply', 'finding'])
    .where('published', '=', 1)
    .orderBy('noticeId')
    .orderBy('receivedAt')
    .orderBy('id');
}

function toPublishedCommentEntry({
  receivedAt,
  updatedAt,
  ...comment
}: Awaited<ReturnType<ReturnType<typeof selectPublishedComments>['executeTakeFirstOrThrow']>>): PublishedCommentEntry {
  return { ...comment, receivedOn: beijingDate(new Date(receivedAt)), answeredOn: comment.reply ? beijingDate(new Date(updatedAt)) : null };
}

/** The published comments of these notices, each notice's in the order they were received. */
export async function publishedCommentEntries(db: PortalDb, noticeIds: readonly number[]): Promise<PublishedCommentEntry[]> {
  return (await selectPublishedComments(db).where('noticeId', 'in', noticeIds).execute()).map(toPublishedCommentEntry);
}

/** The notice a path names (/notices/{id}); anything but the id of a notice is notice_not_found. */
export async function requireNotice(db: PortalDb, idText: string): Promise<NoticeDetails> {
  const id = recordIdFromText(idText);
  const notice = id === null ? null : await findNotice(db, id);
  if (!notice) {
    throw new DomainError('not_found', 'notice_not_found', { id: idText });
  }
  return notice;
}

export interface NoticeFilterOptions {
  schemes: { code: string; name: string }[];
  /** Every certification body (a few hundred nationally). */
  bodies: { code: string; name: string }[];
  /** Provinces of organisations that have notices, in administrative-code order (GB/T 2260). */
  provinces: string[];
  /** Beijing years in which some notice's window starts, newest first. */
  years: number[];
}

/** The filter form's reads, on every list page: compiled once (the years' test once per number of years). */
const schemeChoices = preparedQuery((db: PortalDb) => db.selectFrom('scheme').select(['code', 'name']).orderBy('id'));
const bodyChoices = preparedQuery((db: PortalDb) => db.selectFrom('certificationBody').select(['code', 'name']).orderBy('code'));

/** The choices of the list page's filter form. */
export async function noticeFilterOptions(db: PortalDb): Promise<NoticeFilterOptions> {
  const [schemes, bodies, provinces, years] = await Promise.all([
    schemeChoices(db).then((result) => result.rows),
    bodyChoices(db).then((result) => result.rows),
    noticeProvinces(db),
    noticeYears(db),
  ]);
  return { schemes, bodies, provinces: inAdministrativeOrder(provinces), years };
}

/**
 * The provinces of the notices' applicants, in order: from each province to the next one up
 * the province index (notice_province_start), one seek per province, whatever the number of
 * notices.
 */
async function noticeProvinces(db: PortalDb): Promise<string[]> {
  return (await listedProvinces(db)).rows.map((row) => row.name!);
}

const listedProvinces = preparedQuery((db: PortalDb) =>
  db
    .withRecursive('listedProvince(name)', (qb) =>
      qb
        .selectFrom('notice')
        .select((eb) => eb.fn.min<string | null>('notice.province').as('name'))
        .unionAll(
          qb
            .selectFrom('listedProvince')
            .select((eb) =>
              eb
                .selectFrom('notice')
                .select((next) => next.fn.min('notice.province').as('name'))
                .whereRef('notice.province', '>', 'listedProvince.name')
                .as('name'),
            )
            .where('listedProvince.name', 'is not', null),
        ),
    )
    .selectFrom('listedProvince')
    .select('name')
    .where('name', 'is not', null),
);

/**
 * Years from the first window start to the last, each kept when a window starts in it:
 * one existence test a year on the window index, the years computed in JS, not in SQL.
 */
async function noticeYears(db: PortalDb): Promise<number[]> {
  const span = (await windowStartSpan(db)).rows[0]!;
  if (!span.first || !span.last) return [];
  const yearOf = (instant: string) => Number(beijingDate(new Date(instant)).slice(0, 4));
  const candidates: number[] = [];
  for (let year = Math.min(yearOf(span.last), LAST_NOTICE_YEAR); year >= Math.max(yearOf(span.first), FIRST_NOTICE_YEAR); year--) {
    candidates.push(year);
  }
  if (candidates.length === 0) return [];
  const spans = candidates.flatMap((year) => Object.values(beijingYearSpan(year)));
  const found = (await yearsPresent(candidates.length)(db, ...spans)).rows[0]!;
  return candidates.filter((_, index) => Boolean(Number(found[`y${index}`])));
}

// Two subqueries, so that each is one seek at an end of the index (one query would read it all).
const windowStartSpan = preparedQuery((db: PortalDb) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('notice')
      .select((first) => first.fn.min('notice.windowStart').as('first'))
      .as('first'),
    eb
      .selectFrom('notice')
      .select((last) => last.fn.max('notice.windowStart').as('last'))
      .as('last'),
  ]),
);

/** Whether a window starts in each of `count` years, given as [from, to) pairs: y0, y1, … */
const yearsPresent = preparedQueryPerLength(
  (count) =>
    (db: PortalDb, ...spans: string[]) =>
      db.selectNoFrom((eb) =>
        Array.from({ length: count }, (_, index) =>
          eb
            .exists(
              eb
                .selectFrom('notice')
                .select('notice.id')
                .where('notice.windowStart', '>=', spans[2 * index]!)
                .where('notice.windowStart', '<', spans[2 * index + 1]!),
            )
            .as(`y${index}`),
        ),
      ) as Compilable<Record<string, unknown>>,
  (count) => 2 * count,
);
