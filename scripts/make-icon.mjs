// Draws the extension's icon (media/icon.png, 128×128): a sequence diagram of the four-way
// close — two lanes and four arrows — on a dark tile. Plain PNG encoding with zlib.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const N = 128;
const px = new Uint8Array(N * N * 4);
function put(x, y, [r, g, b, a = 255]) {
  x = Math.round(x);
  y = Math.round(y);
  if (x < 0 || y < 0 || x >= N || y >= N) return;
  const i = (y * N + x) * 4;
  px.set([r, g, b, a], i);
}
function disc(cx, cy, rad, c) {
  for (let y = -rad; y <= rad; y++) for (let x = -rad; x <= rad; x++) if (x * x + y * y <= rad * rad) put(cx + x, cy + y, c);
}
function line(x0, y0, x1, y1, w, c) {
  const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2);
  for (let i = 0; i <= n; i++) disc(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n, w, c);
}
function arrow(x0, y0, x1, y1, c) {
  line(x0, y0, x1, y1, 2, c);
  const a = Math.atan2(y1 - y0, x1 - x0);
  for (const d of [2.6, -2.6]) line(x1, y1, x1 + 12 * Math.cos(a + d), y1 + 12 * Math.sin(a + d), 2, c);
}
// rounded dark tile
const bg = [30, 36, 48];
for (let y = 0; y < N; y++)
  for (let x = 0; x < N; x++) {
    const dx = Math.max(0, Math.abs(x - 63.5) - 47);
    const dy = Math.max(0, Math.abs(y - 63.5) - 47);
    if (dx * dx + dy * dy <= 16 * 16) put(x, y, bg);
  }
const lane = [150, 160, 180];
line(30, 18, 30, 110, 1, lane);
line(98, 18, 98, 110, 1, lane);
const fin = [255, 120, 90];
const ack = [110, 200, 255];
arrow(32, 26, 94, 42, fin); // FIN
arrow(96, 50, 34, 66, ack); // ACK
arrow(96, 72, 34, 88, fin); // FIN
arrow(32, 94, 94, 108, ack); // ACK

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0;
  Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
