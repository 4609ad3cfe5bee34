import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pathWithoutLocale } from '../../ground/language/locales.ts';
import type { Clock } from '../../ground/time/clock.ts';
import { chooseEncoding, compress, isCompressible, type ContentEncoding } from './compression.ts';

export interface ResponseCacheOptions {
  /** Bytes of bodies (every encoding kept) the cache may hold; 0 keeps nothing (answers are still compressed). */
  maxBytes: number;
  clock: Clock;
  /**
   * Changes whenever what any page shows may have changed: a commit by any connection of
   * any process (db/seam.ts commitCounter: SQLite's data_version, PostgreSQL's NOTIFY heard).
   * Read before every answer from memory and before an answer is kept, so it must be cheap
   * (SQLite: 4 µs; PostgreSQL: a number in memory).
   */
  generation: () => number;
  /** The next instant at which a page may change by the passing of time alone (see runtime/page-lifetime.ts). */
  nextChangeByTime: (now: Date) => Promise<Date>;
}

/** An answer as the renderer wrote it. */
interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

interface Entry {
  status: number;
  /** The entity tag of each form: the renderer's or the body's, "-br" or "-gzip" added for a compressed form. */
  etags: Record<ContentEncoding, string>;
  compressible: boolean;
  /** When it was rendered, for the Age of an answer that says how long it may be kept (max-age). */
  renderedAt: number;
  hasMaxAge: boolean;
  /** The headers it was sent with, the security headers included, but for those of the body's encoding. */
  headers: OutgoingHttpHeaders;
  /** The identity body, and each compressed form once a client asked for it, each with its headers as sent. */
  forms: Partial<Record<ContentEncoding, WireForm>> & { identity: WireForm };
  notModified: OutgoingHttpHeaders;
  bytes: number;
}

interface WireForm {
  body: Buffer;
  headers: OutgoingHttpHeaders;
}

/** One answer larger than this is sent but not kept: it would push out dozens of pages. */
const LARGEST_ENTRY_BYTES = 1 << 20;

/**
 * The public answers the portal gives again and again (the home page, the notice list, the
 * feeds, a certificate whose QR code is being scanned), kept in memory in front of Astro,
 * compressed as each client asks, with an ETag and 304 for a client's current copy.
 *
 * What is kept: 200 answers to GET that carry no Set-Cookie and no `private`, `no-store` or
 * `no-cache` (pages with a comment form say `private, no-store`), and never what NEVER_KEPT
 * names. The key is the address as received (path and query); the language is the
 * address's (/en/…), so it is part of the key.
 *
 * Never wrong: everything is dropped when `generation` changes (read before every answer
 * from memory) and at the next instant a page may change by time alone; an
 * answer rendered while either happened is sent but not kept. Bounded: least recently used
 * entries go first once `maxBytes` is reached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private generationSeen: number;
  /**
   * Entries of this generation may answer from `validFrom` (the instant the lifetime was
   * found for) until `validUntil`; null while it is being found out.
   */
  private validFrom = 0;
  private validUntil: number | null = null;
  private findingValidity = false;
  private readonly encodings = new Map<string, ContentEncoding>();
  hits = 0;
  misses = 0;

  constructor(private readonly options: ResponseCacheOptions) {
    this.generationSeen = options.generation();
  }

  /**
   * Answers from memory when it holds a current answer for this address: the whole answer,
   * headers included, so the caller sets nothing before (a hit must cost little more than
   * node:http sending bytes).
   */
  answerFromMemory(request: IncomingMessage, response: ServerResponse): boolean {
    const method = request.method;
    if ((method !== 'GET' && method !== 'HEAD') || this.entries.size === 0) return false;
    // Asked by date alone: the renderer judges it against its Last-Modified (If-None-Match, when sent, decides here).
    if (request.headers['if-modified-since'] !== undefined && request.headers['if-none-match'] === undefined) return false;
    const key = request.url ?? '/';
    const entry = this.entries.get(key);
    if (!entry || !this.isCurrent()) return false;
    this.hits++;
    // Most recently used last: eviction takes from the front.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.send(request, response, entry, this.encodingFor(request.headers['accept-encoding']));
    return true;
  }

  /** Lets `render` write the answer into memory, then sends it compressed as the client asks, and keeps it if it may. */
  render(request: IncomingMessage, response: ServerResponse, render: () => void): void {
    const method = request.method;
    const key = request.url ?? '/';
    const encoding = this.encodingFor(request.headers['accept-encoding']);
    const cacheable = (method === 'GET' || method === 'HEAD') && this.options.maxBytes > 0 && !isNeverKept(key);
    this.misses++;
    const generation = cacheable ? this.options.generation() : null;
    if (cacheable) this.isCurrent();
    // The page reads the clock after this: it shows the state of this instant or a later one.
    const renderedFrom = this.options.clock().getTime();
    captureAnswer(response, (answer) => {
      if (!cacheable || !isPublic(answer)) return sendAnswer(request, response, answer, encoding);
      const entry = toEntry(answer, response.getHeaders());
      // Kept only when nothing was committed meanwhile, and the lifetime now known was found for an instant
      // no later than the render's: one found after a boundary the render began before would outlive its page.
      const keep =
        method === 'GET' &&
        this.isCurrent() &&
        generation === this.generationSeen &&
        this.validFrom <= renderedFrom &&
        entry.bytes <= LARGEST_ENTRY_BYTES;
      if (keep) this.store(key, entry);
      this.send(request, response, entry, encoding);
    });
    render();
  }

  private encodingFor(acceptEncoding: string | undefined): ContentEncoding {
    const header = acceptEncoding ?? '';
    let encoding = this.encodings.get(header);
    if (!encoding) {
      encoding = chooseEncoding(header);
      // Clients send a handful of distinct headers; a bound keeps odd ones from growing it.
      if (this.encodings.size >= 64) this.encodings.clear();
      this.encodings.set(header, encoding);
    }
    return encoding;
  }

  /**
   * Whether the entries may be answered with now: nothing was committed since they were
   * rendered, and their lifetime has not run out. Drops them when not, and starts finding out
   * how long the next ones may live.
   */
  private isCurrent(): boolean {
    const generation = this.options.generation();
    if (generation !== this.generationSeen) {
      this.generationSeen = generation;
      this.dropAll();
    }
    if (this.validUntil !== null && this.options.clock().getTime() < this.validUntil) return true;
    if (this.validUntil !== null) this.dropAll();
    this.findValidity();
    return false;
  }

  private findValidity(): void {
    if (this.findingValidity) return;
    this.findingValidity = true;
    const generation = this.generationSeen;
    const now = this.options.clock();
    this.options
      .nextChangeByTime(now)
      .then((until) => {
        if (generation !== this.generationSeen) return;
        this.validFrom = now.getTime();
        this.validUntil = until.getTime();
      })
      .catch(() => {
        // Not known (the database is unavailable): nothing is kept, and the next request asks again.
      })
      .finally(() => (this.findingValidity = false));
  }

  private dropAll(): void {
    this.entries.clear();
    this.bytes = 0;
    this.validUntil = null;
  }

  private store(key: string, entry: Entry): void {
    const previous = this.entries.get(key);
    if (previous) this.bytes -= previous.bytes;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    this.evict();
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.options.maxBytes) return;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }

  private send(request: IncomingMessage, response: ServerResponse, entry: Entry, encoding: ContentEncoding): void {
    const chosen = entry.compressible ? encoding : 'identity';
    if (isCurrentCopy(request.headers['if-none-match'], entry.etags)) {
      response.writeHead(304, { ...entry.notModified, etag: entry.etags[chosen] });
      response.end();
      return;
    }
    let form = entry.forms[chosen];
    if (!form) {
      const body = compress(entry.forms.identity.body, chosen);
      form = { body, headers: { ...entry.headers, etag: entry.etags[chosen], 'content-encoding': chosen, 'content-length': body.length } };
      entry.forms[chosen] = form;
      entry.bytes += body.length;
      // Counted against the bound only while the entry is still kept.
      if (this.entries.get(request.url ?? '/') === entry) {
        this.bytes += body.length;
        this.evict();
      }
    }
    // A client that may keep it for max-age counts from when it was rendered (RFC 9111 §5.1).
    const age = entry.hasMaxAge ? Math.floor((Date.now() - entry.renderedAt) / 1000) : 0;
    response.writeHead(entry.status, age > 0 ? { ...form.headers, age: String(age) } : form.headers);
    response.end(request.method === 'HEAD' ? undefined : form.body);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/**
 * Never kept, whatever they say: everything under /comments (a tracking number is a key to
 * one person's comment), and search answers, which come from the search index: it follows
 * the database a moment after each commit, so a commit does not tell when they change.
 */
const NEVER_KEPT = /^\/(?:comments|search|api\/v1\/search|feeds\/search\.xml)(?:[/?]|$)/;
const isNeverKept = (url: string) => NEVER_KEPT.test(pathWithoutLocale(url.split('?')[0]!));

function contentTypeOf(headers: OutgoingHttpHeaders): string | undefined {
  const type = headers['content-type'];
  return typeof type === 'string' ? type : undefined;
}

/** An answer any cache may keep: a 200 with no cookie and no word against keeping it. */
function isPublic(answer: Answer): boolean {
  if (answer.status !== 200 || answer.headers['set-cookie'] !== undefined || answer.headers['content-encoding'] !== undefined) return false;
  const cacheControl = String(answer.headers['cache-control'] ?? '');
  return !/\b(?:private|no-store|no-cache)\b/i.test(cacheControl);
}

/** The answer as kept: `sentWith` are the headers already set on the response (the security headers). */
function toEntry(answer: Answer, sentWith: OutgoingHttpHeaders): Entry {
  const { 'content-length': _length, 'transfer-encoding': _transfer, etag, ...own } = answer.headers;
  // The renderer's own tag when it gives one (a feed's names its content version, weak as it says); otherwise one of
  // the body. A compressed form is another representation, so a strong tag of it must differ: "-br", "-gzip" is added.
  const given = typeof etag === 'string' ? /^(W\/)?"(.*)"$/.exec(etag) : null;
  const [weak, tag] = given ? [given[1] ?? '', given[2]!] : ['', createHash('sha1').update(answer.body).digest('base64url')];
  const etags = { identity: `${weak}"${tag}"`, br: `${weak}"${tag}-br"`, gzip: `${weak}"${tag}-gzip"` };
  const compressible = isCompressible(contentTypeOf(answer.headers), answer.body.length);
  const headers: OutgoingHttpHeaders = { ...sentWith, ...own };
  if (compressible) headers.vary = withVary(own.vary, 'Accept-Encoding');
  return {
    status: answer.status,
    etags,
    compressible,
    renderedAt: Date.now(),
    hasMaxAge: /\bmax-age=/i.test(String(headers['cache-control'] ?? '')),
    headers,
    forms: { identity: { body: answer.body, headers: { ...headers, etag: etags.identity, 'content-length': answer.body.length } } },
    notModified: notModifiedHeaders(headers),
    bytes: answer.body.length,
  };
}

/** Sent as rendered, compressed when it is text and the client takes it. */
function sendAnswer(request: IncomingMessage, response: ServerResponse, answer: Answer, encoding: ContentEncoding): void {
  const headers: OutgoingHttpHeaders = { ...answer.headers };
  let body = answer.body;
  if (answer.headers['content-encoding'] === undefined && isCompressible(contentTypeOf(answer.headers), body.length)) {
    headers.vary = withVary(answer.headers.vary, 'Accept-Encoding');
    if (encoding !== 'identity') {
      body = compress(body, encoding);
      headers['content-encoding'] = encoding;
    }
  }
  // A 304 or 204 has no body, and says nothing of its length.
  if (answer.status !== 304 && answer.status !== 204) headers['content-length'] = body.length;
  delete headers['transfer-encoding'];
  response.writeHead(answer.status, headers);
  response.end(request.method === 'HEAD' || body.length === 0 ? undefined : body);
}

function withVary(existing: OutgoingHttpHeaders['vary'], name: string): string {
  const names = String(existing ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return names.some((part) => part.toLowerCase() === name.toLowerCase()) ? names.join(', ') : [...names, name].join(', ');
}

/** If-None-Match names the tag of one of the entry's forms (weak comparison, RFC 9110 §13.1.2) or is `*`. */
function isCurrentCopy(ifNoneMatch: string | undefined, etags: Record<ContentEncoding, string>): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const current = Object.values(etags).map(opaque);
  return ifNoneMatch.split(',').some((candidate) => opaque(candidate) === '*' || current.includes(opaque(candidate)));
}

/** What a 304 repeats of the 200 it stands for (RFC 9110 §15.4.5): never the body's type or length. */
function notModifiedHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const { 'content-type': _type, 'content-length': _length, ...rest } = headers;
  return rest;
}

/**
 * Lets the renderer (Astro's adapter, which calls writeHead, write and end) write into
 * memory, and hands over the whole answer when it ends. The original methods are put back
 * first, so whatever `done` writes goes to the client.
 */
function captureAnswer(response: ServerResponse, done: (answer: Answer) => void): void {
  const chunks: Buffer[] = [];
  let status: number | undefined;
  let headers: OutgoingHttpHeaders = {};
  const asBuffer = (chunk: unknown, encoding?: unknown) =>
    Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
  const lastCallback = (args: unknown[]) => args.find((arg): arg is () => void => typeof arg === 'function');
  const capturing = response as unknown as Record<'writeHead' | 'write' | 'end', unknown>;
  capturing.writeHead = (code: number, ...rest: unknown[]) => {
    status = code;
    if (typeof rest[0] === 'string') response.statusMessage = rest[0];
    const given = rest.find((arg) => typeof arg === 'object' && arg !== null);
    if (given) headers = Array.isArray(given) ? headersFromList(given as string[]) : { ...(given as OutgoingHttpHeaders) };
    return response;
  };
  capturing.write = (chunk: unknown, ...rest: unknown[]) => {
    chunks.push(asBuffer(chunk, rest[0]));
    lastCallback(rest)?.();
    return true;
  };
  capturing.end = (...args: unknown[]) => {
    if (args[0] !== undefined && typeof args[0] !== 'function') chunks.push(asBuffer(args[0], args[1]));
    delete capturing.writeHead;
    delete capturing.write;
    delete capturing.end;
    const answer = { status: status ?? response.statusCode, headers, body: Buffer.concat(chunks) };
    if (!response.destroyed) done(answer);
    lastCallback(args)?.();
    return response;
  };
}

/** writeHead's flat [name, value, name, value…] form. */
function headersFromList(list: string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < list.length; i += 2) headers[list[i]!.toLowerCase()] = list[i + 1];
  return headers;
}
