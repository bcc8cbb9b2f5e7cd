import { writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

/**
 * Draws the app icon (a white cross on a teal rounded square, the same shapes as
 * public/icon.svg) into the PNG and ICO files browsers and phones ask for. Drawn here rather
 * than downloaded or converted, so `npx tsx scripts/make-icons.ts` remakes them anywhere.
 */
const publicDir = path.resolve(import.meta.dirname, "../public");
const TEAL = [17, 94, 89] as const; // Tailwind teal-800, the header's colour.
const WHITE = [255, 255, 255] as const;

/** Inside the shape at (x, y) in a 0..1 square? `inset` leaves a margin (maskable icons). */
function colourAt(x: number, y: number, inset: number): readonly number[] | null {
  const scale = 1 - 2 * inset;
  const u = (x - inset) / scale;
  const v = (y - inset) / scale;
  if (u < 0 || u > 1 || v < 0 || v > 1) return inset > 0 ? TEAL : null;
  const radius = inset > 0 ? 0 : 0.2;
  const cornerX = Math.min(Math.max(u, radius), 1 - radius);
  const cornerY = Math.min(Math.max(v, radius), 1 - radius);
  if (Math.hypot(u - cornerX, v - cornerY) > radius) return null;
  const isArm = (a: number, b: number) => a >= 0.4 && a <= 0.6 && b >= 0.2 && b <= 0.8;
  return isArm(u, v) || isArm(v, u) ? WHITE : TEAL;
}

/** RGBA pixels, each the average of 4×4 samples so the edges are smooth. */
function drawIcon(size: number, inset: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let y = 0; y < size; y += 1)
    for (let x = 0; x < size; x += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1)
        for (let sx = 0; sx < samples; sx += 1) {
          const colour = colourAt(
            (x + (sx + 0.5) / samples) / size,
            (y + (sy + 0.5) / samples) / size,
            inset,
          );
          if (!colour) continue;
          for (let channel = 0; channel < 3; channel += 1) sum[channel]! += colour[channel]!;
          sum[3]! += 255;
        }
      const covered = sum[3]! / 255;
      const offset = (y * size + x) * 4;
      for (let channel = 0; channel < 3; channel += 1)
        pixels[offset + channel] = covered ? Math.round(sum[channel]! / covered) : 0;
      pixels[offset + 3] = Math.round(sum[3]! / samples ** 2);
    }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size: number, pixels: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1)
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** An ICO file holding PNG images (every browser since 2010 reads them). */
function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size % 256, 0);
    entry.writeUInt8(size % 256, 1);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

const png = (size: number, inset = 0) => encodePng(size, drawIcon(size, inset));
writeFileSync(path.join(publicDir, "icon-192.png"), png(192));
writeFileSync(path.join(publicDir, "icon-512.png"), png(512));
// Android crops maskable icons to a circle: the cross stays inside the safe 80 % zone.
writeFileSync(path.join(publicDir, "icon-maskable-512.png"), png(512, 0.1));
writeFileSync(path.join(publicDir, "apple-touch-icon.png"), png(180, 0.1));
writeFileSync(
  path.join(publicDir, "favicon.ico"),
  encodeIco([16, 32, 48].map((size) => ({ size, png: png(size) }))),
);
