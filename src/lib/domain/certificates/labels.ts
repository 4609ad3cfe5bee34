import type { CertificateEventKind } from '../../db/registry.table.ts';
import type { CertificateStatus } from './status.ts';

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
