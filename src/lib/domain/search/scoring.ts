/**
 * lunr's scores, computed from statistics shared by every part: the number of live notices,
 * each term's document frequency over all parts and the average field lengths. So a notice
 * scores the same in the live part as in the oldest one, and as it would in one lunr.Index
 * built over all notices (tests/unit/search-index.test.ts compares with such an index).
 *
 * lunr.Builder weighs a term in a field with BM25 (k1 = 1.2, b = 0.75), multiplies by the
 * field's boost and keeps three decimals; lunr.Index.query scores a notice as the sum over
 * its fields of the query vector's similarity with the field's vector. The index here keeps
 * no vectors: each weight is computed when a query needs it, and the similarity is lunr's own.
 */
import lunr from 'lunr';

/** lunr.Builder's defaults. */
const K1 = 1.2;
const B = 0.75;

/** lunr.idf: `documentsWithTerm` counts (notice, field) pairs, as lunr's postings do. */
export function inverseDocumentFrequency(documentsWithTerm: number, documentCount: number): number {
  return Math.log(1 + Math.abs((documentCount - documentsWithTerm + 0.5) / (documentsWithTerm + 0.5)));
}

/** lunr.Builder#createFieldVectors for one term, one field, one notice (every token counts once). */
export function fieldWeight(idf: number, fieldLength: number, averageFieldLength: number, boost: number): number {
  const termFrequency = 1;
  const score = (idf * ((K1 + 1) * termFrequency)) / (K1 * (1 - B + B * (fieldLength / averageFieldLength)) + termFrequency);
  return Math.round(score * boost * 1000) / 1000;
}

/** A query's terms and their boosts, as lunr.Index.query builds the vector of each field. */
export function queryVector(boosts: readonly number[]): lunr.Vector {
  const vector = new lunr.Vector([]);
  for (const [index, boost] of boosts.entries()) vector.upsert(index, boost, (a, b) => a + b);
  return vector;
}

/**
 * A notice's score: per field, its weights of the query's terms as [term index, weight]
 * pairs in ascending term order (the field's vector restricted to the query's terms, which
 * is all a dot product with the query reads).
 */
export function noticeScore(query: lunr.Vector, fields: readonly number[][]): number {
  let score = 0;
  for (const elements of fields) if (elements.length > 0) score += query.similarity(new lunr.Vector(elements));
  return score;
}
