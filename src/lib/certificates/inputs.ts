import { z } from 'zod';
import { isCalendarDate } from '../time/beijing.ts';

/** What the lookup can be narrowed to: certificates whose yearly surveillance audit is overdue. */
export const SURVEILLANCE_FILTERS = ['overdue'] as const;

/** What the lookup accepts from a URL: the length limit itself is the domain's (lookupCertificates). */
export const lookupParameters = z.object({
  q: z.string().default(''),
  surveillance: z.enum(SURVEILLANCE_FILTERS, { errorMap: () => ({ message: 'surveillance must be overdue, or left out' }) }).optional(),
  // The no-JS form sends an unchosen body empty: empty means any.
  body: z.preprocess((value) => (value === '' ? undefined : value), z.string().max(50, 'body must be a certification body code of at most 50 characters').optional()),
  page: z.coerce
    .number({ invalid_type_error: 'page must be a whole number from 1' })
    .int('page must be a whole number from 1')
    .min(1, 'page must be a whole number from 1')
    .max(100000, 'page must be at most 100000')
    .default(1),
});

export const certificatePageParameters = z.object({
  on: z
    .string()
    .refine(isCalendarDate, 'on must be a calendar date written YYYY-MM-DD, for example 2025-06-30')
    .optional(),
});

/** The longest certificate number a request may ask about. */
export const MAX_NUMBER_LENGTH = 100;

export const verifyRequest = z.object({
  numbers: z.array(z.string({ invalid_type_error: 'each number must be a string' }).max(MAX_NUMBER_LENGTH, `a certificate number has at most ${MAX_NUMBER_LENGTH} characters`), {
    required_error: 'numbers is required: { "numbers": ["..."] }',
    invalid_type_error: 'numbers must be an array of strings',
  }),
});
