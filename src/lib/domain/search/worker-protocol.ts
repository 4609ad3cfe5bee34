import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import type { DatabaseLocation } from '../../db/connect.ts';
import type { IndexerStatus } from './indexer.ts';
import type { IndexCommand, NoticeSearchFilters, NoticeSearchOrder, NoticeSearchPage } from './notice-index.ts';

/**
 * Three threads: the server's, which asks; the query thread, which holds the index and
 * answers; the indexer thread, which reads the database, builds, merges and saves parts and
 * tells the query thread each step through a port of their own.
 */
const TSX_ESM_API = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs');

/**
 * A worker thread running a TypeScript entry. On Node 20 a worker does not inherit the
 * server's --import loader: it registers tsx itself, then loads its entry.
 */
export function typeScriptWorker(entry: URL, options: Omit<WorkerOptions, 'eval'>): Worker {
  const bootstrap = `import(${JSON.stringify(pathToFileURL(TSX_ESM_API).href)})
  .then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export interface IndexerWorkerData {
  /** Each thread opens its own connection: a SQLite connection or a PostgreSQL pool cannot cross threads. */
  database: DatabaseLocation;
  cacheFolder: string;
  pollMilliseconds: number;
  queryPort: MessagePort;
}

export interface QueryWorkerData {
  indexerPort: MessagePort;
}

export interface BuilderWorkerData {
  database: DatabaseLocation;
}

/** From the indexer to the query thread: the steps of the index, then (once) that it is complete. */
export type IndexerToQuery = IndexCommand | { type: 'ready' };

/** What a thread holds: its own heap and the array buffers it made (the indexer makes the parts), and the process's resident memory. */
export interface ThreadMemory {
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
}

/** After a full collection when the process runs with --expose-gc (the bench does), so the heap is what is held. */
export function threadMemory(): ThreadMemory {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, arrayBuffers, rss };
}

export type ToIndexer = { type: 'status'; requestId: number };

export type FromIndexer =
  | { type: 'log'; line: string }
  | { type: 'ready'; source: 'disk' | 'database'; notices: number; parts: number; milliseconds: number }
  | { type: 'status'; requestId: number; status: IndexerStatus; memory: ThreadMemory };

export type ToQuery =
  | { type: 'search'; requestId: number; query: string; filters: NoticeSearchFilters; page: number; nowMs: number; order: NoticeSearchOrder }
  | { type: 'memory'; requestId: number };

export type FromQuery =
  | { type: 'ready' }
  | { type: 'result'; requestId: number; page: NoticeSearchPage }
  | { type: 'memory'; requestId: number; memory: ThreadMemory }
  | { type: 'failure'; requestId: number; message: string };
