import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/build.ts';
import { isStatsAnswer, type ProcessStats } from '../../src/lib/runtime/process-stats.ts';
import type { TestDatabase } from './database.ts';

/** The public address the test portals are served under (every absolute link, and the Origin a form must come from). */
export const SITE_URL = 'https://cert.example.cn';

export interface RunningPortal {
  baseUrl: string;
  /** Everything the server printed, to check that no personal data reaches the log. */
  output: () => string;
  stop: () => Promise<void>;
  /** The primary's process id. */
  pid: number;
  /** The figures of every process of the portal (started with PORTAL_BENCH=1 only), read over the IPC channel. */
  stats: () => Promise<ProcessStats[]>;
  /** Ends the process at once (SIGKILL), as a crash or a lost machine would. */
  kill: () => Promise<void>;
}

/**
 * Starts the built portal exactly as `npm start` does, on a free port, over the given
 * database (already migrated and filled by the test), or a SQLite file of the test's own. One process unless the test asks
 * for more with PORTAL_PROCESSES: test files run side by side on a machine of few cores.
 * Without the API's per-client limit unless the test sets PORTAL_API_RATE: tests send hundreds
 * of API requests a minute from one address.
 */
export async function startPortal(database: TestDatabase | string, env: Record<string, string> = {}): Promise<RunningPortal> {
  const location = typeof database === 'string' ? { PORTAL_DB: database } : database.env;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/start.ts')], {
    cwd: projectRoot,
    env: { ...process.env, ...location, HOST: '127.0.0.1', PORT: '0', SITE_URL, PORTAL_PROCESSES: '1', PORTAL_API_RATE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The channel must not keep the test's process alive.
  child.channel?.unref();
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The portal did not start in time:\n${printed}`)), 60_000);
    const watch = () => {
      const match = /Portal listening on (http:\/\/[\d.]+:\d+)/.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The portal exited with code ${code}:\n${printed}`));
    });
  });

  let statsRequests = 0;
  return {
    baseUrl,
    pid: child.pid!,
    stats: () =>
      new Promise((resolve, reject) => {
        const requestId = ++statsRequests;
        const timer = setTimeout(() => reject(new Error('The portal did not answer the stats request (started without PORTAL_BENCH=1?)')), 10_000);
        const listen = (message: unknown) => {
          if (!isStatsAnswer(message) || message.requestId !== requestId) return;
          clearTimeout(timer);
          child.off('message', listen);
          resolve(message.processes);
        };
        child.on('message', listen);
        child.send({ kind: 'bench-stats', requestId });
      }),
    output: () => printed,
    stop: () => ended(child, 'SIGTERM'),
    kill: () => ended(child, 'SIGKILL'),
  };
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Search answers 503 until the worker has built its index after the start. */
export async function whenSearchIsReady(baseUrl: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await fetch(`${baseUrl}/api/v1/search?q=%E8%A5%BF%E5%AD%90`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('search never became ready');
}

/** A page's path in a language: '' is Chinese at the unprefixed addresses, '/en' English (whose home is /en). */
export const inLanguage = (prefix: string, path: string): string => (prefix !== '' && path === '/' ? prefix : prefix + path);
