import { describe, expect, it } from 'vitest';
import { certificateNumberKey, normaliseCertificateNumber, normaliseInput, toSearchForm } from '../../src/lib/ground/text/normalise.ts';

describe('input normalisation', () => {
  it('folds full-width letters, digits and dashes to half-width (NFKC)', () => {
    expect(normaliseCertificateNumber('ＣＱＣ－ＳＨ－２４－００１２３４')).toBe('CQC-SH-24-001234');
  });

  it.each(['CQC—SH—24', 'CQC–SH–24', 'CQC‐SH‐24', 'CQC－SH－24', 'CQC−SH−24', 'CQCーSHー24'])('reads the dash variant in %s as a hyphen', (typed) =>
    expect(normaliseCertificateNumber(typed)).toBe('CQC-SH-24'),
  );

  it('ignores case, spaces and dashes in a certificate number key', () => {
    expect(certificateNumberKey(' cqc sh 24 001234 ')).toBe('CQCSH24001234');
    expect(certificateNumberKey('CQC-SH-24-001234')).toBe('CQCSH24001234');
  });

  it('removes spaces (including the ideographic space) and lower-cases names for search', () => {
    expect(toSearchForm('杭州　西子 ABC 有限公司')).toBe('杭州西子abc有限公司');
    expect(toSearchForm('某某（分公司）')).toBe('某某(分公司)');
  });

  it('trims and collapses runs of white space in what is shown back', () => {
    expect(normaliseInput('  杭州   西子\t')).toBe('杭州 西子');
  });
});
