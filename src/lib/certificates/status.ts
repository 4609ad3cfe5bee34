import type {
  BeijingDate,
  CertificateEvent,
  StoredCertificateStatus,
} from '../db/registry.table.ts';
import { addDays, startOfBeijingDay } from '../time/beijing.ts';

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
