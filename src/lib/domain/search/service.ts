import { basename, dirname, join } from 'node:path';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { DomainError } from '../../ground/errors.ts';
import type { DatabaseLocation } from '../../db/connect.ts';
import type { IndexerStatus } from './indexer.ts';
import type { NoticeSearchFilters, NoticeSearchOrder, NoticeSearchPage } from './notice-index.ts';
import {
  typeScriptWorker,
  type FromIndexer,
  type FromQuery,
  type IndexerWorkerData,
  type QueryWorkerData,
  type ThreadMemory,
  type ToIndexer,
  type ToQuery,
} from './worker-protocol.ts';

export interface NoticeSearchOptions {
  database: DatabaseLocation;
  cacheFolder: string;
  /** How often the indexer looks for changes written by any process. */
  pollMilliseconds?: number;
  log?: (line: string) => void;
}

/** Where the index of a database is saved: beside it, one folder per database file. */
export function searchIndexFolder(databasePath: string): string {
  return join(dirname(databasePath), 'search-index', basename(databasePath));
}

/** What the bench and the tests read: the index's parts and counts, and each thread's memory. */
export interface NoticeSearchStatus {
  indexer: IndexerStatus;
  memory: { indexer: ThreadMemory; query: ThreadMemory };
}

/** Seconds a caller should wait while the index is built. */
const WARMING_UP_RETRY_SECONDS = 5;
const RESTART_FIRST_MS = 1000;
const RESTART_LAST_MS = 60_000;

export function searchUnavailable(): DomainError {
  return new DomainError('unavailable', 'search_warming_up', {}, { retryAfterSeconds: WARMING_UP_RETRY_SECONDS });
}

/** Full-text search is not running in this portal (no search service was started). */
export function searchNotRunning(): DomainError {
  return new DomainError('unavailable', 'search_unavailable', {}, { retryAfterSeconds: 60 });
}

/** What a page needs of the search: this process's own NoticeSearch, or the one the cluster's primary owns (shared.ts). */
export type NoticeSearchService = Pick<NoticeSearch, 'search'>;

interface Waiting {
  resolve: (answer: unknown) => void;
  reject: (error: Error) => void;
}

interface Threads {
  indexer: Worker;
  query: Worker;
  ready: boolean;
  stopping: boolean;
  pending: Map<number, Waiting>;
}

/**
 * Full-text search over the notices, off the server's event loop: a query thread holds the
 * index and answers, an indexer thread keeps it in step with the database (see indexer.ts).
 * Until the index is complete (first build, or a lost part indexed again) search answers
 * 'unavailable' with a Retry-After. If a thread fails, both start again, from the saved index.
 */
export class NoticeSearch {
  private threads: Threads | undefined;
  private requestIds = 0;
  private restartDelay = RESTART_FIRST_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: NoticeSearchOptions) {
    this.log = options.log ?? (() => {});
  }

  /** Starts the threads; search answers once the index is loaded or built. */
  async start(): Promise<void> {
    this.stopped = false;
    this.startThreads();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.stopThreads();
  }

  get ready(): boolean {
    return this.threads?.ready ?? false;
  }

  search(query: string, filters: NoticeSearchFilters, page: number, now: Date, order: NoticeSearchOrder = {}): Promise<NoticeSearchPage> {
    const threads = this.threads;
    if (!threads?.ready) return Promise.reject(searchUnavailable());
    return this.ask<NoticeSearchPage>(threads, threads.query, (requestId) => ({
      type: 'search',
      requestId,
      query,
      filters,
      page,
      nowMs: now.getTime(),
      order,
    }));
  }

  async status(): Promise<NoticeSearchStatus> {
    const threads = this.threads;
    if (!threads?.ready) throw searchUnavailable();
    const [indexer, query] = await Promise.all([
      this.ask<{ status: IndexerStatus; memory: ThreadMemory }>(threads, threads.indexer, (requestId): ToIndexer => ({ type: 'status', requestId })),
      this.ask<ThreadMemory>(threads, threads.query, (requestId): ToQuery => ({ type: 'memory', requestId })),
    ]);
    return { indexer: indexer.status, memory: { indexer: indexer.memory, query } };
  }

  private ask<Answer>(threads: Threads, worker: Worker, request: (requestId: number) => ToQuery | ToIndexer): Promise<Answer> {
    const requestId = ++this.requestIds;
    return new Promise<Answer>((resolve, reject) => {
      threads.pending.set(requestId, { resolve: resolve as (answer: unknown) => void, reject });
      worker.postMessage(request(requestId));
    });
  }

  private startThreads(): void {
    const channel = new MessageChannel();
    const indexerData: IndexerWorkerData = {
      // A search thread reads one query at a time: a pool of two is plenty.
      database: { ...this.options.database, databasePoolSize: Math.min(2, this.options.database.databasePoolSize) },
      cacheFolder: this.options.cacheFolder,
      pollMilliseconds: this.options.pollMilliseconds ?? 1000,
      queryPort: channel.port1,
    };
    const queryData: QueryWorkerData = { indexerPort: channel.port2 };
    const threads: Threads = {
      query: typeScriptWorker(new URL('./query-worker.ts', import.meta.url), { workerData: queryData, transferList: [channel.port2] }),
      indexer: typeScriptWorker(new URL('./indexer-worker.ts', import.meta.url), { workerData: indexerData, transferList: [channel.port1] }),
      ready: false,
      stopping: false,
      pending: new Map(),
    };
    this.threads = threads;
    threads.query.on('message', (message: FromQuery) => this.fromQuery(threads, message));
    threads.indexer.on('message', (message: FromIndexer) => this.fromIndexer(threads, message));
    for (const [name, worker] of [
      ['query', threads.query],
      ['indexer', threads.indexer],
    ] as const) {
      worker.on('error', (error) => this.failed(threads, `the ${name} thread failed: ${error.message}`));
      worker.on('exit', (code) => this.failed(threads, `the ${name} thread exited (code ${code})`));
    }
  }

  private fromQuery(threads: Threads, message: FromQuery): void {
    if (message.type === 'ready') {
      threads.ready = true;
      this.restartDelay = RESTART_FIRST_MS;
      return;
    }
    const waiting = threads.pending.get(message.requestId);
    threads.pending.delete(message.requestId);
    if (message.type === 'result') waiting?.resolve(message.page);
    else if (message.type === 'memory') waiting?.resolve(message.memory);
    else waiting?.reject(new Error(message.message));
  }

  private fromIndexer(threads: Threads, message: FromIndexer): void {
    if (message.type === 'log') this.log(message.line);
    else if (message.type === 'ready') {
      this.log(`Search: index of ${message.notices} notices in ${message.parts} parts ready in ${message.milliseconds} ms (from ${message.source})`);
    } else {
      const waiting = threads.pending.get(message.requestId);
      threads.pending.delete(message.requestId);
      waiting?.resolve({ status: message.status, memory: message.memory });
    }
  }

  /** A thread stopped on its own: callers learn search is unavailable, and both threads start again. */
  private failed(threads: Threads, reason: string): void {
    if (threads.stopping || this.threads !== threads) return;
    this.log(`Search: ${reason}; starting the index again in ${this.restartDelay / 1000} s`);
    void this.stopThreads();
    this.restartTimer = setTimeout(() => {
      if (!this.stopped) this.startThreads();
    }, this.restartDelay);
    this.restartTimer.unref();
    this.restartDelay = Math.min(this.restartDelay * 2, RESTART_LAST_MS);
  }

  private async stopThreads(): Promise<void> {
    const threads = this.threads;
    if (!threads) return;
    this.threads = undefined;
    threads.stopping = true;
    for (const { reject } of threads.pending.values()) reject(searchUnavailable());
    threads.pending.clear();
    await Promise.all([threads.indexer.terminate(), threads.query.terminate()]);
  }
}
