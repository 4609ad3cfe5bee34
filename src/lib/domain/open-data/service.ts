import type { Worker } from 'node:worker_threads';
import type { DatabaseLocation } from '../../db/connect.ts';
import { typeScriptWorker } from '../search/worker-protocol.ts';

export interface GeneratorWorkerData {
  /** The thread opens its own connection: a SQLite connection or a PostgreSQL pool cannot cross threads. */
  database: DatabaseLocation;
  folder: string;
  /** The least time between the starts of two generations. */
  intervalMilliseconds: number;
  /** How often the thread asks whether the data changed. */
  pollMilliseconds: number;
}

const RESTART_MS = 60_000;

/**
 * The bulk files of /data kept in step with the database, by a thread of their own
 * (generator-worker.ts), started by the process that owns the search index: once per
 * portal, not once per server process, which only read the files. A thread that fails is
 * started again a minute later; the files it wrote last are served meanwhile.
 */
export class OpenDataGenerator {
  private worker: Worker | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly data: Omit<GeneratorWorkerData, 'pollMilliseconds'> & { pollMilliseconds?: number },
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    const worker = typeScriptWorker(new URL('./generator-worker.ts', import.meta.url), {
      workerData: { pollMilliseconds: 1000, ...this.data } satisfies GeneratorWorkerData,
    });
    this.worker = worker;
    worker.on('message', (message: { type: 'log'; line: string }) => this.log(message.line));
    const failed = (reason: string) => {
      if (this.stopped || this.worker !== worker) return;
      this.worker = undefined;
      void worker.terminate();
      this.log(`Open data: ${reason}; starting again in ${RESTART_MS / 1000} s`);
      this.restartTimer = setTimeout(() => this.start(), RESTART_MS).unref();
    };
    worker.on('error', (error) => failed(`the generator thread failed: ${error.message}`));
    worker.on('exit', (code) => failed(`the generator thread exited (code ${code})`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.worker?.terminate();
  }
}
