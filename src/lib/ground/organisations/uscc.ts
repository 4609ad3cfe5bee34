/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
 * a 31-character alphabet without I, O, S, V and Z; the 18th is a check character.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights 3^i mod 31 for positions 0..16. */
const WEIGHTS = Array.from({ length: 17 }, (_, i) => Number(3n ** BigInt(i) % 31n));

/** The check character for the first 17 characters, or null if one is outside the alphabet. */
export function usccCheckCharacter(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) return null;
    sum += value * WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export type UsccProblem =
  | { problem: 'length'; length: number }
  | { problem: 'alphabet'; foreign: string[] }
  | { problem: 'check'; expected: string; found: string };

/** Checks an upper-case code: null when valid, otherwise exactly what is wrong. */
export function findUsccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return { problem: 'length', length: code.length };
  const foreign = [...new Set([...code].filter((character) => !USCC_ALPHABET.includes(character)))];
  if (foreign.length > 0) return { problem: 'alphabet', foreign };
  const expected = usccCheckCharacter(code.slice(0, 17))!;
  return code[17] === expected ? null : { problem: 'check', expected, found: code[17]! };
}

/**
 * Whether an input is meant as a USCC: 18 letters and digits whose 3rd to 8th characters
 * (the administrative division code) are digits. Such input is judged as a USCC, so a typo
 * is reported as one instead of "not found".
 */
export function looksLikeUscc(code: string): boolean {
  return /^[0-9A-Z]{2}\d{6}[0-9A-Z]{10}$/.test(code);
}

/**
 * The code someone meant when only its check character is wrong (the commonest slip, and
 * the one that can be put right): the same 17 characters with the right 18th, or null.
 */
export function correctedUscc(code: string): string | null {
  const problem = looksLikeUscc(code) ? findUsccProblem(code) : null;
  return problem?.problem === 'check' ? `${code.slice(0, 17)}${problem.expected}` : null;
}
