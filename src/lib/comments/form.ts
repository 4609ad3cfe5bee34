import { DomainError } from '../errors.ts';
import { commentForm, type CommentForm } from './inputs.ts';

export type CommentFormField = 'kind' | 'text' | 'name' | 'contact' | 'organisation' | 'consent' | 'idempotencyKey';

export type ParsedCommentForm =
  | { ok: true; comment: Omit<CommentForm, 'website'> }
  | { ok: false; fieldErrors: Partial<Record<CommentFormField, string>> };

/** Reads a posted comment form: every field's problem at once, so one round trip mends them all. */
export function parseCommentForm(form: FormData): ParsedCommentForm {
  const fields = Object.fromEntries([...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const parsed = commentForm.safeParse(fields);
  if (parsed.success) {
    const { website: _honeypot, ...comment } = parsed.data;
    return { ok: true, comment };
  }
  if (parsed.error.issues.some((issue) => issue.path[0] === 'website')) {
    // Only software fills the hidden field; a person who somehow did is told to reload.
    throw new DomainError('invalid_input', 'form_rejected', 'The form was not filled in as expected; reload the page and submit again.', '表单异常，请刷新页面后重新提交。');
  }
  const fieldErrors: Partial<Record<CommentFormField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CommentFormField;
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}
