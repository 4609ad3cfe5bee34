import { z } from 'zod';
import { COMMENT_KINDS } from '../../db/notice.table.ts';

/** NFC, without control characters (keeping line breaks and tabs), trimmed. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '')
    .trim();
}

const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;
const EMAIL_MAX_LENGTH = 254;

/**
 * name@domain.tld: one "@", no spaces, a dot in the domain followed by two characters or
 * more. Checked by position, not by a backtracking pattern, so that no crafted contact can
 * make the check slow.
 */
function isEmailAddress(address: string): boolean {
  if (address.length > EMAIL_MAX_LENGTH || /\s/.test(address)) return false;
  const at = address.indexOf('@');
  if (at < 1 || at !== address.lastIndexOf('@')) return false;
  const domain = address.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  return dot > 0 && domain.length - dot - 1 >= 2;
}

/** A mainland mobile number (spaces, dashes and +86 allowed) or an e-mail address. */
export function normaliseContact(contact: string): string | null {
  if (contact.length > EMAIL_MAX_LENGTH * 2) return null;
  const compact = contact.normalize('NFKC').replace(/[\s-]/g, '');
  if (MOBILE.test(compact)) return compact.replace(/^\+?86/, '');
  const email = contact.normalize('NFKC').trim();
  return isEmailAddress(email) ? email : null;
}

/**
 * Every problem the form can have, as a code: the schema reports them, and the page says each
 * in the submitter's language (i18n/messages.ts commentFormProblems).
 */
export const COMMENT_FORM_PROBLEMS = [
  'kind_missing',
  'text_too_short',
  'text_too_long',
  'name_missing',
  'name_too_long',
  'contact_missing',
  'contact_invalid',
  'organisation_too_long',
  'consent_missing',
  'form_expired',
] as const;

export type CommentFormProblem = (typeof COMMENT_FORM_PROBLEMS)[number];

/** A problem's code as the schema's message, so that only known problems can be reported. */
const problem = (code: CommentFormProblem): string => code;

const cleaned = (min: number, max: number, tooShort: CommentFormProblem, tooLong: CommentFormProblem) =>
  z
    .string({ required_error: problem(tooShort) })
    // Lengths before any other work: a 64 KiB field is refused without being looked at.
    .max(max * 4, problem(tooLong))
    .transform(cleanText)
    .refine((text) => Array.from(text).length >= min, problem(tooShort))
    .refine((text) => Array.from(text).length <= max, problem(tooLong));

/** The comment form, field by field; each message is a CommentFormProblem. */
export const commentForm = z.object({
  kind: z.enum(COMMENT_KINDS, { errorMap: () => ({ message: problem('kind_missing') }) }),
  text: cleaned(10, 5000, 'text_too_short', 'text_too_long'),
  name: cleaned(2, 50, 'name_missing', 'name_too_long'),
  contact: z.string({ required_error: problem('contact_missing') }).transform((contact, context) => {
    const normalised = normaliseContact(contact);
    if (normalised === null) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: problem(contact.trim() === '' ? 'contact_missing' : 'contact_invalid') });
      return z.NEVER;
    }
    return normalised;
  }),
  organisation: z
    .string()
    .max(400, problem('organisation_too_long'))
    .optional()
    .transform((text) => (text === undefined ? null : cleanText(text) || null))
    .refine((text) => text === null || Array.from(text).length <= 100, problem('organisation_too_long')),
  // The form sends "yes"; a checkbox without a value sends "on", which means the same.
  consent: z.enum(['yes', 'on', 'true', '1'], { errorMap: () => ({ message: problem('consent_missing') }) }),
  idempotencyKey: z.string({ required_error: problem('form_expired') }).regex(/^[A-Za-z0-9_-]{16,64}$/, problem('form_expired')),
});

export type CommentForm = z.infer<typeof commentForm>;
