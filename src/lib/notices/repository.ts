import { expressionBuilder, type NotNull } from 'kysely';
import type { PortalDatabase, PortalDb } from '../db/database.ts';
import type { Comment, Notice, NoticeKind } from '../db/notice.table.ts';
import { DomainError } from '../errors.ts';
import { beijingDate, startOfBeijingDay } from '../time/beijing.ts';
import { FIRST_NOTICE_YEAR, LAST_NOTICE_YEAR, noticeIdFromPath, type NoticeFeedFilters, type NoticeListQuery } from './inputs.ts';
import { inAdministrativeOrder } from '../organisations/provinces.ts';
import { noticeTitle } from './labels.ts';
import { noticeState, type NoticeState } from './state.ts';

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
export interface NoticeRecord extends NoticeHeadline {
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
    proposedLevel:
      row.proposedLevelCode && row.proposedLevelName ? { code: row.proposedLevelCode, name: row.proposedLevelName } : null,
    applicant: { name: row.applicantName, uscc: row.uscc, province: row.province },
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    commentCount: Number(row.commentCount ?? 0),
  };
}

type HeadlineQuery = ReturnType<typeof selectNoticeHeadlines>;

/** The filters that say what a notice is about (all but its state): the list's and the feed's. */
function whereAbout(query: HeadlineQuery, filters: Omit<NoticeFilters, 'state'>): HeadlineQuery {
  if (filters.kind) query = query.where('notice.kind', '=', filters.kind);
  if (filters.scheme) query = query.where('scheme.code', '=', filters.scheme);
  if (filters.province) query = query.where('organisation.province', '=', filters.province);
  if (filters.body) query = query.where('notice.bodyId', '=', (eb) => eb.selectFrom('certificationBody').select('certificationBody.id').where('certificationBody.code', '=', filters.body!));
  if (filters.year !== undefined) {
    const { from, to } = beijingYearSpan(filters.year);
    query = query.where('notice.windowStart', '>=', from).where('notice.windowStart', '<', to);
  }
  return query;
}

/** The instants a Beijing calendar year spans, [from, to), as stored ISO strings. */
function beijingYearSpan(year: number): { from: string; to: string } {
  return {
    from: startOfBeijingDay(`${year}-01-01`).toISOString(),
    to: startOfBeijingDay(`${year + 1}-01-01`).toISOString(),
  };
}

/**
 * The list's groups at `now` (an ISO instant): 0 open, 1 upcoming, 2 closed, the withdrawn
 * among the closed. The same boundaries as noticeState: open iff windowStart <= now < windowEnd.
 */
function listGroup(now: string) {
  const eb = expressionBuilder<PortalDatabase, 'notice'>();
  return eb
    .case()
    .when('notice.status', '=', 'withdrawn')
    .then(eb.lit(2))
    .when('notice.windowStart', '>', now)
    .then(eb.lit(1))
    .when('notice.windowEnd', '>', now)
    .then(eb.lit(0))
    .else(eb.lit(2))
    .end();
}

/**
 * Notices matching the filters, open ones first (soonest deadline first), then upcoming
 * (soonest start first), then closed (most recently ended first); paginated.
 */
export async function listNotices(db: PortalDb, filters: NoticeFilters, page: number, now: Date): Promise<NoticeList> {
  const instant = now.toISOString();
  let query = whereAbout(selectNoticeHeadlines(db), filters);
  // Plain comparisons rather than the group CASE, so the window indexes can serve them.
  switch (filters.state) {
    case 'open':
      query = query
        .where('notice.status', '!=', 'withdrawn')
        .where('notice.windowStart', '<=', instant)
        .where('notice.windowEnd', '>', instant);
      break;
    case 'upcoming':
      query = query.where('notice.status', '!=', 'withdrawn').where('notice.windowStart', '>', instant);
      break;
    case 'closed':
      query = query.where((eb) => eb.or([eb('notice.status', '=', 'withdrawn'), eb('notice.windowEnd', '<=', instant)]));
      break;
  }

  const { total } = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();

  const eb = expressionBuilder<PortalDatabase, 'notice'>();
  const group = listGroup(instant);
  const rows = await query
    .orderBy(group)
    .orderBy(
      eb
        .case()
        .when(group, '=', eb.lit(0))
        .then(eb.ref('notice.windowEnd'))
        .when(group, '=', eb.lit(1))
        .then(eb.ref('notice.windowStart'))
        .end(),
    )
    .orderBy(eb.case().when(group, '=', eb.lit(2)).then(eb.ref('notice.windowEnd')).end(), 'desc')
    .orderBy('notice.id')
    .limit(NOTICE_PAGE_SIZE)
    .offset((page - 1) * NOTICE_PAGE_SIZE)
    .execute();

  return {
    total: Number(total),
    page,
    pageCount: Math.ceil(Number(total) / NOTICE_PAGE_SIZE),
    items: rows.map((row) => {
      const headline = toHeadline(row);
      return { ...headline, state: noticeState(headline, now) };
    }),
  };
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
  return whereAbout(selectNoticeHeadlines(db), filters)
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
 * A withdrawal is the notice's last change, so its time is the notice's updatedAt (index
 * notice_withdrawn); withdrawn notices are few, so a filter reads few of them.
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

/** The outcome of a notice: the body's certification decision. */
export interface NoticeDecision extends NoticeHeadline {
  body: NoticeBody;
  decision: 'certified' | 'refused';
  decidedAt: string;
  updatedAt: string;
  /** The certificate the decision issued or changed. */
  certificateNumber: string | null;
}

/** The decisions made by `now` on the notices matching the filters, the most recent first. */
export async function newestDecisions(db: PortalDb, now: Date, limit: number, filters: NoticeFeedFilters = {}): Promise<NoticeDecision[]> {
  const rows = await whereAbout(selectNoticeHeadlines(db), filters)
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
    .where('notice.decidedAt', '<=', now.toISOString())
    .orderBy('notice.decidedAt', 'desc')
    .orderBy('notice.id', 'desc')
    .limit(limit)
    .$narrowType<{ decision: NoticeDecision['decision']; decidedAt: NotNull }>()
    .execute();
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

/** The notice with this id, with its published comments, or null. */
export async function findNotice(db: PortalDb, id: number): Promise<NoticeRecord | null> {
  const row = await selectNoticeHeadlines(db)
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
    ])
    .where('notice.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;

  const publishedComments = (await publishedCommentEntries(db, id)).map(({ id: _id, answeredOn: _answeredOn, ...comment }) => comment);
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

/** A published comment as a notice's feed tells it: the id names its item, the Beijing days date it (never an instant of the sender's). */
export interface PublishedCommentEntry extends PublishedComment {
  id: number;
  /** The Beijing day the answer was last changed, when there is one. */
  answeredOn: string | null;
}

/** The published comments of a notice, in the order they were received. */
export async function publishedCommentEntries(db: PortalDb, noticeId: number): Promise<PublishedCommentEntry[]> {
  const rows = await db
    .selectFrom('comment')
    .select(['id', 'kind', 'text', 'receivedAt', 'updatedAt', 'status', 'reply', 'finding'])
    .where('noticeId', '=', noticeId)
    .where('published', '=', 1)
    .orderBy('receivedAt')
    .orderBy('id')
    .execute();
  return rows.map(({ receivedAt, updatedAt, ...comment }) => ({
    ...comment,
    receivedOn: beijingDate(new Date(receivedAt)),
    answeredOn: comment.reply ? beijingDate(new Date(updatedAt)) : null,
  }));
}

/** The notice a path names (/notices/{id}); anything but the id of a notice is notice_not_found. */
export async function requireNotice(db: PortalDb, idText: string): Promise<NoticeRecord> {
  const id = noticeIdFromPath(idText);
  const notice = id === null ? null : await findNotice(db, id);
  if (!notice) {
    throw new DomainError(
      'not_found',
      'notice_not_found',
      `No notice has the id ${idText}. List the notices with /api/v1/notices.`,
      `未找到编号为 ${idText} 的公示。`,
    );
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

/** The choices of the list page's filter form. */
export async function noticeFilterOptions(db: PortalDb): Promise<NoticeFilterOptions> {
  const [schemes, bodies, provinces, years] = await Promise.all([
    db.selectFrom('scheme').select(['code', 'name']).orderBy('id').execute(),
    db.selectFrom('certificationBody').select(['code', 'name']).orderBy('code').execute(),
    db
      .selectFrom('organisation')
      .select('province')
      .distinct()
      .where((eb) => eb.exists(eb.selectFrom('notice').select('notice.id').whereRef('notice.organisationId', '=', 'organisation.id')))
      .orderBy('province')
      .execute(),
    noticeYears(db),
  ]);
  return { schemes, bodies, provinces: inAdministrativeOrder(provinces.map((row) => row.province)), years };
}

/**
 * Years from the first window start to the last, each kept when a window starts in it:
 * one existence test a year on the window index, the years computed in JS, not in SQL.
 */
async function noticeYears(db: PortalDb): Promise<number[]> {
  const span = await db
    .selectFrom('notice')
    .select((eb) => [eb.fn.min('notice.windowStart').as('first'), eb.fn.max('notice.windowStart').as('last')])
    .executeTakeFirstOrThrow();
  if (!span.first || !span.last) return [];
  const yearOf = (instant: string) => Number(beijingDate(new Date(instant)).slice(0, 4));
  const candidates: number[] = [];
  for (let year = Math.min(yearOf(span.last), LAST_NOTICE_YEAR); year >= Math.max(yearOf(span.first), FIRST_NOTICE_YEAR); year--) {
    candidates.push(year);
  }
  if (candidates.length === 0) return [];
  const present = await db
    .selectNoFrom((eb) =>
      candidates.map((year) => {
        const { from, to } = beijingYearSpan(year);
        return eb
          .exists(eb.selectFrom('notice').select('notice.id').where('notice.windowStart', '>=', from).where('notice.windowStart', '<', to))
          .as(`y${year}`);
      }),
    )
    .executeTakeFirstOrThrow();
  const found = present as Record<string, unknown>;
  return candidates.filter((year) => Boolean(Number(found[`y${year}`])));
}
