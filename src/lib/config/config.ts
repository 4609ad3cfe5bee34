import { z } from 'zod';

/** Everything the portal reads from its environment, validated once at start. */
export interface PortalConfig {
  databasePath: string;
  host: string;
  port: number;
  siteUrl: string;
  /** Behind a reverse proxy: the client is the first X-Forwarded-For address, not the socket's. */
  trustProxy: boolean;
}

const portalEnvironment = z.object({
  PORTAL_DB: z.string().min(1, 'must not be empty').default('data/portal.db'),
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
    .default('http://localhost:4321'),
  TRUST_PROXY: z
    .enum(['', '0', '1', 'false', 'true', 'no', 'yes'], { message: 'must be 1, true or yes to trust the proxy; 0, false, no or empty not to' })
    .default('')
    .transform((value) => ['1', 'true', 'yes'].includes(value)),
});

export class ConfigError extends Error {}

/** Reads the environment; a bad value throws ConfigError naming the variable and the reason. */
export function loadConfig(env: Record<string, string | undefined> = process.env): PortalConfig {
  const parsed = portalEnvironment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const { PORTAL_DB, HOST, PORT, SITE_URL, TRUST_PROXY } = parsed.data;
  return { databasePath: PORTAL_DB, host: HOST, port: PORT, siteUrl: SITE_URL.replace(/\/+$/, ''), trustProxy: TRUST_PROXY };
}
