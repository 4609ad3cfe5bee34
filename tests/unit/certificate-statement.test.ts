import { describe, expect, it } from 'vitest';
import { statusStatement, type EventForStatement } from '../../src/lib/domain/certificates/status.ts';

const event = (kind: EventForStatement['kind'], occurredAt: string, description = ''): EventForStatement => ({ kind, occurredAt, description });
const issued = event('issued', '2025-01-10T02:00:00.000Z', '初次颁发');

describe('what the status box says', () => {
  it('gives a valid certificate its last day, and the days left only within 60 days of it', () => {
    expect(statusStatement({ status: 'valid', expiresOn: '2028-01-09', events: [issued] }, '2026-12-02')).toEqual({
      status: 'valid',
      validUntil: '2028-01-09',
      daysLeft: null,
    });
    expect(statusStatement({ status: 'valid', expiresOn: '2027-01-31', events: [issued] }, '2026-12-02')).toMatchObject({ daysLeft: 60 });
    expect(statusStatement({ status: 'valid', expiresOn: '2027-02-01', events: [issued] }, '2026-12-02')).toMatchObject({ daysLeft: null });
    expect(statusStatement({ status: 'valid', expiresOn: '2026-12-02', events: [issued] }, '2026-12-02')).toMatchObject({ daysLeft: 0 });
  });

  it('says an expired certificate lapsed the day after its end date, not today', () => {
    expect(statusStatement({ status: 'valid', expiresOn: '2025-08-16', events: [issued] }, '2026-12-02')).toEqual({
      status: 'expired',
      lastValidDay: '2025-08-16',
      lapsedOn: '2025-08-17',
      suspended: null,
    });
  });

  it('says since when a certificate is suspended and why, from the latest suspension in Beijing time', () => {
    const events = [
      issued,
      event('suspended', '2025-05-01T02:00:00.000Z', '旧的暂停'),
      event('restored', '2025-06-01T02:00:00.000Z'),
      event('suspended', '2026-09-08T17:00:00.000Z', '监督审核未按期进行'),
    ];
    expect(statusStatement({ status: 'suspended', expiresOn: '2028-01-09', events }, '2026-12-02')).toEqual({
      status: 'suspended',
      validUntil: '2028-01-09',
      suspended: { on: '2026-09-09', reason: '监督审核未按期进行' },
    });
  });

  it('says both when a suspended certificate has passed its end date', () => {
    const events = [issued, event('suspended', '2025-03-01T02:00:00.000Z', '暂停原因')];
    expect(statusStatement({ status: 'suspended', expiresOn: '2025-08-16', events }, '2026-12-02')).toEqual({
      status: 'expired',
      lastValidDay: '2025-08-16',
      lapsedOn: '2025-08-17',
      suspended: { on: '2025-03-01', reason: '暂停原因' },
    });
  });

  it('says when and why a certificate was withdrawn or cancelled, and no date when the history has none', () => {
    const withdrawn = [issued, event('withdrawn', '2026-03-04T02:00:00.000Z', '提供虚假材料')];
    expect(statusStatement({ status: 'withdrawn', expiresOn: '2028-01-09', events: withdrawn }, '2026-12-02')).toEqual({
      status: 'withdrawn',
      change: { on: '2026-03-04', reason: '提供虚假材料' },
    });
    expect(statusStatement({ status: 'cancelled', expiresOn: '2028-01-09', events: [issued] }, '2026-12-02')).toEqual({
      status: 'cancelled',
      change: { on: null, reason: null },
    });
  });
});
