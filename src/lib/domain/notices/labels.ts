import type { Notice, NoticeKind } from '../../db/notice.table.ts';

export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = {
  initial: '初次认证',
  surveillance: '监督审核',
  recertification: '再认证',
  level_change: '等级变更',
  scope_change: '范围变更',
};

export const NOTICE_DECISION_LABELS: Record<Notice['decision'], string> = {
  pending: '尚未作出认证决定',
  certified: '予以认证',
  refused: '不予认证',
};

export const NOTICE_KIND_LABELS_EN: Record<NoticeKind, string> = {
  initial: 'Initial certification',
  surveillance: 'Surveillance',
  recertification: 'Re-certification',
  level_change: 'Level change',
  scope_change: 'Scope change',
};

export const NOTICE_DECISION_LABELS_EN: Record<Notice['decision'], string> = {
  pending: 'No certification decision yet',
  certified: 'Certified',
  refused: 'Certification refused',
};

/** The heading a notice is known by: "杭州某某有限公司 售后服务认证初次认证公示". */
export function noticeTitle(applicantName: string, schemeName: string, kind: NoticeKind): string {
  return `${applicantName} ${schemeName}${NOTICE_KIND_LABELS[kind]}公示`;
}

/** The English heading: "杭州某某有限公司 售后服务认证: initial certification notice" (names stay as registered). */
export function noticeTitleEn(applicantName: string, schemeName: string, kind: NoticeKind): string {
  return `${applicantName} ${schemeName}: ${NOTICE_KIND_LABELS_EN[kind].toLowerCase()} notice`;
}
