import { z } from 'zod';
import { COMMENT_KINDS } from '../db/notice.table.ts';

/** NFC, without control characters (keeping line breaks and tabs), trimmed. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '')
    .trim();
}

const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** A mainland mobile number (spaces, dashes and +86 allowed) or an e-mail address. */
export function normaliseContact(contact: string): string | null {
  const compact = contact.normalize('NFKC').replace(/[\s-]/g, '');
  if (MOBILE.test(compact)) return compact.replace(/^\+?86/, '');
  const email = contact.normalize('NFKC').trim();
  return EMAIL.test(email) && email.length <= 254 ? email : null;
}

const cleaned = (min: number, max: number, tooShort: string, tooLong: string) =>
  z
    .string({ required_error: tooShort })
    .transform(cleanText)
    .refine((text) => Array.from(text).length >= min, tooShort)
    .refine((text) => Array.from(text).length <= max, tooLong);

/** The comment form, field by field; each message says how to put it right. */
export const commentForm = z.object({
  kind: z.enum(COMMENT_KINDS, { errorMap: () => ({ message: '请选择意见类型：异议、意见或支持' }) }),
  text: cleaned(10, 5000, '意见内容至少 10 个字', '意见内容最多 5000 个字'),
  name: cleaned(2, 50, '请填写真实姓名', '姓名最多 50 个字'),
  contact: z
    .string({ required_error: '请填写手机号码或电子邮箱' })
    .transform((contact, context) => {
      const normalised = normaliseContact(contact);
      if (normalised === null) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: '请填写有效的中国大陆手机号码（11 位）或电子邮箱' });
        return z.NEVER;
      }
      return normalised;
    }),
  organisation: z
    .string()
    .optional()
    .transform((text) => (text === undefined ? null : cleanText(text) || null))
    .refine((text) => text === null || Array.from(text).length <= 100, '单位名称最多 100 个字'),
  consent: z.literal('yes', { errorMap: () => ({ message: '请阅读并同意个人信息处理说明' }) }),
  idempotencyKey: z.string({ required_error: '表单已失效，请刷新页面后重新提交' }).regex(/^[A-Za-z0-9_-]{16,64}$/, '表单已失效，请刷新页面后重新提交'),
  /** The honeypot: hidden from people, so only a robot fills it. */
  website: z.string().max(0, '表单异常，请刷新页面后重新提交').optional(),
});

export type CommentForm = z.infer<typeof commentForm>;
