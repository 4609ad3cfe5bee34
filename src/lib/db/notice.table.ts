import type { ColumnType, Generated, Selectable } from 'kysely';
import type { UtcInstant } from './registry.table.ts';

export const NOTICE_KINDS = ['initial', 'surveillance', 'recertification', 'level_change', 'scope_change'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_STATUSES = ['published', 'withdrawn'] as const;
export const NOTICE_DECISIONS = ['pending', 'certified', 'refused'] as const;

export interface NoticeTable {
  id: Generated<number>;
  /** The body's own reference: the natural key imports upsert by. */
  reference: string;
  kind: NoticeKind;
  organisationId: number;
  /** The applicant's province, copied from its organisation by the database's triggers: never written. */
  province: ColumnType<string, never, never>;
  schemeId: number;
  bodyId: number;
  proposedLevelCode: string | null;
  scope: string;
  /** The applicant's address as the notice states it. */
  applicantAddress: string;
  evaluationSummary: string;
  /** Comments are accepted iff windowStart <= now < windowEnd. */
  windowStart: UtcInstant;
  windowEnd: UtcInstant;
  publishedAt: UtcInstant;
  status: (typeof NOTICE_STATUSES)[number];
  /** When the body withdrew the notice; null while published, and for notices withdrawn before it was recorded. */
  withdrawnAt: UtcInstant | null;
  /** Why, in the body's words; null while published, and for notices withdrawn before it was recorded. */
  withdrawalReason: string | null;
  decision: (typeof NOTICE_DECISIONS)[number];
  decidedAt: UtcInstant | null;
  /** The certificate the decision issued or changed. */
  certificateId: number | null;
  /** How to object offline: address, e-mail, telephone of the body. */
  objectionContact: string;
  updatedAt: UtcInstant;
}

/** How many notices there are of each kind, scheme, applicant's province and Beijing year of window start: kept by the database's triggers, never written. */
export interface NoticeTallyTable {
  kind: ColumnType<NoticeKind, never, never>;
  schemeId: ColumnType<number, never, never>;
  province: ColumnType<string, never, never>;
  year: ColumnType<number, never, never>;
  notices: ColumnType<number, never, never>;
}

/** notice_tally's counts per certification body (notice_body_tally): kept by the database's triggers, never written. */
export interface NoticeBodyTallyTable extends NoticeTallyTable {
  bodyId: ColumnType<number, never, never>;
}

export const COMMENT_KINDS = ['objection', 'opinion', 'support'] as const;
export const COMMENT_STATUSES = ['received', 'under_review', 'answered', 'rejected'] as const;
/** What the body found when it re-checked an objection: 异议成立 or 异议不成立. */
export const OBJECTION_FINDINGS = ['upheld', 'not_upheld'] as const;
export type ObjectionFinding = (typeof OBJECTION_FINDINGS)[number];

/** Submitter fields are personal information (PIPL): for handling the comment only, never published. */
export interface CommentTable {
  id: Generated<number>;
  noticeId: number;
  trackingNumber: string;
  idempotencyKey: string;
  kind: (typeof COMMENT_KINDS)[number];
  text: string;
  submitterName: string;
  submitterContact: string;
  submitterOrganisation: string | null;
  status: (typeof COMMENT_STATUSES)[number];
  reply: string | null;
  published: number;
  /** Objections only, once the body has re-checked them; null before, and for other kinds. */
  finding: ObjectionFinding | null;
  receivedAt: UtcInstant;
  updatedAt: UtcInstant;
  /** When the submitter's name, contact and organisation were erased (emptied) as no longer needed; null while kept. */
  personalDataErasedAt: UtcInstant | null;
}

/** One export of comments with their submitters' personal data: who took which ones when. Holds nothing of the commenters. */
export interface CommentExportTable {
  id: Generated<number>;
  exportedAt: UtcInstant;
  /** The operating-system user who ran the export. */
  osUser: string;
  /** The filter: comments received since (null: all), of one body's notices, of one notice. */
  since: UtcInstant | null;
  bodyCode: string | null;
  noticeReference: string | null;
  format: 'csv' | 'json';
  commentCount: number;
  /** Where the file was written. */
  file: string;
}

export type Notice = Selectable<NoticeTable>;
export type Comment = Selectable<CommentTable>;

/** What the rate limits count: salted hashes of who submitted (address, contact), on which notice and when, kept for a day (comments/submit.ts). */
export interface CommentSubmissionTable {
  id: Generated<number>;
  clientHash: string;
  /** Null for a form a robot filled (counted for its address only) and for submissions from before the contact was counted. */
  contactHash: string | null;
  noticeId: number | null;
  submittedAt: UtcInstant;
}
