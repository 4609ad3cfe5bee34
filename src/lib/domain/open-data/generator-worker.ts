/**
 * The generator thread: writes the bulk files at start (the database may have changed while
 * the portal was stopped), then again whenever the published tables may have changed
 * (db/seam.ts changesOf), at most once every `intervalMilliseconds`: a busy back office or a
 * stream of comments (SQLite cannot tell tables apart) costs one generation per interval,
 * not one per commit. Being a thread of its own, no request ever waits behind it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { connectDatabase } from '../../db/connect.ts';
import { changesOf } from '../../db/seam.ts';
import { PUBLISHED_TABLES } from './datasets.ts';
import { generateOpenData } from './generate.ts';
import type { GeneratorWorkerData } from './service.ts';

const { database, folder, intervalMilliseconds, pollMilliseconds } = workerData as GeneratorWorkerData;
const log = (line: string) => parentPort!.postMessage({ type: 'log', line });

const db = connectDatabase(database);
const changed = await changesOf(db, PUBLISHED_TABLES);
let due = true;
let lastStart = -Infinity;
for (;;) {
  if (due && Date.now() >= lastStart + intervalMilliseconds) {
    // What is committed from here on makes the next generation due.
    changed();
    due = false;
    lastStart = Date.now();
    try {
      const manifest = await generateOpenData(db, folder, () => new Date());
      const records = (dataset: string) => manifest.files.find((file) => file.dataset === dataset)?.records ?? 0;
      log(
        `Open data: ${records('certificates')} certificates, ${records('certificate-events')} events, ${records('notices')} notices written in ${((Date.now() - lastStart) / 1000).toFixed(1)} s`,
      );
    } catch (error) {
      log(
        `Open data: the bulk files could not be written (${error instanceof Error ? error.message : String(error)}); trying again in ${intervalMilliseconds / 1000} s`,
      );
      due = true;
    }
  }
  await sleep(pollMilliseconds);
  if (changed()) due = true;
}
