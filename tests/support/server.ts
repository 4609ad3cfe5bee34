import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { projectRoot } from '../../scripts/build.ts';
import { isStatsAnswer, type ProcessStats } from '../../src/lib/web/runtime/process-stats.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** The public address the test portals are served under (every absolute link, and the Origin a form must come from). */
export const SITE_URL = 'https://cert.example.cn';

/** What a GET (or HEAD) may say beside its address: headers, redirect, signal. */
export type GetInit = Omit<RequestInit, 'body' | 'method'> & { method?: 'GET' | 'HEAD' };

/** Requests to one running portal, as a client of it would send them. */
export interface PortalClient {
  /**
   * The answer to `path` (or to an absolute address under SITE_URL, as the portal's links and
   * cursors give them); `init` as fetch takes it.
   */
  request: (path: string, init?: RequestInit) => Promise<Response>;
  /** The answer to a GET (or HEAD) of `path`, e.g. with `{ headers, redirect: 'manual' }`. */
  get: (path: string, init?: GetInit) => Promise<Response>;
  /** The body of the answer, once it is checked to have come with `status`: the page itself, a redirect is not followed. */
  getText: (path: string, status?: number, init?: GetInit) => Promise<string>;
  /** The JSON body of the answer, once it is checked to have come with `status` (a redirect is not followed). */
  getJson: <Body = any>(path: string, status?: number, init?: GetInit) => Promise<Body>;
  /**
   * A comment form sent as a browser on the site sends it: from the site's Origin, the redirect
   * not followed, from a client address of its own (X-Forwarded-For, for a portal behind a proxy)
   * unless `headers` say otherwise. `notice` is a notice's id, or the form's action.
   */
  postComment: (notice: number | string, fields: Record<string, string>, headers?: Record<string, string>) => Promise<Response>;
}

export interface RunningPortal extends PortalClient {
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
    ...clientOf(() => baseUrl),
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

/** How many comment forms this test file has made: each is a person and a client of its own. */
let forms = 0;

/**
 * A comment form as a visitor fills it in (made-up personal data), with a contact and an
 * idempotency key of its own so that the per-person limits and the duplicate check count each
 * form apart; `overrides` say what a test needs otherwise.
 */
export function commentForm(overrides: Record<string, string> = {}): Record<string, string> {
  forms += 1;
  return {
    kind: 'objection',
    text: `该企业的售后服务电话经常无人接听，评价结果值得怀疑（第 ${forms} 条）。`,
    name: '赵六',
    contact: `139${String(forms).padStart(8, '0')}`,
    organisation: '',
    consent: 'yes',
    idempotencyKey: `http-test-form-${forms}-abcdefgh`,
    website: '',
    ...overrides,
  };
}

function clientOf(baseUrl: () => string): PortalClient {
  const request = (path: string, init?: RequestInit) => fetch(`${baseUrl()}${path.startsWith(SITE_URL) ? path.slice(SITE_URL.length) : path}`, init);
  const getText = async (path: string, status = 200, init?: GetInit) => {
    const response = await request(path, { redirect: 'manual', ...init });
    const body = await response.text();
    expect(response.status, `${path}: ${body.slice(0, 300)}`).toBe(status);
    return body;
  };
  return {
    request,
    get: request,
    getText,
    getJson: async (path, status, init) => JSON.parse(await getText(path, status, init)),
    postComment: (notice, fields, headers = {}) =>
      request(typeof notice === 'number' ? `/notices/${notice}/comments` : notice, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams(fields),
        headers: { origin: SITE_URL, 'x-forwarded-for': `203.0.113.${forms % 250}`, ...headers },
      }),
  };
}

/**
 * A portal a test file shares: its database (`test`) beside the running portal's fields and
 * requests. The requests may be taken apart at the top of the file (`const { get } = portal`).
 */
export type UsedPortal = RunningPortal & { test: TestDatabase };

/**
 * One portal for the test file: before its tests a database of its own, filled by `fill`,
 * served by the portal started with `env` (its search index built first when `searchReady`);
 * after them both are gone. The portal is read at each use, so the handle is taken at the top
 * of the file and used inside the tests.
 */
export function usePortal(
  fill: (test: TestDatabase) => Promise<unknown>,
  env: Record<string, string> = {},
  { searchReady = false } = {},
): UsedPortal {
  let test: TestDatabase | undefined;
  let portal: RunningPortal | undefined;
  beforeAll(async () => {
    test = await createTestDatabase();
    await fill(test);
    portal = await startPortal(test, env);
    if (searchReady) await whenSearchIsReady(portal.baseUrl);
  });
  afterAll(async () => {
    await portal?.stop();
    await test?.remove();
  });
  const started = () => (portal && test ? { ...portal, test } : undefined);
  return whenStarted(
    started,
    'usePortal',
    clientOf(() => started()?.baseUrl ?? notStarted('usePortal')),
  );
}

/**
 * A handle on what a hook makes before the tests: each property is read from it at the moment
 * of use, but those of `known`, which are there from the start.
 */
export function whenStarted<Started extends object>(started: () => Started | undefined, what: string, known: Partial<Started> = {}): Started {
  return new Proxy(known as Started, {
    get: (_, key) => (key in known ? Reflect.get(known, key) : Reflect.get(started() ?? notStarted(what), key)),
  });
}

function notStarted(what: string): never {
  throw new Error(`${what}: not started yet (use it inside a test or a later hook)`);
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
