/**
 * The indexer thread: opens the saved index or builds it (the first build's parts made by
 * builder threads, one per core, at most two), then catches up with the database whenever it
 * may have changed (db/seam.ts changeWaiter: each poll interval on SQLite, each notification on
 * PostgreSQL) and merges parts when due. Nothing here blocks the server's event
 * loop, and a merge or a save never stops the polls (both yield between their pieces).
 */
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { connectDatabase } from '../../db/connect.ts';
import { changeWaiter } from '../../db/seam.ts';
import { WATCHED_TABLES } from './changes.ts';
import { NoticeIndexer, type PartMaker } from './indexer.ts';
import type { PartMessage } from './notice-index.ts';
import { Part } from './part.ts';
import { IndexStore } from './store.ts';
import {
  threadMemory,
  typeScriptWorker,
  type BuilderWorkerData,
  type FromIndexer,
  type IndexerToQuery,
  type IndexerWorkerData,
  type ToIndexer,
} from './worker-protocol.ts';

const { database, cacheFolder, pollMilliseconds, queryPort } = workerData as IndexerWorkerData;
const tell = (message: FromIndexer) => parentPort!.postMessage(message);
const toQuery = (message: IndexerToQuery) => queryPort.postMessage(message);

/** A builder thread, started when the first build needs it: one part at a time. */
function builderThread(): { makePart: PartMaker; stop: () => Promise<number> } {
  const data: BuilderWorkerData = { database };
  let worker: ReturnType<typeof typeScriptWorker> | undefined;
  return {
    makePart: (request) => {
      worker ??= typeScriptWorker(new URL('./builder-worker.ts', import.meta.url), { workerData: data });
      const builder = worker;
      return new Promise<Part>((resolve, reject) => {
        const built = (message: PartMessage) => {
          builder.off('error', failed);
          resolve(new Part(message.header, message.buffer));
        };
        const failed = (error: Error) => {
          builder.off('message', built);
          reject(error);
        };
        builder.once('message', built);
        builder.once('error', failed);
        builder.postMessage(request);
      });
    },
    stop: async () => (worker ? worker.terminate() : 0),
  };
}

const builders = Array.from({ length: Math.max(1, Math.min(2, availableParallelism())) }, builderThread);
const db = connectDatabase(database);
const indexer = new NoticeIndexer({
  db,
  store: new IndexStore(cacheFolder),
  publish: toQuery,
  log: (line) => tell({ type: 'log', line }),
  partMakers: builders.map(({ makePart }) => makePart),
});

parentPort!.on('message', (request: ToIndexer) => {
  tell({ type: 'status', requestId: request.requestId, status: indexer.status(), memory: threadMemory() });
});

// Heard from before the index opens: what changes meanwhile is caught up with at once. Scheme levels have no updated_at (catchUp compares their names).
const nextChange = changeWaiter(db, [...WATCHED_TABLES, 'schemeLevel'], pollMilliseconds);
const started = performance.now();
const source = await indexer.open();
await Promise.all(builders.map(({ stop }) => stop()));
toQuery({ type: 'ready' });
tell({
  type: 'ready',
  source,
  notices: indexer.index.liveNotices,
  parts: indexer.index.parts.length,
  milliseconds: Math.round(performance.now() - started),
});

let merging: Promise<void> | undefined;
let lastProblem = '';
for (;;) {
  let caughtUp = false;
  try {
    await indexer.catchUp();
    lastProblem = '';
    caughtUp = true;
  } catch (error) {
    // Said once while it lasts: a database busy or gone for a while is not a log line a second.
    const problem = error instanceof Error ? error.message : String(error);
    if (problem !== lastProblem) tell({ type: 'log', line: `Search: could not read the changes to the notices (${problem}); trying again` });
    lastProblem = problem;
  }
  merging ??= (async () => {
    while (await indexer.mergeWhenDue());
  })().finally(() => (merging = undefined));
  // A failed look is tried again after the poll interval, not at the next change.
  await (caughtUp ? nextChange() : sleep(pollMilliseconds));
}
