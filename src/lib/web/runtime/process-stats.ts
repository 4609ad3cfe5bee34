import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** What `npm run bench` reads of each process of a running portal (PORTAL_BENCH=1 only). */
export interface ProcessStats {
  pid: number;
  role: 'primary' | 'server';
  /** User and system CPU time since the process started, in microseconds: its own accounting, steady on a busy machine. */
  cpuMicros: number;
  rssBytes: number;
  /** Event-loop delay since the last reading (milliseconds); null in a process that serves no requests. */
  eventLoopDelay: { p99: number; max: number } | null;
  responseCache: { hits: number; misses: number; entries: number; bytes: number } | null;
}

export interface StatsRequest {
  kind: 'bench-stats';
  requestId: number;
}

export interface StatsAnswer {
  kind: 'bench-stats-answer';
  requestId: number;
  processes: ProcessStats[];
}

export const isStatsRequest = (message: unknown): message is StatsRequest => (message as StatsRequest | null)?.kind === 'bench-stats';
export const isStatsAnswer = (message: unknown): message is StatsAnswer => (message as StatsAnswer | null)?.kind === 'bench-stats-answer';

/**
 * This process's figures, read on request. The event-loop histogram (10 ms resolution
 * would hide what matters: 1 ms) is reset by each reading, so a reading covers the time
 * since the one before.
 */
export function processStatsReader(role: ProcessStats['role'], responseCache: () => ProcessStats['responseCache'] = () => null): () => ProcessStats {
  let delay: IntervalHistogram | null = null;
  if (role === 'server') {
    delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
  }
  return () => {
    const cpu = process.cpuUsage();
    const eventLoopDelay = delay ? { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 } : null;
    delay?.reset();
    return {
      pid: process.pid,
      role,
      cpuMicros: cpu.user + cpu.system,
      rssBytes: process.memoryUsage.rss(),
      eventLoopDelay,
      responseCache: responseCache(),
    };
  };
}
