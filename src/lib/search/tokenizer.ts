/**
 * One tokenizer for the index and the queries, so that what is typed finds what was written.
 * Chinese has no spaces: every run of Han characters gives its overlapping two-character
 * pieces (so any substring of two or more characters matches) and Intl.Segmenter's words of
 * three or more characters (which rank whole words higher). Latin letters and digits are
 * lower-cased words; codes with dashes (certificate numbers) are also kept whole, without
 * the dashes, so they are found however they are typed.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN_RUN = /\p{Script=Han}+/gu;
const HAN = /\p{Script=Han}/u;
const CODE = /[\p{L}\p{N}]+(?:[-‐‑–—_./][\p{L}\p{N}]+)+/gu;

export interface SearchTokens {
  /** Every one must occur for a notice to match: the pieces that guarantee the substring. */
  required: string[];
  /** Whole words: they only raise the score. */
  optional: string[];
}

export function tokenizeForSearch(text: string): SearchTokens {
  const normalised = text.normalize('NFKC').toLowerCase();
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const run of normalised.match(HAN_RUN) ?? []) {
    const characters = Array.from(run);
    for (let i = 0; i + 1 < characters.length; i++) required.add(characters[i]! + characters[i + 1]!);
  }
  for (const { segment, isWordLike } of segmenter.segment(normalised)) {
    if (!isWordLike) continue;
    if (!HAN.test(segment)) required.add(segment);
    else if (Array.from(segment).length >= 3) optional.add(segment);
  }
  for (const code of normalised.match(CODE) ?? []) required.add(code.replace(/[^\p{L}\p{N}]/gu, ''));
  for (const token of required) optional.delete(token);
  return { required: [...required], optional: [...optional] };
}

/** Every token of a text, as the index stores it. */
export function indexTokens(text: string): string[] {
  const { required, optional } = tokenizeForSearch(text);
  return [...required, ...optional];
}
