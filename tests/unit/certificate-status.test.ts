import { describe, expect, it } from 'vitest';
import { statusFromHistory, statusOnDay, type EventForStatus } from '../../src/lib/domain/certificates/status.ts';
import { beijingDate } from '../../src/lib/ground/time/beijing.ts';

const event = (kind: EventForStatus['kind'], occurredAt: string, extra: Partial<EventForStatus> = {}): EventForStatus => ({
  kind,
  occurredAt,
  levelCode: null,
  expiresOn: null,
  scope: null,
  ...extra,
});

describe('status as of a day', () => {
  it('turns expired at 00:00 Beijing time on the day after the end date, not at UTC midnight', () => {
    const expiresOn = '2026-11-25';
    const lastMillisecond = new Date('2026-11-25T15:59:59.999Z'); // 23:59:59.999 in Beijing
    const midnight = new Date('2026-11-25T16:00:00.000Z'); // 00:00 on 26 November in Beijing
    expect(statusOnDay('valid', expiresOn, beijingDate(lastMillisecond))).toBe('valid');
    expect(statusOnDay('valid', expiresOn, beijingDate(midnight))).toBe('expired');
  });

  it('lets a suspended certificate expire, but keeps withdrawn and cancelled as they are', () => {
    expect(statusOnDay('suspended', '2020-01-01', '2026-01-01')).toBe('expired');
    expect(statusOnDay('withdrawn', '2020-01-01', '2026-01-01')).toBe('withdrawn');
    expect(statusOnDay('cancelled', '2020-01-01', '2026-01-01')).toBe('cancelled');
  });
});

describe('status on a past day from the event history', () => {
  // A life that uses every kind of event; times are UTC, Beijing is 8 hours ahead.
  const history: EventForStatus[] = [
    event('issued', '2020-03-02T02:00:00.000Z', { expiresOn: '2023-03-01', levelCode: 'three-star', scope: '家电售后' }),
    event('surveillance_passed', '2021-03-01T02:00:00.000Z'),
    event('level_changed', '2021-06-01T02:00:00.000Z', { levelCode: 'four-star' }),
    event('scope_changed', '2021-07-01T02:00:00.000Z', { scope: '家电及厨具售后' }),
    event('holder_changed', '2021-08-01T02:00:00.000Z'),
    event('suspended', '2022-01-10T02:00:00.000Z'),
    event('restored', '2022-02-10T02:00:00.000Z'),
    event('recertified', '2023-02-20T02:00:00.000Z', { expiresOn: '2026-03-01', levelCode: 'five-star' }),
    event('withdrawn', '2024-05-06T07:00:00.000Z'),
  ];

  it.each([
    ['2020-03-01', 'not_issued'],
    ['2020-03-02', 'valid'],
    ['2021-03-01', 'valid'],
    ['2022-01-09', 'valid'],
    ['2022-01-10', 'suspended'],
    ['2022-02-09', 'suspended'],
    ['2022-02-10', 'valid'],
    ['2023-03-05', 'valid'],
    ['2024-05-05', 'valid'],
    ['2024-05-06', 'withdrawn'],
    ['2027-01-01', 'withdrawn'],
  ])('on %s the certificate was %s', (day, expected) => {
    expect(statusFromHistory(history, day).status).toBe(expected);
  });

  it('carries level and scope changes forward', () => {
    expect(statusFromHistory(history, '2021-06-30')).toMatchObject({ levelCode: 'four-star', scope: '家电售后' });
    expect(statusFromHistory(history, '2021-07-01')).toMatchObject({ levelCode: 'four-star', scope: '家电及厨具售后' });
    expect(statusFromHistory(history, '2023-02-20')).toMatchObject({ levelCode: 'five-star', expiresOn: '2026-03-01' });
  });

  it('counts an event on the Beijing day it happened, even when that is the previous UTC day', () => {
    // 2022-01-10T18:00Z is 2022-01-11 02:00 in Beijing.
    const lateSuspension = [history[0]!, event('suspended', '2022-01-10T18:00:00.000Z')];
    expect(statusFromHistory(lateSuspension, '2022-01-10').status).toBe('valid');
    expect(statusFromHistory(lateSuspension, '2022-01-11').status).toBe('suspended');
  });

  it('reports a certificate that was not recertified as expired after its end date', () => {
    const lapsed = history.slice(0, 7);
    expect(statusFromHistory(lapsed, '2023-03-01').status).toBe('valid');
    expect(statusFromHistory(lapsed, '2023-03-02').status).toBe('expired');
  });

  it('reports cancellation', () => {
    const cancelled = [history[0]!, event('cancelled', '2021-01-05T02:00:00.000Z')];
    expect(statusFromHistory(cancelled, '2021-01-04').status).toBe('valid');
    expect(statusFromHistory(cancelled, '2021-01-05').status).toBe('cancelled');
  });
});
