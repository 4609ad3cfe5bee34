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
}

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

const optionalText = (limit: number) =>
  z
    .string()
    .max(limit, `must be at most ${limit} characters`)
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : null));

const portalEnvironment = z.object({
  PORTAL_DB: z.string().min(1, 'must not be empty').default('data/portal.db'),
  PORTAL_DATABASE_URL: z
    .string()
    .refine((url) => url === '' || (URL.canParse(url) && /^postgres(ql)?:$/.test(new URL(url).protocol)), 'must be a PostgreSQL address such as postgres://portal@db.example.cn/portal')
    .optional(),
  PORTAL_DATABASE_POOL: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'must be a number of connections from 1 to 999')
    .transform(Number)
    .default('10'),
  HOST: z.string().min(1, 'must not be empty').default('localhost'),
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
    .transform(Number)
    .refine((port) => port <= 65535, 'must be a whole number from 0 to 65535')
    .default('4321'),
  SITE_URL: z
    .string()
    .url('must be an absolute http(s) address such as https://cert.example.cn')
    .refine((url) => !URL.canParse(url) || /^https?:$/.test(new URL(url).protocol), 'must start with http:// or https://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TRUST_PROXY: z
    .string()
    .regex(/^(?:|\d{1,2}|false|no|true|yes)$/, 'must be the number of reverse proxies in front of the portal (1 for one nginx; true or yes mean 1), or 0, false, no or empty for none')
    .default('')
    .transform((value) => (['true', 'yes'].includes(value) ? 1 : /^\d+$/.test(value) ? Number(value) : 0)),
  PORTAL_WRITE_WAIT: z
    .string()
    .regex(/^\d+(?:\.\d+)?$/, 'must be a number of seconds, such as 12')
    .transform((seconds) => Math.round(Number(seconds) * 1000))
    .default('12'),
  PORTAL_OPERATOR: optionalText(100),
  PORTAL_OPERATOR_CONTACT: optionalText(200),
  PORTAL_ICP_FILING: optionalText(50),
  PORTAL_PUBLIC_SECURITY_FILING: z
    .string()
    .regex(/^(?:|.*\d{14}.*)$/, 'must hold the 14-digit record number, such as 京公网安备11010502030143号')
    .max(50, 'must be at most 50 characters')
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : null)),
  PORTAL_PROCESSES: z
    .string()
    .regex(/^(?:[1-9]\d{0,2})?$/, 'must be a whole number of processes from 1 to 999, or empty for one per core')
    .default('')
    .transform((value) => (value === '' ? availableParallelism() : Number(value))),
  PORTAL_CACHE_MB: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a whole number of megabytes (0 turns the response cache off)')
    .transform((megabytes) => Number(megabytes) * 1024 * 1024)
    .default('64'),
});

export class ConfigError extends Error {}

/** Reads the environment; a bad value throws ConfigError naming the variable and the reason. */
export function loadConfig(env: Record<string, string | undefined> = process.env): PortalConfig {
  const parsed = portalEnvironment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const { PORTAL_DB, PORTAL_DATABASE_URL, PORTAL_DATABASE_POOL, HOST, PORT, SITE_URL, TRUST_PROXY, PORTAL_WRITE_WAIT, PORTAL_PROCESSES, PORTAL_CACHE_MB } = parsed.data;
  const { PORTAL_OPERATOR, PORTAL_OPERATOR_CONTACT, PORTAL_ICP_FILING, PORTAL_PUBLIC_SECURITY_FILING } = parsed.data;
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
  };
}
