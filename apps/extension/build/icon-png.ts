import { deflateSync } from 'node:zlib';

/**
 * The toolbar icon, drawn at build time so that the repository holds no binary: a blue stamp with a
 * white perforated border and a white meter mark. RGBA PNG, one IDAT, no filtering.
 */
export function iconPng(size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) row.set(iconPixel(x / size, y / size, size), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BLUE = [0x1f, 0x4e, 0x9c, 0xff];
const WHITE = [0xff, 0xff, 0xff, 0xff];
const CLEAR = [0, 0, 0, 0];

function iconPixel(u: number, v: number, size: number): number[] {
  const edge = Math.min(u, v, 1 - u, 1 - v);
  const teeth = Math.max(4, Math.round(size / 8));
  // Perforations: notches along each edge, like a postage stamp.
  const along = edge === u || edge === 1 - u ? v : u;
  if (edge < 0.06 && Math.floor(along * teeth * 2) % 2 === 1) return CLEAR;
  if (edge < 0.12) return WHITE;
  // The meter mark: two horizontal bars and a circle, the shape of a meter imprint.
  const inBar = (v > 0.3 && v < 0.38) || (v > 0.62 && v < 0.7);
  const dx = u - 0.5;
  const dy = v - 0.5;
  const ring = Math.hypot(dx, dy);
  if ((inBar && u > 0.22 && u < 0.78) || (ring > 0.1 && ring < 0.16)) return WHITE;
  return BLUE;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}
