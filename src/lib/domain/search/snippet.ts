/** A piece of a snippet: matched text is marked, and everything is rendered as text. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

const HAN_RUN = /\p{Script=Han}{2,}/gu;
const WORD = /[\p{L}\p{N}]{2,}/gu;

/** What to highlight of a query: its runs of Chinese characters and its words, longest first. */
export function highlightTerms(query: string): string[] {
  const normalised = query.normalize('NFKC').toLowerCase();
  const terms = new Set([...(normalised.match(HAN_RUN) ?? []), ...(normalised.match(WORD) ?? [])]);
  return [...terms].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Up to `width` characters of `text` around its first match of a term, with every match
 * marked; the start of the text when nothing matches.
 */
export function snippet(text: string, terms: readonly string[], width = 90): SnippetPart[] {
  const pattern = terms.length > 0 ? new RegExp(terms.map(escapeRegExp).join('|'), 'giu') : null;
  const first = pattern ? text.search(pattern) : -1;
  const start = first <= 20 ? 0 : first - 20;
  const end = Math.min(text.length, start + width);
  const window = text.slice(start, end);
  const parts: SnippetPart[] = [];
  let last = 0;
  for (const match of pattern ? window.matchAll(pattern) : []) {
    if (match.index! > last) parts.push({ text: window.slice(last, match.index), match: false });
    parts.push({ text: match[0], match: true });
    last = match.index! + match[0].length;
  }
  if (last < window.length) parts.push({ text: window.slice(last), match: false });
  if (start > 0) parts.unshift({ text: '…', match: false });
  if (end < text.length) parts.push({ text: '…', match: false });
  return parts;
}

/** Whether any part is marked: which of a notice's texts to show a snippet of. */
export function hasMatch(parts: readonly SnippetPart[]): boolean {
  return parts.some((part) => part.match);
}
