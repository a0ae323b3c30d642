import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
let ready: Promise<unknown> | undefined;

/**
 * Loads the ZXing reader from the wasm file inside the npm package (the library would otherwise
 * fetch it from a CDN, and there is no network at run time).
 */
function ensureReader(): Promise<unknown> {
  ready ??= readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).then((wasmBinary) =>
    prepareZXingModule({ overrides: { wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer }, fireImmediately: true }),
  );
  return ready;
}

export interface Pixels {
  /** RGBA. */
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * Finds QR codes in an image (encoded PNG/JPEG/WebP bytes or RGBA pixels) and returns their
 * texts. ZXing copes with the rotation, blur and uneven light of phone photos that simpler
 * decoders miss.
 */
export async function readQrCodes(image: Uint8Array | Pixels): Promise<string[]> {
  await ensureReader();
  // The library types raw pixels as the DOM's ImageData; a plain object with the same fields is what it reads.
  const input = image instanceof Uint8Array ? image : ({ data: image.data, width: image.width, height: image.height, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0]);
  const results = await readBarcodes(input, { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryInvert: false, tryDownscale: true, maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid && r.text).map((r) => r.text);
}

export interface LocatedQr {
  text: string;
  /** Bounding box in the image's pixels. */
  box: { x: number; y: number; w: number; h: number };
}

/** Like `readQrCodes`, with where each code is on the image. */
export async function locateQrCodes(image: Pixels): Promise<LocatedQr[]> {
  await ensureReader();
  const input = { data: image.data, width: image.width, height: image.height, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0];
  const results = await readBarcodes(input, { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryInvert: false, tryDownscale: true, maxNumberOfSymbols: 4 });
  return results
    .filter((r) => r.isValid && r.text)
    .map((r) => {
      const p = r.position;
      const xs = [p.topLeft.x, p.topRight.x, p.bottomLeft.x, p.bottomRight.x];
      const ys = [p.topLeft.y, p.topRight.y, p.bottomLeft.y, p.bottomRight.y];
      const x = Math.min(...xs);
      const y = Math.min(...ys);
      return { text: r.text, box: { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y } };
    });
}
