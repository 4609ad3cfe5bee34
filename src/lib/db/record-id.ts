/**
 * A record's id as an address or a cursor writes it: digits without a leading zero, at most 15
 * (always a safe integer), so "12abc", "1e3", "-1" or "007" name no record.
 */
export function recordIdFromText(text: string): number | null {
  return /^[1-9]\d{0,14}$/.test(text) ? Number(text) : null;
}
