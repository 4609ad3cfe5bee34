import { describe, expect, it } from 'vitest';
import { usccProblemEn, usccProblemZh } from '../../src/lib/i18n/errors.ts';
import { findUsccProblem, looksLikeUscc, usccCheckCharacter } from '../../src/lib/ground/organisations/uscc.ts';

describe('USCC check character', () => {
  it.each(['91330100799655058B', '91440300708461136T'])('accepts the real code %s', (code) => {
    expect(findUsccProblem(code)).toBeNull();
    expect(usccCheckCharacter(code.slice(0, 17))).toBe(code[17]);
  });

  it('names the check character a mistyped code should have', () => {
    const problem = findUsccProblem('91330100799655058C');
    expect(problem).toEqual({ problem: 'check', expected: 'B', found: 'C' });
    expect(usccProblemEn(problem!)).toBe('not a valid USCC: the check character should be B, not C');
  });

  it('catches a changed digit in the body of the code through the check character', () => {
    expect(findUsccProblem('91330100799655059B')?.problem).toBe('check');
  });

  it('refuses the letters I, O, S, V and Z, which the alphabet leaves out', () => {
    const problem = findUsccProblem('91330100799655O58B');
    expect(problem).toEqual({ problem: 'alphabet', foreign: ['O'] });
    expect(usccProblemZh(problem!)).toContain('不使用 I、O、S、V、Z');
  });

  it('reports a wrong length', () => {
    expect(findUsccProblem('9133010079965505')).toEqual({ problem: 'length', length: 16 });
  });

  it('treats 18 characters with a six-digit division code as meant to be a USCC', () => {
    expect(looksLikeUscc('91330100799655058C')).toBe(true);
    expect(looksLikeUscc('TCBSH2400123456789')).toBe(false);
    expect(looksLikeUscc('9133010079965505')).toBe(false);
  });
});
