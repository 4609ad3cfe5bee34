import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chooseEncoding, isCompressible, type ContentEncoding } from './compression.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface StaticFile {
  /** The file, and its compressed forms when it is text. */
  bodies: Partial<Record<ContentEncoding, Buffer>> & { identity: Buffer };
  contentType: string;
  cacheControl: string;
}

/** Compressed once at start, so at the highest settings: a few kilobytes of stylesheets and icons. */
function compressedForms(body: Buffer): Partial<Record<ContentEncoding, Buffer>> {
  return {
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
    gzip: gzipSync(body, { level: 9 }),
  };
}

/**
 * The built client files (stylesheets, icons: a few kilobytes), read once at start and
 * served from memory, text compressed beforehand (brotli, gzip): no file system call and no
 * compression on a request. Hashed assets under /_astro/ never change, so they may be
 * cached for a year.
 */
export function loadStaticFiles(folder: string): (request: IncomingMessage, response: ServerResponse) => boolean {
  const files = new Map<string, StaticFile>();
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const address = `/${relative(folder, path).split(sep).join('/')}`;
    const body = readFileSync(path);
    const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    files.set(address, {
      bodies: { identity: body, ...(isCompressible(contentType, body.length) ? compressedForms(body) : {}) },
      contentType,
      cacheControl: address.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
    });
  }
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const file = files.get((request.url ?? '').split('?')[0]!);
    if (!file) return false;
    const compressed = file.bodies.br !== undefined;
    const encoding = compressed ? chooseEncoding(request.headers['accept-encoding']) : 'identity';
    const body = file.bodies[encoding] ?? file.bodies.identity;
    response.writeHead(200, {
      'content-type': file.contentType,
      'content-length': body.length,
      'cache-control': file.cacheControl,
      ...(compressed ? { vary: 'Accept-Encoding' } : {}),
      ...(encoding !== 'identity' ? { 'content-encoding': encoding } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}
