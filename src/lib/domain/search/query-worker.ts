/**
 * The query thread: holds the index (the parts the indexer shares with it, and which of
 * their notices are live), takes the indexer's steps one by one between queries, and answers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NoticeIndex, searchNoticeIndex } from './notice-index.ts';
import { threadMemory, type FromQuery, type IndexerToQuery, type QueryWorkerData, type ToQuery } from './worker-protocol.ts';

const { indexerPort } = workerData as QueryWorkerData;
const index = new NoticeIndex();
const reply = (message: FromQuery) => parentPort!.postMessage(message);

indexerPort.on('message', (message: IndexerToQuery) => {
  if (message.type === 'ready') reply({ type: 'ready' });
  else index.apply(message);
});

parentPort!.on('message', (request: ToQuery) => {
  if (request.type === 'memory') {
    reply({ type: 'memory', requestId: request.requestId, memory: threadMemory() });
    return;
  }
  try {
    const page = searchNoticeIndex(index, request.query, request.filters, request.page, new Date(request.nowMs), request.order);
    reply({ type: 'result', requestId: request.requestId, page });
  } catch (error) {
    reply({ type: 'failure', requestId: request.requestId, message: error instanceof Error ? error.message : String(error) });
  }
});
