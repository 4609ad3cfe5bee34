import type {
  CertificateEventTable,
  CertificateSurveillanceDueTable,
  CertificateTable,
  CertificateFilterTallySinceTable,
  CertificateFilterTallyTable,
  CertificateTallyTable,
  CertificationBodyTable,
  OrganisationTable,
  SchemeLevelTable,
  SchemeTable,
} from './registry.table.ts';
import type {
  CommentExportTable,
  CommentSubmissionTable,
  CommentTable,
  NoticeBodyTallyTable,
  NoticeTable,
  NoticeTallyTable,
} from './notice.table.ts';
import type { Kysely } from 'kysely';

/** The schema as the application sees it (camelCase; the tables are snake_case). */
export interface PortalDatabase {
  certificationBody: CertificationBodyTable;
  scheme: SchemeTable;
  schemeLevel: SchemeLevelTable;
  organisation: OrganisationTable;
  certificate: CertificateTable;
  certificateEvent: CertificateEventTable;
  certificateSurveillanceDue: CertificateSurveillanceDueTable;
  certificateTally: CertificateTallyTable;
  certificateFilterTally: CertificateFilterTallyTable;
  certificateFilterTallySince: CertificateFilterTallySinceTable;
  notice: NoticeTable;
  noticeTally: NoticeTallyTable;
  noticeBodyTally: NoticeBodyTallyTable;
  comment: CommentTable;
  commentExport: CommentExportTable;
  commentSubmission: CommentSubmissionTable;
}

export type PortalDb = Kysely<PortalDatabase>;
