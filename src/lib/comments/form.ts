import { DomainError } from '../errors.ts';
import { DEFAULT_LOCALE, type Locale } from '../language/locales.ts';
import { COMMENT_FORM_PROBLEMS, commentForm, type CommentForm, type CommentFormProblem } from './inputs.ts';

export type CommentFormField = 'kind' | 'text' | 'name' | 'contact' | 'organisation' | 'consent' | 'idempotencyKey';

export type ParsedCommentForm =
  | { ok: true; comment: Omit<CommentForm, 'website'> }
  | { ok: false; fieldErrors: Partial<Record<CommentFormField, string>> };

/**
 * Reads a posted comment form: every field's problem at once, so one round trip mends them
 * all, each said in the submitter's language.
 */
export function parseCommentForm(form: FormData, locale: Locale = DEFAULT_LOCALE): ParsedCommentForm {
  const fields = Object.fromEntries([...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const parsed = commentForm.safeParse(fields);
  if (parsed.success) {
    const { website: _honeypot, ...comment } = parsed.data;
    return { ok: true, comment };
  }
  if (parsed.error.issues.some((issue) => issue.path[0] === 'website')) {
    // Only software fills the hidden field; a person who somehow did is told to reload.
    const { en, 'zh-CN': zh } = COMMENT_FORM_PROBLEMS.form_tampered;
    throw new DomainError('invalid_input', 'form_rejected', `${en}.`, `${zh}。`);
  }
  const fieldErrors: Partial<Record<CommentFormField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CommentFormField;
    fieldErrors[field] ??= COMMENT_FORM_PROBLEMS[issue.message as CommentFormProblem][locale];
  }
  return { ok: false, fieldErrors };
}
