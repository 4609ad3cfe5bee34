import type { NoticeKind, NoticeTable } from '../../db/notice.table.ts';
import type { BeijingDate, CertificateEvent, StoredCertificateStatus } from '../../db/registry.table.ts';
import { addDays, addMonths, beijingDate, startOfBeijingDay } from '../../ground/time/beijing.ts';
import { statusOnDay } from './status.ts';

/** What the yearly surveillance audit (监督审核) of a certificate is judged from. */
export interface SurveillanceFacts {
  status: StoredCertificateStatus;
  /** The start of the current cycle: the issue or the latest re-certification. */
  issuedOn: BeijingDate;
  expiresOn: BeijingDate;
  /** The certificate's history, in time order. */
  events: readonly Pick<CertificateEvent, 'kind' | 'occurredAt'>[];
}

/** The certificate's surveillance as of a Beijing day. */
export interface Surveillance {
  /** The day of the latest surveillance recorded by then (in any cycle), if any. */
  lastOn: BeijingDate | null;
  /**
   * The last day by which the next surveillance must be recorded: 12 months after the issue
   * or the latest surveillance of the cycle. Null when none is due: the cycle has all it
   * needs (the re-certification comes next), or the certificate is no longer in force.
   */
  dueOn: BeijingDate | null;
  /** More than 12 months have passed since the issue or the last surveillance with none recorded. */
  overdue: boolean;
}

/** A surveillance is due within 12 months of the issue or of the one before. */
export const SURVEILLANCE_INTERVAL_MONTHS = 12;

/** Whole calendar months from `from` to `to` (2025-03-01 → 2028-03-01 is 36). */
function wholeMonths(from: BeijingDate, to: BeijingDate): number {
  const [fromYear, fromMonth, fromDay] = from.split('-').map(Number) as [number, number, number];
  const [toYear, toMonth, toDay] = to.split('-').map(Number) as [number, number, number];
  return (toYear - fromYear) * 12 + toMonth - fromMonth - (toDay < fromDay ? 1 : 0);
}

/** The certificate is in force, so it owes surveillance audits: valid or suspended, not past its end. */
function inForce(facts: Pick<SurveillanceFacts, 'status' | 'expiresOn'>, today: BeijingDate): boolean {
  const status = statusOnDay(facts.status, facts.expiresOn, today);
  return status === 'valid' || status === 'suspended';
}

/**
 * When the next surveillance is due, from the events recorded by the end of `today`. A cycle
 * of N whole years needs N - 1 surveillances (two in the usual three years), the
 * re-certification taking the place of the last; each is due 12 months after the one before,
 * the first 12 months after the issue. The same rule keeps the index that the overdue filter
 * reads (migration 2026-12-01T2235, table certificate_surveillance_due): change both or neither.
 */
export function surveillanceDueOn(facts: SurveillanceFacts, today: BeijingDate): BeijingDate | null {
  if (facts.status === 'withdrawn' || facts.status === 'cancelled') return null;
  const cycleBegins = startOfBeijingDay(addDays(facts.issuedOn, 1)).toISOString();
  const endOfToday = startOfBeijingDay(addDays(today, 1)).toISOString();
  const recorded = facts.events.filter(
    (event) => event.kind === 'surveillance_passed' && event.occurredAt >= cycleBegins && event.occurredAt < endOfToday,
  );
  const needed = Math.trunc(wholeMonths(facts.issuedOn, addDays(facts.expiresOn, 1)) / 12) - 1;
  if (recorded.length >= needed) return null;
  const latest = recorded.at(-1);
  const dueOn = addMonths(latest ? beijingDate(new Date(latest.occurredAt)) : facts.issuedOn, SURVEILLANCE_INTERVAL_MONTHS);
  return dueOn < facts.expiresOn ? dueOn : null;
}

/** The surveillance of a certificate as of `today` (Beijing), computed from its events. */
export function surveillanceAsOf(facts: SurveillanceFacts, today: BeijingDate): Surveillance {
  const endOfToday = startOfBeijingDay(addDays(today, 1)).toISOString();
  const last = facts.events.filter((event) => event.kind === 'surveillance_passed' && event.occurredAt < endOfToday).at(-1);
  const dueOn = inForce(facts, today) ? surveillanceDueOn(facts, today) : null;
  return {
    lastOn: last ? beijingDate(new Date(last.occurredAt)) : null,
    dueOn,
    overdue: dueOn !== null && today > dueOn,
  };
}

/** A notice of the certificate's life, as far as re-certification is concerned. */
export type NoticeForRecertification = Pick<NoticeTable, 'windowStart' | 'status'> & { kind: NoticeKind };

export interface Recertification<Notice extends NoticeForRecertification = NoticeForRecertification> {
  /** The certificate ends within a year and no re-certification notice of this cycle exists. */
  due: boolean;
  /** The re-certification notice of this cycle, once published. */
  notice: Notice | null;
}

/**
 * Re-certification (再认证) is due when a certificate in force ends within the year and its
 * body has published no re-certification notice since the cycle began.
 */
export function recertificationAsOf<Notice extends NoticeForRecertification>(
  facts: Pick<SurveillanceFacts, 'status' | 'issuedOn' | 'expiresOn'>,
  notices: readonly Notice[],
  today: BeijingDate,
): Recertification<Notice> {
  const cycleBegins = startOfBeijingDay(facts.issuedOn).toISOString();
  const notice = notices.find(
    (candidate) => candidate.kind === 'recertification' && candidate.status === 'published' && candidate.windowStart >= cycleBegins,
  );
  const endsWithinTheYear = facts.expiresOn < addMonths(today, 12);
  return { due: inForce(facts, today) && endsWithinTheYear && !notice, notice: notice ?? null };
}
