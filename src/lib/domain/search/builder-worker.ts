/**
 * A builder thread of the first build: reads a range of notices and builds their part, while
 * other builders do other ranges, so the first build uses every core the machine has (the
 * server has little else to do while search still answers 503).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connectDatabase } from '../../db/connect.ts';
import { buildPartFromDatabase } from './indexer.ts';
import { partMessage } from './notice-index.ts';
import type { BuildRequest } from './indexer.ts';
import type { BuilderWorkerData } from './worker-protocol.ts';

const { database } = workerData as BuilderWorkerData;
const db = connectDatabase(database);

parentPort!.on('message', (request: BuildRequest) => {
  void buildPartFromDatabase(db, request).then((part) => parentPort!.postMessage(partMessage(part)));
});
