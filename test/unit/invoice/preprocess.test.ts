import test from 'ava';
import sharp from 'sharp';
import { grayToPng } from '../../../src/workers/processors/invoice-ingest/photo.js';
import { DEFAULT_PREPROCESS, estimateSkew, preparePage } from '../../../src/workers/processors/invoice-ingest/preprocess.js';

/** A white page with dark text-like rows drawn at `deg` degrees (positive: falling to the right). */
function page(deg: number, width = 800, height = 1000): Uint8Array {
  const px = new Uint8Array(width * height).fill(255);
  const t = Math.tan((deg * Math.PI) / 180);
  for (let row = 60; row < height - 60; row += 28) {
    for (let x = 40; x < width - 40; x++) {
      if ((x >> 3) % 4 === 3) continue;
      for (let k = 0; k < 6; k++) {
        const y = Math.round(row + k + x * t);
        if (y >= 0 && y < height) px[y * width + x] = 20;
      }
    }
  }
  return px;
}

for (const deg of [-2.4, -1, 0, 0.6, 1.8, 3]) {
  test(`estimateSkew finds a ${deg}° slant within 0.25°`, (t) => {
    t.true(Math.abs(estimateSkew(page(deg), 800, 1000) - deg) <= 0.25);
  });
}

test('estimateSkew says 0 for a blank page', (t) => {
  t.is(estimateSkew(new Uint8Array(800 * 1000).fill(255), 800, 1000), 0);
});

test('the page handed to OCR is one grey channel, skewed or not, from a colour photo or grey pixels', async (t) => {
  const colour = await sharp({ create: { width: 900, height: 1100, channels: 3, background: { r: 240, g: 230, b: 200 } } }).jpeg().toBuffer();
  const tilted = await sharp(Buffer.from(page(2.4, 900, 1100)), { raw: { width: 900, height: 1100, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  for (const image of [colour, tilted]) {
    const prepared = await preparePage(image, DEFAULT_PREPROCESS);
    t.is((await sharp(prepared.png).metadata()).channels, 1);
  }
  const grey = await grayToPng({ data: page(0, 300, 400), width: 300, height: 400 });
  t.is((await sharp(grey).metadata()).channels, 1);
});
