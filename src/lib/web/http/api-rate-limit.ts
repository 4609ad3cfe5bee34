import type { ServerResponse } from 'node:http';
import { DomainError } from '../../ground/errors.ts';
import { errorResponse } from './errors.ts';

/** Where programs ask: the pages a person reads are never limited. */
export const isApiRequest = (method: string | undefined, url: string) => /^\/api\/v1\//.test(url) && method !== 'OPTIONS';

/** Above this many clients remembered, those whose allowance is whole again are forgotten. */
const REMEMBERED_CLIENTS = 50_000;

/**
 * A generous allowance of API requests per client (an IPv4 address or an IPv6 /64, as
 * clientAddressOf counts them), kept in this server process's memory: a token bucket that
 * holds a minute's worth of requests, `perMinute`, and refills at that rate. A burst of a
 * minute's requests passes at once; past it, a program waits for the refill.
 */
export class ApiRateLimit {
  private readonly clients = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes one request of `client`'s allowance: 0 when it may go ahead, else the whole seconds until it may. */
  take(client: string): number {
    const now = this.clock();
    const perMillisecond = this.perMinute / 60_000;
    const bucket = this.clients.get(client);
    const tokens = bucket ? Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * perMillisecond) : this.perMinute;
    if (tokens < 1) {
      this.clients.set(client, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / perMillisecond / 1000));
    }
    if (!bucket && this.clients.size >= REMEMBERED_CLIENTS) this.forgetWhole(now);
    this.clients.set(client, { tokens: tokens - 1, at: now });
    return 0;
  }

  private forgetWhole(now: number): void {
    const perMillisecond = this.perMinute / 60_000;
    for (const [client, bucket] of this.clients)
      if (bucket.tokens + (now - bucket.at) * perMillisecond >= this.perMinute) this.clients.delete(client);
  }
}

/** The 429 in the API's one error shape, with Retry-After, written to the socket's response. */
export async function answerRateLimited(response: ServerResponse, retryAfterSeconds: number): Promise<void> {
  const answer = errorResponse(new DomainError('rate_limited', 'too_many_requests', { retryAfterSeconds }, { retryAfterSeconds }), true);
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(await answer.text());
}
