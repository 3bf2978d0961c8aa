// Rebuilds a dataset tree stored in a golden JSON (test/golden/gen_datasets.py): text files
// verbatim (with ${ROOT} standing for the tree's root), frames as 2x2 RGB PNGs of one colour,
// and empty folders.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

export type TreeEntry = { text: string } | { png: number } | { dir: true };

/** A 2x2 8-bit RGB PNG filled with colour 0xRRGGBB. */
export function solidPng(colour: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8 bits, RGB
  const px = [(colour >> 16) & 255, (colour >> 8) & 255, colour & 255];
  const row = [0, ...px, ...px]; // filter byte 0, two pixels
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([...row, ...row]))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes the tree into a new temp dir; returns its root. */
export function buildTree(files: Record<string, TreeEntry>, prefix = 'vidwasm-golden-tree-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, e] of Object.entries(files)) {
    const p = join(root, rel);
    if ('dir' in e) { mkdirSync(p, { recursive: true }); continue; }
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, 'png' in e ? solidPng(e.png) : e.text.replaceAll('${ROOT}', root));
  }
  return root;
}
