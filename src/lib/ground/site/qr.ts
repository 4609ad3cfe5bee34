import QRCode from 'qrcode';

/** Addresses whose drawing is kept: a certificate's page address never changes, and a burst of scans asks the same few. */
const KEPT_DRAWINGS = 2000;
const drawings = new Map<string, Promise<string>>();
const utf8 = new TextEncoder();

/**
 * An SVG QR code of an address; medium error correction survives a worn print. The address is
 * encoded as bytes: the encoder's search for a shorter mix of segments costs a fifth of the
 * drawing and saves a few modules at most.
 */
export function qrCodeSvg(address: string): Promise<string> {
  const kept = drawings.get(address);
  if (kept) return kept;
  const drawing = QRCode.toString([{ data: utf8.encode(address), mode: 'byte' }], { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  // The oldest drawing goes first (a Map keeps the order things were put in).
  if (drawings.size >= KEPT_DRAWINGS) drawings.delete(drawings.keys().next().value!);
  drawings.set(address, drawing);
  drawing.catch(() => drawings.delete(address));
  return drawing;
}
