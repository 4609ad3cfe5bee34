import type { PortalDb } from '../../db/database.ts';
import { preparedQuery } from '../../db/prepared.ts';
import { COMMENT_KINDS, COMMENT_STATUSES, type Comment, type Notice } from '../../db/notice.table.ts';

/**
 * How a notice's comments were handled (异议处理结果), in numbers only: what a decided notice
 * publishes. Counts say nothing of who sent a comment; the texts and answers the body chose
 * to publish are the notice's publishedComments.
 */
export interface CommentOutcomes {
  received: number;
  byKind: Record<Comment['kind'], number>;
  /** How far the body's handling went: answered, not accepted, or still open. */
  byStatus: Record<Comment['status'], number>;
  /** What re-checking the objections found. */
  objections: { upheld: number; notUpheld: number; withoutFinding: number };
  /** Comments whose text and answer are on the notice page. */
  published: number;
}

const zeroes = <Key extends string>(keys: readonly Key[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<Key, number>;

/** Read for every decided notice's page: compiled once. */
const commentGroupsOfNotice = preparedQuery((db: PortalDb, noticeId: number) =>
  db
    .selectFrom('comment')
    .select((eb) => ['kind', 'status', 'finding', 'published', eb.fn.countAll<number>().as('count')])
    .where('noticeId', '=', noticeId)
    .groupBy(['kind', 'status', 'finding', 'published']),
);

/** The outcome counts of one notice's comments: one grouped read of its comments through comment_notice. */
export async function commentOutcomes(db: PortalDb, noticeId: number): Promise<CommentOutcomes> {
  const { rows: groups } = await commentGroupsOfNotice(db, noticeId);
  const outcomes: CommentOutcomes = {
    received: 0,
    byKind: zeroes(COMMENT_KINDS),
    byStatus: zeroes(COMMENT_STATUSES),
    objections: { upheld: 0, notUpheld: 0, withoutFinding: 0 },
    published: 0,
  };
  for (const group of groups) {
    const count = Number(group.count);
    outcomes.received += count;
    outcomes.byKind[group.kind] += count;
    outcomes.byStatus[group.status] += count;
    if (group.published === 1) outcomes.published += count;
    if (group.kind !== 'objection') continue;
    if (group.finding === 'upheld') outcomes.objections.upheld += count;
    else if (group.finding === 'not_upheld') outcomes.objections.notUpheld += count;
    else outcomes.objections.withoutFinding += count;
  }
  return outcomes;
}

/** What a notice publishes of its comments' handling: the outcomes once it is decided, null while the decision is pending. */
export function outcomesOnceDecided(db: PortalDb, notice: { id: number; decision: Notice['decision'] }): Promise<CommentOutcomes | null> {
  return notice.decision === 'pending' ? Promise.resolve(null) : commentOutcomes(db, notice.id);
}
