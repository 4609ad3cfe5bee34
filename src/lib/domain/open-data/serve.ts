/**
 * Serves /data/{file}: streamed from disk, never through the response cache (which holds
 * whole answers in memory), with its length, its SHA-256 as ETag and 304 for a current copy.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OPEN_DATA_FILE_NAMES, readManifest, type OpenDataFile, type OpenDataManifest } from './files.ts';

const PREFIX = '/data/';
/** How long a client may keep a file without asking again: files change at most once per generation interval. */
const CACHE_CONTROL = 'public, max-age=60';
const RETRY_SECONDS = 60;

/** The file as the current manifest lists it, opened; null before the first files are written. */
async function openListed(folder: string, name: string): Promise<{ manifest: OpenDataManifest; file: OpenDataFile; handle: FileHandle } | null> {
  // A generation that finished between reading the manifest and opening may have removed the file it named: read again once.
  for (let attempt = 0; ; attempt++) {
    const manifest = await readManifest(folder);
    const file = manifest?.files.find((candidate) => candidate.name === name);
    if (!manifest || !file) return null;
    try {
      return { manifest, file, handle: await open(join(folder, file.stored), 'r') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
    }
  }
}

const isCurrentCopy = (ifNoneMatch: string | undefined, etag: string) =>
  ifNoneMatch?.split(',').some((tag) => ['*', etag].includes(tag.trim().replace(/^W\//, '')));

/**
 * A handler for the bulk files in `folder`: answers, and returns true, for the address of one
 * (GET, HEAD); `preparing` is what a request before the first files are written is told (503).
 */
export function openDataFileServer(folder: string, preparing: string): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = (request.url ?? '').split('?')[0]!;
    if (!path.startsWith(PREFIX) || !OPEN_DATA_FILE_NAMES.has(path.slice(PREFIX.length))) return false;
    void answer(folder, path.slice(PREFIX.length), preparing, request, response).catch((error: unknown) => {
      console.error(`Open data: could not serve ${path}: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.destroy();
    });
    return true;
  };
}

async function answer(folder: string, name: string, preparing: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const listed = await openListed(folder, name);
  if (!listed) {
    const body = Buffer.from(`${preparing}\n`);
    response.writeHead(503, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': body.length,
      'retry-after': String(RETRY_SECONDS),
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  const { manifest, file, handle } = listed;
  try {
    const etag = `"${file.sha256}"`;
    const headers = {
      etag,
      'cache-control': CACHE_CONTROL,
      'last-modified': new Date(manifest.finishedAt).toUTCString(),
      // Programs in browsers on any site may read them, as the API's answers.
      'access-control-allow-origin': '*',
    };
    if (isCurrentCopy(request.headers['if-none-match'], etag)) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    const { size } = await handle.stat();
    response.writeHead(200, {
      ...headers,
      'content-type': 'application/gzip',
      'content-length': size,
      'content-disposition': `attachment; filename="${file.name}"`,
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // A client that hangs up ends the pipeline; the handle is closed below either way.
    await pipeline(handle.createReadStream({ autoClose: false }), response).catch(() => {});
  } finally {
    await handle.close();
  }
}
