/**
 * The notice index lives in this worker thread: building it, loading it from disk and
 * answering queries never block the server's event loop.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/sqlite.ts';
import { loadNoticeCorpus } from './corpus.ts';
import { buildNoticeIndex, loadNoticeIndex, searchNoticeIndex, serialiseNoticeIndex, type NoticeIndex } from './notice-index.ts';
import type { IndexWorkerData, WorkerReply, WorkerRequest } from './worker-protocol.ts';

const { databasePath, cacheFolder, version } = workerData as IndexWorkerData;

async function obtainIndex(): Promise<{ index: NoticeIndex; source: 'disk' | 'database' }> {
  const cached = join(cacheFolder, `notices-${version}.json`);
  if (existsSync(cached)) return { index: loadNoticeIndex(readFileSync(cached, 'utf8')), source: 'disk' };
  const db = openDatabase(databasePath);
  try {
    const { documents, facts } = await loadNoticeCorpus(db);
    const built = buildNoticeIndex(documents, facts);
    const serialised = serialiseNoticeIndex(built);
    mkdirSync(cacheFolder, { recursive: true });
    // Written aside and renamed: a reader never sees half a file.
    const partial = `${cached}.${process.pid}.partial`;
    writeFileSync(partial, serialised);
    renameSync(partial, cached);
    for (const file of readdirSync(cacheFolder)) {
      if (file.startsWith('notices-') && file !== `notices-${version}.json`) rmSync(join(cacheFolder, file), { force: true });
    }
    // Loaded back rather than kept: the loaded form shares its metadata and is a quarter the size.
    return { index: loadNoticeIndex(serialised), source: 'database' };
  } finally {
    await db.destroy();
  }
}

const started = performance.now();
const { index, source } = await obtainIndex();
const reply = (message: WorkerReply) => parentPort!.postMessage(message);
reply({
  type: 'ready',
  version,
  source,
  notices: index.facts.length,
  milliseconds: Math.round(performance.now() - started),
  heapBytes: process.memoryUsage().heapUsed,
});

parentPort!.on('message', (request: WorkerRequest) => {
  try {
    const page = searchNoticeIndex(index, request.query, request.filters, request.page, new Date(request.nowMs), request.order);
    reply({ type: 'result', requestId: request.requestId, page });
  } catch (error) {
    reply({ type: 'failure', requestId: request.requestId, message: error instanceof Error ? error.message : String(error) });
  }
});
