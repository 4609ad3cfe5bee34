import type { NoticeSearchFilters, NoticeSearchOrder, NoticeSearchPage } from './notice-index.ts';

export interface IndexWorkerData {
  databasePath: string;
  cacheFolder: string;
  version: string;
}

export interface WorkerRequest {
  requestId: number;
  query: string;
  filters: NoticeSearchFilters;
  page: number;
  nowMs: number;
  order: NoticeSearchOrder;
}

export type WorkerReply =
  | { type: 'ready'; version: string; source: 'disk' | 'database'; notices: number; milliseconds: number; heapBytes: number }
  | { type: 'result'; requestId: number; page: NoticeSearchPage }
  | { type: 'failure'; requestId: number; message: string };
