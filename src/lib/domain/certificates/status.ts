import type { BeijingDate, CertificateEvent, CertificateEventKind, StoredCertificateStatus } from '../../db/registry.table.ts';
import { addDays, beijingDate, startOfBeijingDay } from '../../ground/time/beijing.ts';

const beijingDateOf = (instant: string): BeijingDate => beijingDate(new Date(instant));

/** The status the public sees: the stored one, or expired once the end date has passed. */
export type CertificateStatus = StoredCertificateStatus | 'expired';

/** Expired is a fact of the calendar: from 00:00 Beijing time on the day after expiresOn. */
export function statusOnDay(stored: StoredCertificateStatus, expiresOn: BeijingDate, day: BeijingDate): CertificateStatus {
  const lapses = stored === 'valid' || stored === 'suspended';
  return lapses && day > expiresOn ? 'expired' : stored;
}

export type EventForStatus = Pick<CertificateEvent, 'kind' | 'occurredAt' | 'levelCode' | 'expiresOn' | 'scope'>;

export interface HistoricStatus {
  /** not_issued: the day is before the first issue. */
  status: CertificateStatus | 'not_issued';
  expiresOn: BeijingDate | null;
  levelCode: string | null;
  scope: string | null;
}

/**
 * "Was it valid on that day?": replays the event history up to the end of `day` (Beijing
 * time), so a change made during the day counts for that day. Events must be in time order.
 */
export function statusFromHistory(events: readonly EventForStatus[], day: BeijingDate): HistoricStatus {
  const endOfDay = startOfBeijingDay(addDays(day, 1)).toISOString();
  let state: HistoricStatus = { status: 'not_issued', expiresOn: null, levelCode: null, scope: null };
  for (const event of events) {
    if (event.occurredAt >= endOfDay) break;
    state = applyEvent(state, event);
  }
  if (state.status === 'not_issued' || state.expiresOn === null) return state;
  return { ...state, status: statusOnDay(state.status as StoredCertificateStatus, state.expiresOn, day) };
}

function applyEvent(state: HistoricStatus, event: EventForStatus): HistoricStatus {
  switch (event.kind) {
    case 'issued':
    case 'recertified':
      return {
        status: 'valid',
        expiresOn: event.expiresOn ?? state.expiresOn,
        levelCode: event.levelCode ?? state.levelCode,
        scope: event.scope ?? state.scope,
      };
    case 'suspended':
      return { ...state, status: 'suspended' };
    case 'restored':
      return { ...state, status: 'valid' };
    case 'withdrawn':
      return { ...state, status: 'withdrawn' };
    case 'cancelled':
      return { ...state, status: 'cancelled' };
    case 'level_changed':
      return { ...state, levelCode: event.levelCode ?? state.levelCode };
    case 'scope_changed':
      return { ...state, scope: event.scope ?? state.scope };
    case 'surveillance_passed':
    case 'holder_changed':
      return state;
  }
}

/** A certificate that ends within this many days says so beside its status. */
export const EXPIRY_WARNING_DAYS = 60;

/** When a change of status happened and why, in the body's words, from the latest event of its kind. */
export interface StatusChange {
  /** The Beijing date of the event, or null when the history does not record it. */
  on: BeijingDate | null;
  reason: string | null;
}

/**
 * What the status box says: the status today and the date that matters for it. Valid:
 * its last day, and how many days are left when that is near. Suspended: since when and
 * why. Expired: the day it lapsed, and the suspension it lapsed in, if any. Withdrawn,
 * cancelled: when and why.
 */
export type StatusStatement =
  | { status: 'valid'; validUntil: BeijingDate; daysLeft: number | null }
  | { status: 'suspended'; validUntil: BeijingDate; suspended: StatusChange }
  | { status: 'expired'; lastValidDay: BeijingDate; lapsedOn: BeijingDate; suspended: StatusChange | null }
  | { status: 'withdrawn' | 'cancelled'; change: StatusChange };

export type EventForStatement = Pick<CertificateEvent, 'kind' | 'occurredAt' | 'description'>;

export function statusStatement(
  certificate: { status: StoredCertificateStatus; expiresOn: BeijingDate; events: readonly EventForStatement[] },
  today: BeijingDate,
): StatusStatement {
  const { status, expiresOn, events } = certificate;
  const latest = (kind: CertificateEventKind): StatusChange => {
    const event = events.findLast((candidate) => candidate.kind === kind);
    return { on: event ? beijingDateOf(event.occurredAt) : null, reason: event?.description.trim() || null };
  };
  switch (statusOnDay(status, expiresOn, today)) {
    case 'valid': {
      const daysLeft = daysBetween(today, expiresOn);
      return { status: 'valid', validUntil: expiresOn, daysLeft: daysLeft <= EXPIRY_WARNING_DAYS ? daysLeft : null };
    }
    case 'suspended':
      return { status: 'suspended', validUntil: expiresOn, suspended: latest('suspended') };
    case 'expired':
      return {
        status: 'expired',
        lastValidDay: expiresOn,
        lapsedOn: addDays(expiresOn, 1),
        suspended: status === 'suspended' ? latest('suspended') : null,
      };
    case 'withdrawn':
      return { status: 'withdrawn', change: latest('withdrawn') };
    case 'cancelled':
      return { status: 'cancelled', change: latest('cancelled') };
  }
}

/** Whole days from `from` to `to` (Beijing dates): 0 when they are the same day. */
function daysBetween(from: BeijingDate, to: BeijingDate): number {
  return Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / 86_400_000);
}
