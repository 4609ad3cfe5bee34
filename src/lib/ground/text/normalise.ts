/**
 * What people type is normalised before it is compared: NFKC folds full-width letters,
 * digits and punctuation to their ordinary forms, then case, spaces and the many dash
 * characters are made uniform.
 */
const DASHES = /[\u002D\u2010-\u2015\u2212\u30FC\uFE58\uFE63\uFF0D\u2E3A\u2E3B]/g;
/** Control characters (NUL included) and invisible ones count as spaces: no one types them, and no query syntax may see them. */
const SPACES = /[\s\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]+/g;

/** Trimmed, NFKC, single spaces, one kind of dash: the form a query is shown back in. */
export function normaliseInput(text: string): string {
  return text.normalize('NFKC').replace(DASHES, '-').replace(SPACES, ' ').trim();
}

/** The form names are indexed and searched in: normalised, lower-case, without spaces. */
export function toSearchForm(text: string): string {
  return normaliseInput(text).toLowerCase().replace(/ /g, '');
}

/** A certificate number as written on certificates: upper-case, one kind of dash, no spaces. */
export function normaliseCertificateNumber(text: string): string {
  return normaliseInput(text).toUpperCase().replace(/ /g, '');
}

/**
 * A certificate number's key: only its letters and digits, upper-case. Two numbers that
 * differ only in dashes, spaces or case share a key, which is unique in the registry.
 */
export function certificateNumberKey(text: string): string {
  return normaliseInput(text)
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
}

/** How much of what someone typed a page or feed repeats back (a title, a heading): enough to recognise it, never a wall of text. */
export const SHOWN_BACK_LENGTH = 60;

/** What someone typed, as a page repeats it back: at most SHOWN_BACK_LENGTH characters, an ellipsis marking the cut. */
export function shownBack(text: string): string {
  const characters = Array.from(text);
  return characters.length <= SHOWN_BACK_LENGTH ? text : `${characters.slice(0, SHOWN_BACK_LENGTH - 1).join('')}…`;
}
