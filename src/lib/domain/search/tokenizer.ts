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
/** A text cut where Han and other script meet: word boundaries always fall there. */
const SCRIPT_PIECE = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const LETTERS_AND_DIGITS = /[\p{L}\p{N}]+/gu;
/** What may join the parts of a code: 'TCB-PF-24', 'GB/T', 'v1.2'. */
const CODE_SEPARATORS = new Set(['-', '‐', '‑', '–', '—', '_', '.', '/']);

export interface SearchTokens {
  /** Every one must occur for a notice to match: the pieces that guarantee the substring. */
  required: string[];
  /** Whole words: they only raise the score. */
  optional: string[];
}

/** Lower-case ASCII letters and digits between spaces: each run is one word (UAX #29), no segmenter needed. */
const PLAIN_WORDS = /^[ \t\na-z0-9]*$/;
const PLAIN_WORD = /[a-z0-9]+/g;

/**
 * Segmenting costs about 50 µs a call whatever the length, and notices repeat their phrases
 * (scheme names, scope wordings, summary sentences), so each piece's words are remembered:
 * in two generations, so that a full cache forgets only what was not asked for a while.
 */
const WORD_CACHE_GENERATION = 100_000;
let recentWords = new Map<string, string[]>();
let olderWords = new Map<string, string[]>();

function wordsOf(piece: string): string[] {
  let words = recentWords.get(piece);
  if (words !== undefined) return words;
  words = olderWords.get(piece);
  if (words === undefined) {
    if (PLAIN_WORDS.test(piece)) words = piece.match(PLAIN_WORD) ?? [];
    else {
      words = [];
      for (const { segment, isWordLike } of segmenter.segment(piece)) if (isWordLike) words.push(segment);
    }
  }
  if (recentWords.size >= WORD_CACHE_GENERATION) {
    olderWords = recentWords;
    recentWords = new Map();
  }
  recentWords.set(piece, words);
  return words;
}

/**
 * Runs of letters and digits joined by single separators, concatenated: what
 * /[\p{L}\p{N}]+(?:[-‐‑–—_./][\p{L}\p{N}]+)+/ matches with its separators removed, found in
 * one pass (that pattern backtracks over every long run of Han characters).
 */
function codesOf(text: string): string[] {
  const codes: string[] = [];
  let code = '';
  let parts = 0;
  let end = -2;
  for (const match of text.matchAll(LETTERS_AND_DIGITS)) {
    if (parts > 0 && match.index === end + 1 && CODE_SEPARATORS.has(text[end]!)) {
      code += match[0];
      parts++;
    } else {
      if (parts >= 2) codes.push(code);
      code = match[0];
      parts = 1;
    }
    end = match.index + match[0].length;
  }
  if (parts >= 2) codes.push(code);
  return codes;
}

export function tokenizeForSearch(text: string): SearchTokens {
  const normalised = text.normalize('NFKC').toLowerCase();
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const run of normalised.match(HAN_RUN) ?? []) {
    const characters = Array.from(run);
    for (let i = 0; i + 1 < characters.length; i++) required.add(characters[i]! + characters[i + 1]!);
  }
  // Pieces of one script segment as the whole text would; pieces that cannot give a kept word are skipped.
  for (const piece of normalised.match(SCRIPT_PIECE) ?? []) {
    const isHan = HAN.test(piece);
    if (isHan ? piece.length < 3 : !WORD_CHARACTER.test(piece)) continue;
    for (const word of wordsOf(piece)) {
      if (!HAN.test(word)) required.add(word);
      else if (Array.from(word).length >= 3) optional.add(word);
    }
  }
  for (const code of codesOf(normalised)) required.add(code);
  for (const token of required) optional.delete(token);
  return { required: [...required], optional: [...optional] };
}

/** Every token of a text, as the index stores it. */
export function indexTokens(text: string): string[] {
  const { required, optional } = tokenizeForSearch(text);
  return [...required, ...optional];
}
