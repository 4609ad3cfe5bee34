import { commentForm, type CommentForm, type CommentFormProblem } from './inputs.ts';

export type CommentFormField = 'kind' | 'text' | 'name' | 'contact' | 'organisation' | 'consent' | 'idempotencyKey';

/** The fields as the person typed them: shown again in the form whenever the comment was not stored. */
export type TypedCommentForm = Partial<Record<CommentFormField, string>>;

export type ParsedCommentForm =
  | { outcome: 'valid'; comment: CommentForm; typed: TypedCommentForm }
  | { outcome: 'invalid'; fieldProblems: Partial<Record<CommentFormField, CommentFormProblem>>; typed: TypedCommentForm }
  /** The hidden field was filled in: only software does that. */
  | { outcome: 'robot' };

const FIELDS: readonly CommentFormField[] = ['kind', 'text', 'name', 'contact', 'organisation', 'consent', 'idempotencyKey'];

/**
 * Reads a posted comment form: every field's problem at once, so one round trip mends them
 * all, each a code the page says in the submitter's language.
 */
export function parseCommentForm(form: FormData): ParsedCommentForm {
  const website = form.get('website');
  if (typeof website === 'string' && website !== '') return { outcome: 'robot' };
  const typed: TypedCommentForm = {};
  for (const field of FIELDS) {
    const value = form.get(field);
    if (typeof value === 'string') typed[field] = value;
  }
  const parsed = commentForm.safeParse(typed);
  if (parsed.success) return { outcome: 'valid', comment: parsed.data, typed };
  const fieldProblems: Partial<Record<CommentFormField, CommentFormProblem>> = {};
  for (const issue of parsed.error.issues) fieldProblems[issue.path[0] as CommentFormField] ??= issue.message as CommentFormProblem;
  return { outcome: 'invalid', fieldProblems, typed };
}
