import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** Everything the portal reads from its environment, validated once at start. */
export interface PortalConfig {
  /** The SQLite database file; with a PostgreSQL database, where the portal keeps its own files (the salt, the search index). */
  databasePath: string;
  /** postgres://…: the portal runs on this PostgreSQL database instead of the SQLite file. */
  databaseUrl: string | null;
  /** Connections each portal process keeps open to PostgreSQL. */
  databasePoolSize: number;
  host: string;
  port: number;
  /** The public address, used in QR codes and every absolute link; null: the address the portal listens on. */
  siteUrl: string | null;
  /**
   * How many reverse proxies stand in front of the portal: the client is then the Nth
   * address from the right of X-Forwarded-For, not the socket's peer (0: no proxy is trusted).
   */
  trustedProxies: number;
  /** How long a comment waits for another process to release SQLite's write lock before it is refused with 503. */
  writeWaitMilliseconds: number;
  /** Who runs this site, said in every footer and on the about page: a look-alike copy cannot claim it. */
  operator: SiteOperator;
  /** How many server processes share the socket and the database file (default one per core). */
  processes: number;
  /** Bytes each server process's response cache may hold; 0 turns it off. */
  responseCacheBytes: number;
  /** The least time between two writings of the bulk files of /data, however often the data changes. */
  openDataIntervalMilliseconds: number;
  /** API requests (/api/v1/*) each client may make a minute, per server process; 0: no limit. */
  apiRequestsPerMinute: number;
}

/**
 * What a setting accepts, as the code of the problem a value outside it makes: each check
 * below gives its code as zod's message, and the dictionaries say it (src/lib/i18n/back-office.ts).
 */
export type SettingProblemCode =
  | 'empty'
  | 'folder'
  | 'not_postgres_url'
  | 'not_pool_size'
  | 'not_port'
  | 'not_site_url'
  | 'not_proxy_count'
  | 'not_seconds'
  | 'not_process_count'
  | 'not_megabytes'
  | 'not_request_rate'
  | 'not_operator_name'
  | 'not_operator_contact'
  | 'not_icp_filing'
  | 'not_public_security_filing';

/**
 * What is wrong with the configuration, as data: the setting, the value given, and what it
 * accepts (the code); or a PostgreSQL database the portal cannot serve correctly.
 */
export type ConfigProblem =
  | { code: SettingProblemCode; setting: string; value: string }
  | { code: 'postgres_locale'; setting: 'PORTAL_DATABASE_URL'; collation: string; ctype: string }
  | { code: 'postgres_trigram'; setting: 'PORTAL_DATABASE_URL' };

/** A check's message: the code of what the setting accepts, checked to be one. */
const accepts = (code: SettingProblemCode) => code;
/** The operator (主办单位) and its filing numbers; null where not configured (a demo or test site says so). */
export interface SiteOperator {
  name: string | null;
  /** How to reach the operator: an address, telephone or e-mail, as it should be shown. */
  contact: string | null;
  /** ICP备案号, such as 京ICP备12345678号-1. */
  icpFiling: string | null;
  /** 公安机关互联网站备案号, such as 京公网安备11010502030143号. */
  publicSecurityFiling: string | null;
}

const optionalText = (limit: number, code: SettingProblemCode) =>
  z
    .string()
    .max(limit, accepts(code))
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : null));

const portalEnvironment = z.object({
  PORTAL_DB: z
    .string()
    .min(1, accepts('empty'))
    // A folder would be opened (and made private) as if it were the database: refused before anything touches it.
    .refine((path) => !statSync(path, { throwIfNoEntry: false })?.isDirectory(), accepts('folder'))
    .default('data/portal.db'),
  PORTAL_DATABASE_URL: z
    .string()
    .refine((url) => url === '' || (URL.canParse(url) && /^postgres(ql)?:$/.test(new URL(url).protocol)), accepts('not_postgres_url'))
    .optional(),
  PORTAL_DATABASE_POOL: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, accepts('not_pool_size'))
    .transform(Number)
    .default('10'),
  HOST: z.string().min(1, accepts('empty')).default('localhost'),
  PORT: z
    .string()
    .regex(/^\d+$/, accepts('not_port'))
    .transform(Number)
    .refine((port) => port <= 65535, accepts('not_port'))
    .default('4321'),
  SITE_URL: z
    .string()
    .refine((url) => url === '' || (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)), accepts('not_site_url'))
    .optional(),
  TRUST_PROXY: z
    .string()
    .regex(/^(?:|\d{1,2}|false|no|true|yes)$/, accepts('not_proxy_count'))
    .default('')
    .transform((value) => (['true', 'yes'].includes(value) ? 1 : /^\d+$/.test(value) ? Number(value) : 0)),
  PORTAL_WRITE_WAIT: z
    .string()
    .regex(/^\d+(?:\.\d+)?$/, accepts('not_seconds'))
    .transform((seconds) => Math.round(Number(seconds) * 1000))
    .default('12'),
  PORTAL_OPERATOR: optionalText(100, 'not_operator_name'),
  PORTAL_OPERATOR_CONTACT: optionalText(200, 'not_operator_contact'),
  PORTAL_ICP_FILING: optionalText(50, 'not_icp_filing'),
  PORTAL_PUBLIC_SECURITY_FILING: z
    .string()
    .regex(/^(?:|.*\d{14}.*)$/, accepts('not_public_security_filing'))
    .max(50, accepts('not_public_security_filing'))
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : null)),
  PORTAL_PROCESSES: z
    .string()
    .regex(/^(?:[1-9]\d{0,2})?$/, accepts('not_process_count'))
    .default('')
    .transform((value) => (value === '' ? availableParallelism() : Number(value))),
  PORTAL_CACHE_MB: z
    .string()
    .regex(/^\d{1,5}$/, accepts('not_megabytes'))
    .transform((megabytes) => Number(megabytes) * 1024 * 1024)
    .default('64'),
  PORTAL_OPEN_DATA_INTERVAL: z
    .string()
    .regex(/^\d+(?:\.\d+)?$/, accepts('not_seconds'))
    .transform((seconds) => Math.round(Number(seconds) * 1000))
    .default('3600'),
  PORTAL_API_RATE: z
    .string()
    .regex(/^\d{1,6}$/, accepts('not_request_rate'))
    .transform(Number)
    .default('600'),
});

/** The configuration cannot be used: every problem found, each naming its setting. Commands say them in the staff's language. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`Invalid configuration: ${problems.map((problem) => `${problem.setting} (${problem.code})`).join(', ')}`);
    this.name = 'ConfigError';
  }
}

/** A database address as messages may show it: a password in it, however malformed the rest, is masked. */
const withoutPassword = (address: string) => address.replace(/(\/\/[^/@:]*:)[^/@]*@/, '$1***@');

/** Reads the environment; bad values throw one ConfigError with a problem for each. */
export function loadConfig(env: Record<string, string | undefined> = process.env): PortalConfig {
  const parsed = portalEnvironment.safeParse(env);
  if (!parsed.success) {
    // One problem a setting, its first: PORT=eighty fails the pattern, not also the range.
    const settings = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new ConfigError(
      settings.map((setting) => ({
        code: parsed.error.issues.find((issue) => issue.path[0] === setting)!.message as SettingProblemCode,
        setting,
        value: setting === 'PORTAL_DATABASE_URL' ? withoutPassword(env[setting] ?? '') : (env[setting] ?? ''),
      })),
    );
  }
  const {
    PORTAL_DB,
    PORTAL_DATABASE_URL,
    PORTAL_DATABASE_POOL,
    HOST,
    PORT,
    SITE_URL,
    TRUST_PROXY,
    PORTAL_WRITE_WAIT,
    PORTAL_PROCESSES,
    PORTAL_CACHE_MB,
    PORTAL_OPEN_DATA_INTERVAL,
  } = parsed.data;
  const { PORTAL_OPERATOR, PORTAL_OPERATOR_CONTACT, PORTAL_ICP_FILING, PORTAL_PUBLIC_SECURITY_FILING, PORTAL_API_RATE } = parsed.data;
  return {
    databasePath: PORTAL_DB,
    databaseUrl: PORTAL_DATABASE_URL || null,
    databasePoolSize: PORTAL_DATABASE_POOL,
    host: HOST,
    port: PORT,
    siteUrl: SITE_URL ? SITE_URL.replace(/\/+$/, '') : null,
    trustedProxies: TRUST_PROXY,
    writeWaitMilliseconds: PORTAL_WRITE_WAIT,
    operator: {
      name: PORTAL_OPERATOR,
      contact: PORTAL_OPERATOR_CONTACT,
      icpFiling: PORTAL_ICP_FILING,
      publicSecurityFiling: PORTAL_PUBLIC_SECURITY_FILING,
    },
    processes: PORTAL_PROCESSES,
    responseCacheBytes: PORTAL_CACHE_MB,
    openDataIntervalMilliseconds: PORTAL_OPEN_DATA_INTERVAL,
    apiRequestsPerMinute: PORTAL_API_RATE,
  };
}
