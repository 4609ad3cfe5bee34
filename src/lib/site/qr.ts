import QRCode from 'qrcode';

/** An SVG QR code of an address; medium error correction survives a worn print. */
export function qrCodeSvg(address: string): Promise<string> {
  return QRCode.toString(address, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
