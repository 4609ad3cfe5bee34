import type { z } from 'zod';
import { DomainError } from './errors.ts';

/** Validates input with a zod schema; the first problem becomes a clear invalid_input error. */
export function parseInput<Schema extends z.ZodTypeAny>(
  schema: Schema,
  input: unknown,
  code: 'invalid_query' | 'invalid_request' | 'invalid_date' = 'invalid_request',
  kind: 'invalid_input' | 'unprocessable' = 'invalid_input',
): z.infer<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new DomainError(kind, code, { problem: 'schema', field: issue.path.join('.'), rule: issue.message });
}

/** A URL's query parameters as a plain object (the last value wins). */
export function queryParameters(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}
