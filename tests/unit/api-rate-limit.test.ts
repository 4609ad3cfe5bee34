import { describe, expect, it } from 'vitest';
import { ApiRateLimit, isApiRequest } from '../../src/lib/web/http/api-rate-limit.ts';

/** The per-client allowance of API requests, on a clock the test moves. */
describe('ApiRateLimit', () => {
  it('lets a minute’s worth through at once, then one per refill, and says how long to wait', () => {
    let now = 0;
    const limit = new ApiRateLimit(6, () => now);
    expect(Array.from({ length: 6 }, () => limit.take('198.51.100.1'))).toEqual([0, 0, 0, 0, 0, 0]);
    // 6 a minute: one every 10 s.
    expect(limit.take('198.51.100.1')).toBe(10);
    now += 4_000;
    expect(limit.take('198.51.100.1')).toBe(6);
    now += 6_000;
    expect(limit.take('198.51.100.1')).toBe(0);
    expect(limit.take('198.51.100.1')).toBe(10);
    // Another client has its own allowance.
    expect(limit.take('198.51.100.2')).toBe(0);
  });

  it('refills to a minute’s worth at most, however long a client was away', () => {
    let now = 0;
    const limit = new ApiRateLimit(3, () => now);
    limit.take('198.51.100.1');
    now += 3_600_000;
    expect(Array.from({ length: 4 }, () => limit.take('198.51.100.1'))).toEqual([0, 0, 0, 20]);
  });

  it('counts the API, not the pages a person reads nor a browser’s preflight', () => {
    expect(isApiRequest('GET', '/api/v1/certificates?q=1')).toBe(true);
    expect(isApiRequest('POST', '/api/v1/certificates/verify')).toBe(true);
    expect(isApiRequest('OPTIONS', '/api/v1/certificates/verify')).toBe(false);
    expect(isApiRequest('GET', '/api')).toBe(false);
    expect(isApiRequest('GET', '/certificates/TCB-1')).toBe(false);
  });
});
