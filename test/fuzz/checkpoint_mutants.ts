// Seeded mutants of real checkpoints for the fuzz suite: byte flips, truncations, zip header
// edits, pickle edits (opcodes, integers, lengths, spans, deep nesting, memo sharing) and
// safetensors header edits. A mutant is a pure function of (base bytes, mutator, seed).
import { unzipSync } from 'fflate';
import { bytes, op, craftZip, torchZip, tensorOps, checkpointPickle, deflateBomb, type CraftEntry } from './checkpoint_craft.js';

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): { int: (n: number) => number; pick: <T>(xs: readonly T[]) => T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}
type Rng = ReturnType<typeof rng>;

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
/** Values that break size and offset fields. */
const nasty = (r: Rng, near: number) => r.pick([0, 1, near - 1, near + 1, near * 2, 0x7fffffff, 0xffffffff, 0xfffffff0, r.int(2 ** 32)]) >>> 0;

export function flip(b: Uint8Array, r: Rng): Uint8Array {
  const out = b.slice();
  for (let i = 1 + r.int(4); i > 0; i--) out[r.int(out.length)] ^= 1 + r.int(255);
  return out;
}

export function truncate(b: Uint8Array, r: Rng): Uint8Array {
  return b.slice(0, r.pick([0, 1, 8, 30, r.int(b.length), b.length - 1 - r.int(64)]));
}

/** Central-directory entries of a valid zip (the zip64 end record when torch wrote one). */
function central(b: Uint8Array): { end: number; end64: number; entries: { at: number; local: number; nameLen: number }[] } {
  const d = dv(b);
  let end = b.length - 22;
  while (end > 0 && d.getUint32(end, true) !== 0x06054b50) end--;
  let count = d.getUint16(end + 10, true), off = d.getUint32(end + 16, true), end64 = -1;
  if (end >= 20 && d.getUint32(end - 20, true) === 0x07064b50) {
    end64 = Number(d.getBigUint64(end - 12, true));
    count = Number(d.getBigUint64(end64 + 32, true));
    off = Number(d.getBigUint64(end64 + 48, true));
  }
  const entries = [];
  for (let i = 0, p = off; i < count; i++) {
    const nameLen = d.getUint16(p + 28, true);
    entries.push({ at: p, local: d.getUint32(p + 42, true), nameLen });
    p += 46 + nameLen + d.getUint16(p + 30, true) + d.getUint16(p + 32, true);
  }
  return { end, end64, entries };
}

/** One lie in the zip's headers: a size, count, offset, name, method or flag. */
export function zipEdit(b: Uint8Array, r: Rng): Uint8Array {
  const out = b.slice(), d = dv(out), z = central(b);
  const e = r.pick(z.entries);
  const u32 = (at: number, near: number) => d.setUint32(at, nasty(r, near), true);
  const edits = [
    () => u32(e.local + 18, d.getUint32(e.at + 20, true)), // local compressed size
    () => u32(e.local + 22, d.getUint32(e.at + 24, true)), // local size
    () => { const s = nasty(r, d.getUint32(e.at + 24, true)); d.setUint32(e.at + 20, s, true); d.setUint32(e.at + 24, s, true); }, // central sizes
    () => u32(e.at + 24, d.getUint32(e.at + 24, true)), // central size only
    () => u32(e.at + 42, e.local), // local header offset
    () => d.setUint32(e.at + 42, r.pick(z.entries).local, true), // two entries, one header
    () => { out[e.at + 46 + r.int(e.nameLen)] ^= 1 + r.int(127); }, // central name
    () => { out[e.local + 30 + r.int(e.nameLen)] = 0x2f; }, // local name
    () => d.setUint16(e.at + 10, r.pick([1, 8, 12, 99]), true), // method
    () => d.setUint16(e.at + 8, d.getUint16(e.at + 8, true) | 1, true), // encrypted flag
    () => d.setUint16(e.local + 28, r.pick([0, 1, 0xffff]), true), // local extra length
    () => d.setUint16(e.at + 30, r.pick([1, 0xffff]), true), // central extra length
    () => d.setUint16(z.end + 10, r.pick([0, 1, 0xffff]), true), // entry count
    () => u32(z.end + 16, d.getUint32(z.end + 16, true)), // directory offset
    () => { if (z.end64 >= 0) d.setBigUint64(z.end64 + 32, BigInt(r.pick([0, 1, 2 ** 32, 2 ** 53])), true); }, // zip64 count
    () => { if (z.end64 >= 0) d.setBigUint64(z.end64 + 48, BigInt(nasty(r, 0)), true); }, // zip64 directory offset
  ];
  r.pick(edits)();
  return out;
}

/** Offsets of the opcodes of a pickle (stops at the first it does not know). */
export function opcodes(p: Uint8Array, from = 0): number[] {
  const d = dv(p), at: number[] = [];
  const fixed: Record<number, number> = { 0x80: 1, 0x4b: 1, 0x71: 1, 0x68: 1, 0x4d: 2, 0x4a: 4, 0x72: 4, 0x6a: 4, 0x47: 8, 0x95: 8 };
  const none = new Set([0x28, 0x29, 0x2e, 0x30, 0x32, 0x4e, 0x51, 0x52, 0x5d, 0x61, 0x62, 0x65, 0x6c, 0x73, 0x74, 0x75, 0x7d, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x94]);
  for (let i = from; i < p.length;) {
    const o = p[i];
    at.push(i);
    if (o === 0x2e) break;
    if (none.has(o)) i += 1;
    else if (fixed[o]) i += 1 + fixed[o];
    else if (o === 0x58 && i + 5 <= p.length) i += 5 + d.getUint32(i + 1, true);
    else if ((o === 0x8c || o === 0x8a || o === 0x43) && i + 2 <= p.length) i += 2 + p[i + 1];
    else if (o === 0x63) { const a = p.indexOf(10, i + 1); const c = p.indexOf(10, a + 1); if (a < 0 || c < 0) break; i = c + 1; } else break;
  }
  return at;
}

/** Pickle edits that keep the bytes parseable enough to reach deep code paths. */
export function pickleEdit(p: Uint8Array, r: Rng): Uint8Array {
  const ops = opcodes(p);
  const ints = ops.filter((i) => p[i] === 0x4b || p[i] === 0x4a || p[i] === 0x4d);
  const strs = ops.filter((i) => p[i] === 0x58);
  const memo = ops.filter((i) => p[i] === 0x71 || p[i] === 0x68);
  const at = r.pick(ops);
  const splice = (i: number, del: number, ins: ArrayLike<number>) => bytes(p.subarray(0, i), Uint8Array.from(ins), p.subarray(i + del));
  const edits: (() => Uint8Array)[] = [
    () => { const o = p.slice(); o[at] = r.pick([0x29, 0x2e, 0x30, 0x32, 0x4e, 0x51, 0x52, 0x5d, 0x61, 0x62, 0x65, 0x68, 0x6c, 0x73, 0x74, 0x75, 0x7d, 0x81, 0x85, 0x86, 0x87, 0x93, 0x94, 0x8b, 0x97, 0x69, 0x6f, 0x82]); return o; }, // opcode swap
    () => { // an integer (shape, stride, offset, numel, memo key) set to a nasty value
      if (!ints.length) return p;
      const i = r.pick(ints);
      return splice(i, p[i] === 0x4b ? 2 : p[i] === 0x4d ? 3 : 5, op.int(r.pick([0, 1, 2, 3, -1, 255, 65536, 2 ** 28, 2 ** 31 - 1, -(2 ** 31)])));
    },
    () => { // a string length that lies
      if (!strs.length) return p;
      const o = p.slice(), i = r.pick(strs);
      dv(o).setUint32(i + 1, nasty(r, dv(p).getUint32(i + 1, true)), true);
      return o;
    },
    () => { if (!memo.length) return p; const o = p.slice(); o[r.pick(memo) + 1] = r.int(256); return o; }, // memo key
    () => { const j = r.pick(ops); return splice(Math.min(at, j), Math.abs(j - at), []); }, // delete a span
    () => { const j = r.pick(ops), a = Math.min(at, j); return splice(a, 0, p.subarray(a, Math.max(at, j))); }, // repeat a span
    // Inserted values come in twos (DUP), so that in a dict's SETITEMS they make a key and a value.
    () => splice(at, 0, [...new Array(5000).fill(op.emptyList), ...new Array(4999).fill(op.append), op.dup]), // deep nesting
    () => splice(at, 0, [op.emptyList, ...op.binput(9999), op.pop, // a memo-sharing bomb: 2^40 paths
      ...Array.from({ length: 40 }, (_, k) => [op.mark, ...op.binget(9999 + k), ...op.binget(9999 + k), op.list, ...op.binput(10000 + k), op.pop]).flat(),
      ...op.binget(10039), op.dup]),
  ];
  return r.pick(edits)();
}

/** A pickle edit inside a torch zip: data.pkl is edited and the archive rebuilt with true CRCs. */
export function zipPickleEdit(b: Uint8Array, r: Rng): Uint8Array {
  const files = unzipSync(b);
  const entries: CraftEntry[] = Object.entries(files).map(([name, data]) => ({ name, data: name.endsWith('data.pkl') ? pickleEdit(data, r) : data }));
  return craftZip(entries);
}

/** A pickle edit in a legacy file (its pickles lead the file; no CRC protects them). */
export function legacyPickleEdit(b: Uint8Array, r: Rng): Uint8Array {
  const ends = opcodes(b).filter((i) => b[i] === 0x2e);
  if (ends.length === 0) return flip(b, r);
  const start = r.pick([0, ...ends.map((e) => e + 1)].filter((s) => s < b.length && b[s] === 0x80));
  const next = opcodes(b, start).pop()! + 1;
  return bytes(b.subarray(0, start), pickleEdit(b.subarray(start, next), r), b.subarray(next));
}

/** A safetensors header edit: offsets, shapes, dtypes, metadata, header length. */
export function safetensorsEdit(b: Uint8Array, r: Rng): Uint8Array {
  const n = Number(dv(b).getBigUint64(0, true));
  const h = JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n)));
  const names = Object.keys(h).filter((k) => k !== '__metadata__');
  const t = h[r.pick(names)];
  const edits = [
    () => { t.data_offsets[r.int(2)] += r.pick([-4, -1, 1, 4, 1e9]); },
    () => { t.data_offsets = r.pick([[0, 0], [-1, 4], 'x', [0], null]); },
    () => { t.shape = r.pick([[], [0], [-1], [2 ** 31, 2 ** 31], [1.5], 'x', null]); },
    () => { t.dtype = r.pick(['F64', 'I64', 'BF16', 'U8', 'F8_E4M3', 'Q4', 7]); },
    () => { h.__metadata__ = r.pick([[], 'x', 3, { a: 1 }, { a: { b: 'c' } }, null]); },
    () => { const other = h[r.pick(names)]; t.data_offsets = [...other.data_offsets]; }, // two tensors, one range
  ];
  r.pick(edits)();
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = bytes(new Uint8Array(8), json, b.subarray(8 + n));
  dv(out).setBigUint64(0, BigInt(r.int(8) === 0 ? nasty(r, json.length) : json.length), true);
  return out;
}

const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const pkl1 = (numel: number, shape = [numel], stride = [1]) => checkpointPickle([['w', tensorOps('0', { numel, shape, stride })]]);
const deep = (depth: number) => [...new Array(depth + 1).fill(op.emptyList), ...new Array(depth).fill(op.append)];

/** The bomb and recursion shapes of issue 15, built from scratch: each runs in its own process. */
export const SHAPES: Record<string, () => Uint8Array> = {
  // an unused entry inflating to 3.5 GiB (23 MB of file)
  'unused 3.5 GiB entry': () => torchZip(pkl1(4), { 0: f32([1, 2, 3, 4]) }, [{ name: 'archive/extra/bomb', data: deflateBomb(3.5 * 2 ** 30), deflated: true, size: 0xe0000000, crc: 0 }]),
  // a used storage declaring 16 bytes that inflates to 1 GiB
  'lying 1 GiB entry': () => craftZip([{ name: 'archive/data.pkl', data: pkl1(4) }, { name: 'archive/data/0', data: deflateBomb(2 ** 30), deflated: true, size: 16 }]),
  // ten used entries of 1 GiB each, honestly declared
  'ten 1 GiB entries': () => {
    const bomb = deflateBomb(2 ** 30);
    const pkl = checkpointPickle(Array.from({ length: 10 }, (_, i) => [`w${i}`, tensorOps(String(i), { numel: 2 ** 28, shape: [2 ** 28], stride: [1] })]));
    return craftZip([{ name: 'archive/data.pkl', data: pkl }, ...Array.from({ length: 10 }, (_, i) => ({ name: `archive/data/${i}`, data: bomb, deflated: true, size: 2 ** 30 }))]);
  },
  // 1000 central entries sharing one compressed kernel (the overlapping-entries bomb)
  '1000 overlapping entries': () => {
    const z = torchZip(pkl1(4), { 0: f32([1, 2, 3, 4]) }, [{ name: 'archive/k', data: deflateBomb(2 ** 26), deflated: true, size: 2 ** 26 }]);
    const d = new DataView(z.buffer), end = z.length - 22, cd = d.getUint32(end + 16, true);
    let p = cd;
    for (let i = 0; i < 2; i++) p += 46 + d.getUint16(p + 28, true);
    const kernel = z.subarray(p, end); // the bomb entry's central record
    const copies = Array.from({ length: 1000 }, () => kernel);
    const out = bytes(z.subarray(0, end), ...copies, z.subarray(end));
    const o = new DataView(out.buffer), oend = out.length - 22;
    o.setUint16(oend + 8, 1003, true); o.setUint16(oend + 10, 1003, true);
    o.setUint32(oend + 12, oend - cd, true);
    return out;
  },
  'lists nested 10^6 deep': () => torchZip(checkpointPickle([], [['deep', deep(1e6)]])),
  'stride-0 view of 2^30 elements': () => torchZip(pkl1(1, [2 ** 30], [0]), { 0: f32([1]) }),
  'storage numel 2^40': () => torchZip(pkl1(2 ** 40), { 0: f32([1]) }),
  'memo sharing, 2^60 paths': () => torchZip(checkpointPickle([], [['x', [op.emptyList, ...op.binput(0), op.pop,
    ...Array.from({ length: 60 }, (_, i) => [op.mark, ...op.binget(i), ...op.binget(i), op.list, ...op.binput(i + 1), op.pop]).flat(), ...op.binget(60)]]])),
};
