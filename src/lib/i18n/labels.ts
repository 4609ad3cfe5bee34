import type { CertificateEventKind } from '../db/registry.table.ts';
import type { CertificateStatus } from '../domain/certificates/status.ts';
import type { TrackedComment } from '../domain/comments/tracking.ts';
import type { NoticeState } from '../domain/notices/state.ts';
import { counted } from '../ground/language/english.ts';
import { DEFAULT_LOCALE, type Locale } from '../ground/language/locales.ts';

/*
 * What the domain's codes are called in each language (a certificate's status, an event, a
 * notice's state, a comment's kind and status), and the time left in a window: the words the
 * dictionaries (messages.ts, back-office.ts) and the feeds share.
 */

export const STATUS_LABELS: Record<CertificateStatus | 'not_issued', string> = {
  valid: '有效',
  suspended: '暂停',
  withdrawn: '撤销',
  cancelled: '注销',
  expired: '过期',
  not_issued: '尚未颁发',
};

/** One sentence a consumer understands at a glance. */
export const STATUS_EXPLANATIONS: Record<CertificateStatus | 'not_issued', string> = {
  valid: '证书有效：认证机构确认该组织目前符合认证要求。',
  suspended: '证书暂停：在暂停期间不得使用认证证书和标志。',
  withdrawn: '证书已被认证机构撤销，不再有效。',
  cancelled: '证书已注销（如获证组织申请注销或已停业），不再有效。',
  expired: '证书已超过有效期，不再有效。',
  not_issued: '当日证书尚未颁发。',
};

export const EVENT_LABELS: Record<CertificateEventKind, string> = {
  issued: '颁发',
  surveillance_passed: '监督审核通过',
  suspended: '暂停',
  restored: '恢复',
  withdrawn: '撤销',
  cancelled: '注销',
  scope_changed: '认证范围变更',
  level_changed: '等级变更',
  recertified: '再认证',
  holder_changed: '获证组织信息变更',
};

export const STATUS_LABELS_EN: Record<CertificateStatus | 'not_issued', string> = {
  valid: 'Valid',
  suspended: 'Suspended',
  withdrawn: 'Withdrawn',
  cancelled: 'Cancelled',
  expired: 'Expired',
  not_issued: 'Not yet issued',
};

export const STATUS_EXPLANATIONS_EN: Record<CertificateStatus | 'not_issued', string> = {
  valid: 'Valid: the certification body confirms that the organisation meets the certification requirements today.',
  suspended: 'Suspended: while suspended, the certificate and the certification mark must not be used.',
  withdrawn: 'Withdrawn by the certification body: the certificate is no longer valid.',
  cancelled: 'Cancelled (for instance at the holder’s request, or because it closed): the certificate is no longer valid.',
  expired: 'Expired: the certificate is past its end date and no longer valid.',
  not_issued: 'The certificate had not been issued yet on that day.',
};

export const EVENT_LABELS_EN: Record<CertificateEventKind, string> = {
  issued: 'Issued',
  surveillance_passed: 'Surveillance audit passed',
  suspended: 'Suspended',
  restored: 'Restored',
  withdrawn: 'Withdrawn',
  cancelled: 'Cancelled',
  scope_changed: 'Scope changed',
  level_changed: 'Level changed',
  recertified: 'Re-certified',
  holder_changed: 'Holder details changed',
};

export const COMMENT_KIND_LABELS = { objection: '异议', opinion: '意见', support: '支持' } as const;
export const COMMENT_STATUS_LABELS = {
  received: '已收到',
  under_review: '核查中',
  answered: '已答复',
  rejected: '不予受理',
} as const;

export const COMMENT_KIND_LABELS_EN: Record<TrackedComment['kind'], string> = { objection: 'Objection', opinion: 'Opinion', support: 'Support' };
export const COMMENT_STATUS_LABELS_EN: Record<TrackedComment['status'], string> = {
  received: 'Received',
  under_review: 'Under review',
  answered: 'Answered',
  rejected: 'Not accepted',
};

export const NOTICE_STATE_LABELS: Record<NoticeState, string> = {
  upcoming: '即将公示',
  open: '公示中',
  closed: '公示已结束',
  withdrawn: '已撤回',
};

export const NOTICE_STATE_LABELS_EN: Record<NoticeState, string> = {
  upcoming: 'Upcoming',
  open: 'Open for comments',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
};

/** "还剩 3 天 4 小时" or "3 days 4 hours left" until `end`; minutes only in the last hour. */
export function timeLeft(end: string, now: Date, locale: Locale = DEFAULT_LOCALE): string {
  const minutes = Math.max(0, Math.floor((Date.parse(end) - now.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (locale === DEFAULT_LOCALE) {
    if (days > 0) return `还剩 ${days} 天 ${hours} 小时`;
    if (hours > 0) return `还剩 ${hours} 小时 ${minutes % 60} 分钟`;
    return `还剩 ${minutes} 分钟`;
  }
  if (days > 0) return `${counted(days, 'day')} ${counted(hours, 'hour')} left`;
  if (hours > 0) return `${counted(hours, 'hour')} ${counted(minutes % 60, 'minute')} left`;
  return `${counted(minutes, 'minute')} left`;
}
