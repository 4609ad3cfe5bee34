import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** What compresses: text of every kind the portal sends (pages, JSON, feeds, SVG, CSS, scripts). */
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|xml|rss\+xml|atom\+xml|javascript|manifest\+json)|image\/svg\+xml)/i;

/** Below this, the headers and the framing outweigh what compression saves. */
const SMALLEST_WORTH_COMPRESSING = 256;

export function isCompressible(contentType: string | undefined, bytes: number): boolean {
  return bytes >= SMALLEST_WORTH_COMPRESSING && COMPRESSIBLE.test(contentType ?? '');
}

/**
 * The encoding the client prefers of those the portal makes, from Accept-Encoding's
 * q-values (RFC 9110 §12.5.3): brotli before gzip when both are as welcome, identity when
 * neither is welcome (q=0, or no header).
 */
export function chooseEncoding(acceptEncoding: string | undefined): ContentEncoding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...parameters] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q) || 0);
  }
  const weightOf = (encoding: string) => weights.get(encoding) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}

/**
 * Compressed on the event loop: brotli at quality 5 and gzip at level 6 take well under a
 * millisecond for a page of the portal's size (tens of kilobytes) and come within a few per
 * cent of the highest settings, which cost ten to a hundred times as much.
 */
export function compress(body: Buffer, encoding: ContentEncoding): Buffer {
  if (encoding === 'br') {
    return brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  }
  if (encoding === 'gzip') return gzipSync(body, { level: 6 });
  return body;
}
