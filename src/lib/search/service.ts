import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PortalDb } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import type { NoticeSearchFilters, NoticeSearchOrder, NoticeSearchPage } from './notice-index.ts';
import { noticeContentVersion } from './version.ts';
import type { IndexWorkerData, WorkerReply, WorkerRequest } from './worker-protocol.ts';

export interface NoticeSearchOptions {
  db: PortalDb;
  databasePath: string;
  cacheFolder: string;
  /** How often to look for changes written by other processes. */
  pollMilliseconds?: number;
  log?: (line: string) => void;
}

interface IndexWorker {
  worker: Worker;
  version: string;
  pending: Map<number, { resolve: (page: NoticeSearchPage) => void; reject: (error: Error) => void }>;
}

/**
 * The worker is TypeScript, and on Node 20 a worker thread does not inherit the server's
 * --import loader: it registers tsx itself, then loads its entry.
 */
const TSX_ESM_API = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs');
const WORKER_BOOTSTRAP = `import(${JSON.stringify(pathToFileURL(TSX_ESM_API).href)})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); })`;

/** Seconds a caller should wait while the first index is built. */
const WARMING_UP_RETRY_SECONDS = 5;

export function searchUnavailable(): DomainError {
  return new DomainError(
    'unavailable',
    'search_warming_up',
    'The search index is being built; try again in a few seconds.',
    '搜索索引正在建立，请几秒钟后再试。',
    WARMING_UP_RETRY_SECONDS,
  );
}

/** What a page needs of the search: this process's own NoticeSearch, or the one another process owns (shared.ts). */
export type NoticeSearchService = Pick<NoticeSearch, 'search' | 'readyVersion'>;

/**
 * Full-text search over the notices. The index is built (or loaded from disk) in a worker
 * thread; while the data changes, a new worker builds the new version and replaces the
 * current one only when it is ready, so a query is never answered by a half-built index
 * and never waits for a build.
 */
export class NoticeSearch {
  private current: IndexWorker | undefined;
  private next: IndexWorker | undefined;
  private requestIds = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: NoticeSearchOptions) {
    this.log = options.log ?? (() => {});
  }

  /** Starts the first build and the watch for changes. */
  async start(): Promise<void> {
    await this.checkForChanges();
    this.timer = setInterval(() => void this.checkForChanges(), this.options.pollMilliseconds ?? 2000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([this.current, this.next].map((indexWorker) => indexWorker?.worker.terminate()));
  }

  /** The version answering queries now, if any. */
  get readyVersion(): string | undefined {
    return this.current?.version;
  }

  search(query: string, filters: NoticeSearchFilters, page: number, now: Date, order: NoticeSearchOrder = {}): Promise<NoticeSearchPage> {
    const current = this.current;
    if (!current) return Promise.reject(searchUnavailable());
    const requestId = ++this.requestIds;
    return new Promise((resolve, reject) => {
      current.pending.set(requestId, { resolve, reject });
      const request: WorkerRequest = { requestId, query, filters, page, nowMs: now.getTime(), order };
      current.worker.postMessage(request);
    });
  }

  private async checkForChanges(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const version = await noticeContentVersion(this.options.db);
      const building = this.next?.version;
      if (version !== this.current?.version && version !== building) this.startWorker(version);
    } catch (error) {
      this.log(`Search: could not read the notice version: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.checking = false;
    }
  }

  private startWorker(version: string): void {
    void this.next?.worker.terminate();
    const data: IndexWorkerData = { databasePath: this.options.databasePath, cacheFolder: this.options.cacheFolder, version };
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: data });
    const candidate: IndexWorker = { worker, version, pending: new Map() };
    this.next = candidate;
    worker.on('message', (reply: WorkerReply) => this.receive(candidate, reply));
    worker.on('error', (error) => {
      this.log(`Search: building index ${version} failed: ${error.message}`);
      this.abandon(candidate);
    });
    worker.on('exit', () => this.abandon(candidate));
  }

  private receive(source: IndexWorker, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      const previous = this.current;
      this.current = source;
      if (this.next === source) this.next = undefined;
      this.log(
        `Search: index ${reply.version} of ${reply.notices} notices ready in ${reply.milliseconds} ms (from ${reply.source}, heap ${Math.round(reply.heapBytes / 1e6)} MB)`,
      );
      // The old worker finishes what it was asked, then goes.
      if (previous) void this.retire(previous);
      return;
    }
    const waiting = source.pending.get(reply.requestId);
    source.pending.delete(reply.requestId);
    if (reply.type === 'result') waiting?.resolve(reply.page);
    else waiting?.reject(new Error(reply.message));
  }

  private async retire(indexWorker: IndexWorker): Promise<void> {
    while (indexWorker.pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await indexWorker.worker.terminate();
  }

  /** A worker that stopped: its callers learn that search is unavailable; the next check starts another. */
  private abandon(indexWorker: IndexWorker): void {
    for (const { reject } of indexWorker.pending.values()) reject(searchUnavailable());
    indexWorker.pending.clear();
    if (this.next === indexWorker) this.next = undefined;
    if (this.current === indexWorker) this.current = undefined;
  }
}
