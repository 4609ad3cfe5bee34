import type { ColumnType, Generated, Selectable } from 'kysely';

/** Instants are ISO 8601 strings in UTC ("2026-11-26T07:00:00.000Z"); dates are Beijing dates "YYYY-MM-DD". */
export type UtcInstant = string;
export type BeijingDate = string;

export interface CertificationBodyTable {
  id: Generated<number>;
  code: string;
  name: string;
  approvalNumber: string;
  website: string | null;
  phone: string | null;
  address: string | null;
  updatedAt: UtcInstant;
}

export interface SchemeTable {
  id: Generated<number>;
  code: string;
  name: string;
  nameEn: string;
  basis: string;
  description: string | null;
  updatedAt: UtcInstant;
}

export interface SchemeLevelTable {
  id: Generated<number>;
  schemeId: number;
  code: string;
  name: string;
  minScore: number | null;
  /** Order inside its scheme only: levels are never compared across schemes. */
  rank: number;
}

export interface OrganisationTable {
  id: Generated<number>;
  uscc: string;
  name: string;
  /** The name in search form (see toSearchForm); the name's bigram index is built from it. */
  nameSearch: string;
  province: string;
  city: string | null;
  address: string;
  updatedAt: UtcInstant;
}

export const CERTIFICATE_STATUSES = ['valid', 'suspended', 'withdrawn', 'cancelled'] as const;
/** The status the body recorded. "Expired" is never stored: it follows from expiresOn. */
export type StoredCertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface CertificateTable {
  id: Generated<number>;
  number: string;
  /** Letters and digits of the number, upper-case: unique, so dash or case variants are never ambiguous. */
  numberKey: string;
  organisationId: number;
  /** The holder's province, copied from its organisation by the database's triggers: never written. */
  province: ColumnType<string, never, never>;
  bodyId: number;
  schemeId: number;
  levelCode: string | null;
  scope: string;
  /** Certified sites, one address a line. */
  sites: string;
  firstIssuedOn: BeijingDate;
  issuedOn: BeijingDate;
  /** The last day the certificate is valid, inclusive. */
  expiresOn: BeijingDate;
  status: StoredCertificateStatus;
  updatedAt: UtcInstant;
}

/**
 * How many certificates there are of each body, scheme, holder's province and stored status,
 * and for valid and suspended ones whether they lapse before certificate_filter_tally_since's day
 * ('past') or not ('current'; '' for withdrawn and cancelled ones, which do not lapse): kept
 * by the database's triggers (migration 2026-12-02T0722), never written but by
 * moveCertificateTallyForward (certificates/tally.ts).
 */
export interface CertificateFilterTallyTable {
  bodyId: ColumnType<number, never, never>;
  schemeId: ColumnType<number, never, never>;
  province: ColumnType<string, never, never>;
  status: ColumnType<StoredCertificateStatus, never, never>;
  lapse: ColumnType<'past' | 'current' | '', never, never>;
  certificates: ColumnType<number, never, never>;
}

/** The one row: the Beijing day before which certificate_filter_tally's 'past' lapsed. */
export interface CertificateFilterTallySinceTable {
  lapsedBefore: BeijingDate;
}

export const CERTIFICATE_EVENT_KINDS = [
  'issued',
  'surveillance_passed',
  'suspended',
  'restored',
  'withdrawn',
  'cancelled',
  'scope_changed',
  'level_changed',
  'recertified',
  'holder_changed',
] as const;
export type CertificateEventKind = (typeof CERTIFICATE_EVENT_KINDS)[number];

export interface CertificateEventTable {
  id: Generated<number>;
  certificateId: number;
  kind: CertificateEventKind;
  occurredAt: UtcInstant;
  /** What the body says happened, in its words. */
  description: string;
  /** Set by issued, recertified and level_changed. */
  levelCode: string | null;
  /** Set by issued and recertified: the new last valid day. */
  expiresOn: BeijingDate | null;
  /** Set by issued, recertified and scope_changed. */
  scope: string | null;
}

export type CertificateEvent = Selectable<CertificateEventTable>;

/** How many certificates a body has of each recorded status and last valid day: kept by the database's triggers, never written. */
export interface CertificateTallyTable {
  bodyId: ColumnType<number, never, never>;
  status: ColumnType<StoredCertificateStatus, never, never>;
  expiresOn: ColumnType<BeijingDate, never, never>;
  certificates: ColumnType<number, never, never>;
}

/**
 * When a certificate's next surveillance audit is due: no row when none is. Kept by triggers
 * from the certificate and its surveillance events (migration 2026-12-01T2235), applying the
 * rule of certificates/surveillance.ts; it indexes the "surveillance overdue" lookup and feed.
 */
export interface CertificateSurveillanceDueTable {
  certificateId: number;
  /** The last day by which the next surveillance must be recorded. */
  dueOn: BeijingDate;
  /** The certificate's expiresOn: overdue is dueOn < today <= expiresOn. */
  expiresOn: BeijingDate;
  /** The certificate's holder, so that a name narrows the overdue ones without reading certificates. */
  organisationId: number;
}
