import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { DEFAULT_LOCALE, localeOfPath, type Locale } from '../../ground/language/locales.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/**
 * Reserved characters that mean nothing special inside a path segment, escaped or not
 * (encodeURIComponent escapes them, browsers do not): unescaped before routing, since the
 * router refuses a path that still holds an escape once decoded ("multi-level encoding").
 */
const HARMLESS_ESCAPES = /%(3B|3D|2C|3A|40|26|2B|24)/gi;

/** The address with harmless escapes in its path undone; the query is left as it is. */
export function withPlainPath(url: string): string {
  const queryStart = url.indexOf('?');
  const [path, query] = queryStart < 0 ? [url, ''] : [url.slice(0, queryStart), url.slice(queryStart)];
  return path.replace(HARMLESS_ESCAPES, (sequence) => decodeURIComponent(sequence)) + query;
}

/**
 * Whether an address's path cannot be routed: it cannot be decoded (a stray "%", half a UTF-8
 * sequence), or it still holds an escape once decoded (an escaped "/", "?", "#" or "%").
 */
export function isMalformedAddress(url: string): boolean {
  const path = url.split('?')[0]!;
  try {
    const decoded = decodeURI(path);
    return decoded !== path && /%[0-9a-f]{2}/i.test(decoded);
  } catch {
    return true;
  }
}

/**
 * Where a malformed address is answered, with 400: the API's JSON error, or the page that
 * says so in the language the address starts with.
 */
export function malformedAddressRoute(url: string): string {
  if (url.startsWith('/api/')) return '/api/bad-request';
  const locale = localeOfPath(url.split(/[?#]/)[0]!);
  return locale === DEFAULT_LOCALE ? '/bad-request' : `/${locale}/bad-request`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);

/** What the answer to an unparsable request says, in one language. */
export interface UnparsableRequestWords {
  locale: Locale;
  title: string;
  text: string;
}

/**
 * A request the HTTP parser gave up on never reaches a route: it is answered on the socket,
 * in every language (its address cannot be read to tell which), with the portal's security
 * headers. A client that hung up gets nothing.
 */
export function unparsableRequestAnswer(error: NodeJS.ErrnoException, socket: Socket, words: readonly UnparsableRequestWords[]): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  const sections = words.map(
    ({ locale, title, text }) => `<section lang="${locale}"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></section>`,
  );
  const body = `<!doctype html><html lang="${DEFAULT_LOCALE}"><meta charset="utf-8"><title>${escapeHtml(words[0]?.title ?? '')}</title>${sections.join('')}</html>`;
  const headers = Object.entries({
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  });
  socket.end(`HTTP/1.1 ${status}\r\n${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`);
}

/**
 * The request a client wrote with raw non-ASCII bytes in its address (curl and some feed
 * readers send `?province=浙江省` as UTF-8, which HTTP does not allow and Node's parser
 * refuses), with those bytes percent-encoded, as a browser would have sent it: null when
 * that is not the only fault, or the request is not a whole GET or HEAD without a body.
 * Anything after its headers is dropped and the connection closes after the answer, so
 * nothing the client sent next is read by a parser that did not see it first.
 */
export function withEscapedTarget(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket): Buffer | null {
  const raw = error.rawPacket;
  if (error.code !== 'HPE_INVALID_URL' || !raw) return null;
  const lineEnd = raw.indexOf('\r\n');
  const headersEnd = raw.indexOf('\r\n\r\n');
  if (lineEnd < 0 || headersEnd < lineEnd) return null;
  const line = raw.subarray(0, lineEnd);
  // Only raw bytes are mended: an address the escaped request still fails on is refused as before.
  if (!line.some((byte) => byte >= 0x80) || !/^(GET|HEAD) [^ ]+ HTTP\/1\.[01]$/.test(line.toString('latin1'))) return null;
  const escaped = Array.from(line, (byte) => (byte >= 0x80 ? `%${byte.toString(16).toUpperCase()}` : String.fromCharCode(byte))).join('');
  const headers = raw
    .subarray(lineEnd + 2, headersEnd)
    .toString('latin1')
    .split('\r\n')
    .filter((header) => !/^(connection|content-length|transfer-encoding)\s*:/i.test(header));
  if (!socket.writable) return null;
  return Buffer.from(`${escaped}\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * A stream that reads `request` and writes to `socket`: handed to the HTTP server as a
 * connection of its own, it answers the escaped request as if it had arrived so.
 */
export function connectionReading(request: Buffer, socket: Socket): Duplex {
  const connection = new Duplex({
    read() {},
    write(chunk, _encoding, done) {
      socket.write(chunk, done);
    },
    final(done) {
      socket.end(done);
    },
    destroy(error, done) {
      socket.destroy();
      done(error);
    },
  });
  // Who sent it, for the rate limits: the real socket's peer.
  Object.defineProperty(connection, 'remoteAddress', { get: () => socket.remoteAddress });
  socket.once('close', () => connection.destroy());
  connection.push(request);
  return connection;
}
