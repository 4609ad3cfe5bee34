import { z } from 'zod';
import { isCalendarDate } from '../../ground/time/beijing.ts';
import { LOOKUP_STATUSES } from './filters.ts';

/** The no-JS form sends an unchosen filter empty: empty means any. */
const anyWhenEmpty = <Schema extends z.ZodTypeAny>(schema: Schema) => z.preprocess((value) => (value === '' ? undefined : value), schema);

/** What the lookup can be narrowed to: certificates whose yearly surveillance audit is overdue. */
export const SURVEILLANCE_FILTERS = ['overdue'] as const;

/** What the lookup accepts from a URL: the length limit itself is the domain's (lookupCertificates). */
export const lookupParameters = z.object({
  q: z.string().default(''),
  surveillance: z.enum(SURVEILLANCE_FILTERS, { errorMap: () => ({ message: 'surveillance must be overdue, or left out' }) }).optional(),
  body: anyWhenEmpty(z.string().max(50, 'body must be a certification body code of at most 50 characters').optional()),
  status: anyWhenEmpty(
    z.enum(LOOKUP_STATUSES, { errorMap: () => ({ message: `status must be one of ${LOOKUP_STATUSES.join(', ')}, or left out` }) }).optional(),
  ),
  scheme: anyWhenEmpty(z.string().max(100, 'scheme must be a scheme code of at most 100 characters').optional()),
  province: anyWhenEmpty(z.string().max(20, 'province must be a province name of at most 20 characters').optional()),
  page: z.coerce
    .number({ invalid_type_error: 'page must be a whole number from 1' })
    .int('page must be a whole number from 1')
    .min(1, 'page must be a whole number from 1')
    .max(100000, 'page must be at most 100000')
    .default(1),
});

export const certificatePageParameters = z.object({
  on: z.string().refine(isCalendarDate, 'on must be a calendar date written YYYY-MM-DD, for example 2025-06-30').optional(),
});

/** The longest certificate number a request may ask about. */
export const MAX_NUMBER_LENGTH = 100;

export const verifyRequest = z.object({
  numbers: z.array(
    z
      .string({ invalid_type_error: 'each number must be a string' })
      .max(MAX_NUMBER_LENGTH, `a certificate number has at most ${MAX_NUMBER_LENGTH} characters`),
    {
      required_error: 'numbers is required: { "numbers": ["..."] }',
      invalid_type_error: 'numbers must be an array of strings',
    },
  ),
});
