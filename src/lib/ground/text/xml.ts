/**
 * What XML 1.0 forbids (outside its Char production): C0 controls but tab, newline and
 * carriage return; U+FFFE and U+FFFF; and surrogates that are not part of a pair. No escape
 * can carry them, so they are removed. Emoji, being paired surrogates, stay.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function withoutXmlForbidden(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}
