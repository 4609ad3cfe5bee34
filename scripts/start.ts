/**
 * `npm start`: builds if needed, migrates, fills an empty database with the demo data set,
 * then serves the built portal on HOST:PORT from PORTAL_PROCESSES processes (one per core).
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { clientSaltPath, readClientSalt } from '../src/lib/domain/comments/client.ts';
import { forgetOldSubmissions } from '../src/lib/domain/comments/submit.ts';
import { moveCertificateTallyForward } from '../src/lib/domain/certificates/tally.ts';
import { ConfigError, loadConfig, type PortalConfig } from '../src/lib/ground/config/config.ts';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import type { PortalDb } from '../src/lib/db/database.ts';
import { connectDatabase, databaseName } from '../src/lib/db/connect.ts';
import { postgresProblems } from '../src/lib/db/postgres.ts';
import { commitCounter } from '../src/lib/db/seam.ts';
import { answerRateLimited, ApiRateLimit, isApiRequest } from '../src/lib/web/http/api-rate-limit.ts';
import { clientAddressOf } from '../src/lib/web/http/client-address.ts';
import {
  connectionReading,
  isMalformedAddress,
  malformedAddressRoute,
  unparsableRequestAnswer,
  withEscapedTarget,
  withPlainPath,
} from '../src/lib/web/http/malformed-request.ts';
import { SECURITY_HEADERS } from '../src/lib/web/http/security-headers.ts';
import { BACK_OFFICE_WORDS } from '../src/lib/i18n/back-office.ts';
import { MESSAGES } from '../src/lib/i18n/messages.ts';
import { LOCALES } from '../src/lib/ground/language/locales.ts';
import { ResponseCache } from '../src/lib/web/http/response-cache.ts';
import { loadStaticFiles } from '../src/lib/web/http/static-files.ts';
import { openDataFolder } from '../src/lib/domain/open-data/files.ts';
import { openDataFileServer } from '../src/lib/domain/open-data/serve.ts';
import { OpenDataGenerator } from '../src/lib/domain/open-data/service.ts';
import { nextChangeByTime } from '../src/lib/web/runtime/page-lifetime.ts';
import type { Portal } from '../src/lib/web/runtime/portal.ts';
import { isStatsAnswer, isStatsRequest, processStatsReader, type ProcessStats, type StatsAnswer } from '../src/lib/web/runtime/process-stats.ts';
import { NoticeSearch, searchIndexFolder, type NoticeSearchService } from '../src/lib/domain/search/service.ts';
import { answerSearchesOf, SearchThroughOwner } from '../src/lib/domain/search/shared.ts';
import { systemClock } from '../src/lib/ground/time/clock.ts';
import { beijingDate } from '../src/lib/ground/time/beijing.ts';
import { clientFolder, ensureFreshBuild, serverEntry } from './build.ts';
import { commandLocale } from './command.ts';

const DEMO_SIZE = { certificates: 2000, notices: 300, seed: 20261126 };

/** The adapter's handler in middleware mode: what it renders gets `locals` as Astro.locals. */
type AstroHandler = (request: IncomingMessage, response: ServerResponse, next: undefined, locals: Partial<App.Locals>) => Promise<void>;

async function prepareDatabase(config: PortalConfig): Promise<void> {
  const db = connectDatabase(config);
  try {
    if (config.databaseUrl) await refuseUnfitPostgres(db, 'before migrating');
    await migrateToLatest(db);
    if (config.databaseUrl) await refuseUnfitPostgres(db, 'after migrating');
    // Empty means the back office never wrote anything: not a body, not a scheme.
    const anyBody = await db.selectFrom('certificationBody').select('id').limit(1).executeTakeFirst();
    const anyScheme = await db.selectFrom('scheme').select('id').limit(1).executeTakeFirst();
    if (!anyBody && !anyScheme) {
      // Loaded only for an empty database: a filled one starts without the generator.
      const { seedDemoData } = await import('./demo/generate.ts');
      const counts = await seedDemoData(db, { ...DEMO_SIZE, now: new Date() });
      console.log(`Empty database: filled it with the demo data set (${counts.certificates} certificates, ${counts.notices} notices).`);
    }
  } finally {
    await db.destroy();
  }
}

/** A PostgreSQL database the portal cannot serve correctly stops the start, saying what is wrong and what to do. */
async function refuseUnfitPostgres(db: ReturnType<typeof connectDatabase>, stage: Parameters<typeof postgresProblems>[1]): Promise<void> {
  const problems = await postgresProblems(db, stage);
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The address the portal answers at when SITE_URL does not say: the one it listens on. */
function listeningUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** The full-text search over the notices, in worker threads of this process: built from the database, or loaded from disk and caught up. */
async function startNoticeSearch(config: PortalConfig): Promise<NoticeSearch> {
  const noticeSearch = new NoticeSearch({
    database: config,
    cacheFolder: searchIndexFolder(config.databasePath),
    log: (line) => console.log(line),
  });
  await noticeSearch.start();
  return noticeSearch;
}

/** The bulk files of /data, written by a thread of this process whenever the data changed (at most once per interval). */
function startOpenData(config: PortalConfig): OpenDataGenerator {
  const generator = new OpenDataGenerator(
    {
      database: { ...config, databasePoolSize: 1 },
      folder: openDataFolder(config.databasePath),
      intervalMilliseconds: config.openDataIntervalMilliseconds,
    },
    (line) => console.log(line),
  );
  generator.start();
  return generator;
}

/**
 * Address hashes are kept a day at most, also when no one comments for a while; the
 * filter tally's day follows the calendar, so that a lookup counts a day's lapses at most:
 * one process does both, hourly.
 */
function forgetOldSubmissionsHourly(db: PortalDb): void {
  const forget = () => {
    void forgetOldSubmissions(db, systemClock()).catch((error: unknown) => console.error(`Could not delete old address hashes: ${String(error)}`));
    void moveCertificateTallyForward(db, beijingDate(systemClock())).catch((error: unknown) =>
      console.error(`Could not move the certificate tally forward: ${String(error)}`),
    );
  };
  forget();
  setInterval(forget, 60 * 60_000).unref();
}

/**
 * Astro imports a page's module again for every request it renders; with a module loader
 * registered (tsx), each import() is a round trip to the loader's thread, a tenth of a page's
 * CPU. The module is the same every time: the first import's answer is kept.
 */
function keepPageModules(pageMap: Map<string, () => Promise<unknown>>): void {
  for (const [component, load] of pageMap) {
    let loaded: Promise<unknown> | undefined;
    pageMap.set(component, () => (loaded ??= load()));
  }
}

/**
 * Serves the portal on HOST:PORT in this process: the only one (PORTAL_PROCESSES=1), or
 * one of the cluster's server processes, which share the socket. Resolves with the address
 * listened on; `stop` closes the server and then runs `release`.
 */
async function serve(config: PortalConfig, portal: Portal, release: () => Promise<unknown>): Promise<{ url: string; stop: () => void }> {
  const { handler, pageMap } = (await import(pathToFileURL(serverEntry).href)) as {
    handler: AstroHandler;
    pageMap: Map<string, () => Promise<unknown>>;
  };
  keepPageModules(pageMap);
  const serveStatic = loadStaticFiles(clientFolder);
  // Said in both languages: a file's address has none.
  const serveOpenData = openDataFileServer(
    openDataFolder(config.databasePath),
    LOCALES.map((locale) => MESSAGES[locale].openData.preparing).join(' / '),
  );
  const dataVersion = await commitCounter(portal.db);
  const responses = new ResponseCache({
    maxBytes: config.responseCacheBytes,
    clock: portal.clock,
    // A commit anywhere may change any page.
    generation: dataVersion,
    nextChangeByTime: (now) => nextChangeByTime(portal.db, now),
  });
  const apiLimit = config.apiRequestsPerMinute > 0 ? new ApiRateLimit(config.apiRequestsPerMinute) : null;
  if (process.env.PORTAL_BENCH === '1')
    answerStatsRequests(processStatsReader('server', () => ({ hits: responses.hits, misses: responses.misses, ...responses.size })));

  const server = createServer((request, response) => {
    request.url = withPlainPath(request.url ?? '/');
    // Answered by the page (or API answer) that says so: no route can match what cannot be decoded.
    const malformed = isMalformedAddress(request.url);
    // Read now, while the socket is surely there; whoever reads it later may find the client gone.
    const clientAddress = clientAddressOf(request.socket.remoteAddress, request.headers['x-forwarded-for'], config.trustedProxies);
    // Before the kept answers: a program that asks too fast is told so, whatever it asks.
    const wait = apiLimit && isApiRequest(request.method, request.url) ? apiLimit.take(clientAddress ?? '') : 0;
    if (wait > 0) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
      return void answerRateLimited(response, wait);
    }
    if (malformed) request.url = malformedAddressRoute(request.url);
    // A kept answer carries every header it was first sent with.
    else if (responses.answerFromMemory(request, response)) return;
    // Set here, before the adapter, so that static files and errors carry them too.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (!malformed && serveStatic(request, response)) return;
    if (!malformed && serveOpenData(request, response)) return;
    responses.render(request, response, () => void handler(request, response, undefined, { portal, clientAddress }));
  });
  // A request the HTTP parser cannot read (raw non-ASCII in the address, a broken header) still gets a page that says so.
  const unparsableWords = LOCALES.map((locale) => ({ locale, ...MESSAGES[locale].badRequest }));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Raw Chinese in a GET's address (curl, some feed readers): answered as its percent-encoded form.
    const escaped = withEscapedTarget(error, socket);
    if (escaped) server.emit('connection', connectionReading(escaped, socket));
    else unparsableRequestAnswer(error, socket, unparsableWords);
  });
  // A client that trickles its request in is cut off (the comment form also bounds its body, and says so).
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  // Longer than any client's or proxy's idle keep-alive (nginx: 60 s), so the server never closes a connection
  // at the moment a client reuses it (Node's 5 s default races fetch and proxies into "other side closed").
  server.keepAliveTimeout = 65_000;

  const port = await new Promise<number>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${config.host}:${config.port}`;
      const reason =
        error.code === 'EADDRINUSE'
          ? `${where} is already in use: stop the program that listens there, or choose another port with PORT=…`
          : error.code === 'EACCES'
            ? `${where} needs privileges this user does not have: choose a port above 1023 with PORT=…`
            : error.message;
      console.error(`The portal could not start: ${reason}`);
      process.exit(1);
    });
    server.listen(config.port, config.host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : config.port);
    });
  });
  // Before any request is read: links and QR codes then name the port really listened on.
  portal.siteUrl = config.siteUrl ?? listeningUrl(config.host, port);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => void release().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  return { url: listeningUrl(config.host, port), stop };
}

/** Answers `npm run bench`'s requests for this process's figures, over the IPC channel it started the portal with. */
function answerStatsRequests(read: () => ProcessStats, others: () => Promise<ProcessStats[]> = async () => []): void {
  process.on('message', (message) => {
    if (!isStatsRequest(message)) return;
    void others().then((processes) =>
      process.send?.({ kind: 'bench-stats-answer', requestId: message.requestId, processes: [read(), ...processes] } satisfies StatsAnswer),
    );
  });
}

function portalOf(config: PortalConfig, db: PortalDb, noticeSearch: NoticeSearchService): Portal {
  return {
    config,
    siteUrl: config.siteUrl ?? '',
    db,
    clock: systemClock,
    noticeSearch,
    clientSalt: readClientSalt(clientSaltPath(config.databasePath)),
  };
}

const openPortalDatabase = (config: PortalConfig) => connectDatabase(config);

/** PORTAL_PROCESSES=1: everything in this process, the search's worker threads too. */
async function runAlone(config: PortalConfig): Promise<void> {
  const db = openPortalDatabase(config);
  const noticeSearch = await startNoticeSearch(config);
  const openData = startOpenData(config);
  forgetOldSubmissionsHourly(db);
  const { url, stop } = await serve(config, portalOf(config, db, noticeSearch), () =>
    Promise.all([noticeSearch.stop(), openData.stop(), db.destroy()]),
  );
  console.log(`Portal listening on ${url} (database ${databaseName(config)}, site ${config.siteUrl ?? url}, one process)`);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * The primary of PORTAL_PROCESSES server processes: it has migrated and seeded, then forks
 * them (node:cluster shares the listening socket among them) and owns what must exist once:
 * the search index with its worker threads, and the hourly clean-up. A server process that
 * dies is replaced; SIGTERM or SIGINT stops them all, then the primary.
 */
async function runCluster(config: PortalConfig): Promise<void> {
  const db = openPortalDatabase(config);
  const noticeSearch = await startNoticeSearch(config);
  const openData = startOpenData(config);
  forgetOldSubmissionsHourly(db);
  const servers = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
  let stopping = false;
  let listening = 0;
  const fork = () => answerSearchesOf(cluster.fork(), noticeSearch);

  cluster.on('listening', (_worker, address) => {
    if (++listening !== config.processes) return;
    const url = listeningUrl(config.host, address.port);
    console.log(`Portal listening on ${url} (database ${databaseName(config)}, site ${config.siteUrl ?? url}, ${config.processes} processes)`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (servers().length === 0) void Promise.all([noticeSearch.stop(), openData.stop(), db.destroy()]).then(() => process.exit(0));
      return;
    }
    // One that could not start (the port is taken) would fail again: the portal stops.
    if (listening < config.processes) {
      for (const other of servers()) other.kill();
      process.exit(1);
    }
    console.error(`Server process ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another.`);
    fork();
  });
  if (process.env.PORTAL_BENCH === '1') {
    answerStatsRequests(processStatsReader('primary'), () => Promise.all(servers().map(statsOf)));
  }
  for (let i = 0; i < config.processes; i++) fork();
  const stop = () => {
    stopping = true;
    if (servers().length === 0) process.exit(0);
    for (const worker of servers()) worker.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

let statsRequests = 0;
function statsOf(worker: Worker): Promise<ProcessStats> {
  const requestId = ++statsRequests;
  return new Promise((resolve) => {
    const listen = (message: unknown) => {
      if (!isStatsAnswer(message) || message.requestId !== requestId) return;
      worker.off('message', listen);
      resolve(message.processes[0]!);
    };
    worker.on('message', listen);
    worker.send({ kind: 'bench-stats', requestId });
  });
}

/** A server process of the cluster: serves, and asks the primary for full-text search. */
async function runServerProcess(config: PortalConfig): Promise<void> {
  const db = openPortalDatabase(config);
  const noticeSearch = new SearchThroughOwner({ send: (message) => process.send?.(message), on: (event, listener) => process.on(event, listener) });
  const { stop } = await serve(config, portalOf(config, db, noticeSearch), () => db.destroy());
  // Ctrl-C reaches every process of the terminal's group, SIGTERM from the primary only this one.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (cluster.isWorker) return runServerProcess(config);
  ensureFreshBuild();
  await prepareDatabase(config);
  // Made before any server process reads it.
  readClientSalt(clientSaltPath(config.databasePath));
  if (config.processes === 1) await runAlone(config);
  else await runCluster(config);
}

main().catch((error: unknown) => {
  // Said as the back office says it (the same settings): Chinese unless LANG is English.
  if (error instanceof ConfigError) console.error(BACK_OFFICE_WORDS[commandLocale([])].configuration(error.problems));
  else console.error(`The portal could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
