import { DomainError } from '../../ground/errors.ts';
import type { NoticeSearchFilters, NoticeSearchOrder, NoticeSearchPage } from './notice-index.ts';
import { searchUnavailable, type NoticeSearch, type NoticeSearchService } from './service.ts';

/**
 * One search index for every server process: the index of a national registry's notices
 * holds gigabytes of heap, and each process building its own after every change would
 * multiply that by the number of cores. The primary process owns the NoticeSearch (its
 * worker threads); the server processes ask it over the cluster's IPC channel.
 */

interface SearchAsked {
  kind: 'notice-search';
  requestId: number;
  query: string;
  filters: NoticeSearchFilters;
  page: number;
  nowMs: number;
  order: NoticeSearchOrder;
}

type SearchTold =
  | { kind: 'notice-search-answer'; requestId: number; page: NoticeSearchPage }
  | { kind: 'notice-search-failed'; requestId: number; unavailable: boolean; message: string };

/** What the owner needs of a server process: the cluster's Worker, or anything with its send and message events. */
export interface SearchChannel {
  send(message: SearchTold): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

const isAsked = (message: unknown): message is SearchAsked => (message as SearchAsked | null)?.kind === 'notice-search';

/** In the owning process: answers the searches a server process asks. */
export function answerSearchesOf(channel: SearchChannel, search: NoticeSearch): void {
  channel.on('message', (message) => {
    if (!isAsked(message)) return;
    search.search(message.query, message.filters, message.page, new Date(message.nowMs), message.order).then(
      (page) => channel.send({ kind: 'notice-search-answer', requestId: message.requestId, page }),
      (error: unknown) =>
        channel.send({
          kind: 'notice-search-failed',
          requestId: message.requestId,
          unavailable: error instanceof DomainError && error.kind === 'unavailable',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  });
}

/** In a server process: the owner's search, as if it were here. */
export class SearchThroughOwner implements NoticeSearchService {
  private requestIds = 0;
  private readonly pending = new Map<number, { resolve: (page: NoticeSearchPage) => void; reject: (error: Error) => void }>();

  constructor(private readonly owner: { send(message: SearchAsked): unknown; on(event: 'message', listener: (message: unknown) => void): unknown }) {
    owner.on('message', (message) => this.receive(message as SearchTold));
  }

  search(query: string, filters: NoticeSearchFilters, page: number, now: Date, order: NoticeSearchOrder = {}): Promise<NoticeSearchPage> {
    const requestId = ++this.requestIds;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.owner.send({ kind: 'notice-search', requestId, query, filters, page, nowMs: now.getTime(), order });
    });
  }

  private receive(message: SearchTold): void {
    if (message?.kind !== 'notice-search-answer' && message?.kind !== 'notice-search-failed') return;
    const waiting = this.pending.get(message.requestId);
    this.pending.delete(message.requestId);
    if (message.kind === 'notice-search-answer') waiting?.resolve(message.page);
    else waiting?.reject(message.unavailable ? searchUnavailable() : new Error(message.message));
  }
}
