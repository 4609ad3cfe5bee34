import { z } from 'zod';
import { COMMENT_KINDS } from '../../db/notice.table.ts';
import type { Locale } from '../../ground/language/locales.ts';

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
 * Every problem the form can have, each saying how to put it right in both languages: the
 * schema reports codes, and the page shows them in the submitter's language.
 */
export const COMMENT_FORM_PROBLEMS = {
  kind_missing: { 'zh-CN': '请选择意见类型：异议、意见或支持', en: 'Choose the kind of comment: objection, opinion or support' },
  text_too_short: { 'zh-CN': '意见内容至少 10 个字', en: 'The comment needs at least 10 characters' },
  text_too_long: { 'zh-CN': '意见内容最多 5000 个字', en: 'The comment can have at most 5,000 characters' },
  name_missing: { 'zh-CN': '请填写真实姓名', en: 'Enter your real name' },
  name_too_long: { 'zh-CN': '姓名最多 50 个字', en: 'The name can have at most 50 characters' },
  contact_missing: { 'zh-CN': '请填写手机号码或电子邮箱', en: 'Enter a mobile number or an e-mail address' },
  contact_invalid: {
    'zh-CN': '请填写有效的中国大陆手机号码（11 位）或电子邮箱',
    en: 'Enter a valid mainland China mobile number (11 digits) or e-mail address',
  },
  organisation_too_long: { 'zh-CN': '单位名称最多 100 个字', en: 'The organisation name can have at most 100 characters' },
  consent_missing: { 'zh-CN': '请阅读并同意个人信息处理说明', en: 'Read and accept the statement on personal information' },
  form_expired: { 'zh-CN': '表单已失效，请刷新页面后重新提交', en: 'The form has expired: reload the page and submit again' },
} as const satisfies Record<string, Record<Locale, string>>;

export type CommentFormProblem = keyof typeof COMMENT_FORM_PROBLEMS;

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
