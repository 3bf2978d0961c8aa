// Hand-made hostile checkpoints for the reader's tests and its fuzz suite: raw pickle opcodes,
// a zip writer whose headers may lie, and a deflate stream that inflates ~1000x (a zip bomb).
import { crc32 } from '../../ts/zoo/checkpoint/crc32.js';

type Part = number | number[] | Uint8Array;

/** Concatenates opcodes and operands into bytes. */
export function bytes(...parts: Part[]): Uint8Array {
  const out = new Uint8Array(parts.reduce<number>((n, p) => n + (typeof p === 'number' ? 1 : p.length), 0));
  let at = 0;
  for (const p of parts) if (typeof p === 'number') out[at++] = p; else { out.set(p, at); at += p.length; }
  return out;
}

const le = (v: number, n: number) => Array.from({ length: n }, (_, i) => Number((BigInt(v) >> BigInt(8 * i)) & 0xffn));
const text = (s: string) => [...new TextEncoder().encode(s)];

/** Pickle opcodes (protocol 2), as torch.save writes them. */
export const op = {
  proto: [0x80, 2], stop: 0x2e, mark: 0x28, emptyList: 0x5d, emptyDict: 0x7d, emptyTuple: 0x29,
  append: 0x61, appends: 0x65, setitem: 0x73, setitems: 0x75, list: 0x6c, tuple: 0x74, tuple1: 0x85,
  newfalse: 0x89, reduce: 0x52, binpersid: 0x51, build: 0x62, pop: 0x30, dup: 0x32,
  int: (n: number) => (n >= -(2 ** 31) && n < 2 ** 31 ? [0x4a, ...le(n, 4)] : [0x8a, 8, ...le(n, 8)]), // BININT or LONG1
  str: (s: string) => { const b = text(s); return [0x58, ...le(b.length, 4), ...b]; },
  global: (mod: string, name: string) => [0x63, ...text(`${mod}\n${name}\n`)],
  binput: (k: number) => [0x72, ...le(k, 4)],
  binget: (k: number) => [0x6a, ...le(k, 4)],
};

/** Opcodes of one tensor: _rebuild_tensor_v2 over storage `key` (a view of any shape and stride). */
export function tensorOps(key: string, o: { type?: string; numel: number; shape: number[]; stride: number[]; offset?: number }): number[] {
  const t = (xs: number[]) => [op.mark, ...xs.flatMap(op.int), op.tuple];
  return [
    ...op.global('torch._utils', '_rebuild_tensor_v2'), op.mark,
    op.mark, ...op.str('storage'), ...op.global('torch', o.type ?? 'FloatStorage'), ...op.str(key), ...op.str('cpu'), ...op.int(o.numel), op.tuple, op.binpersid,
    ...op.int(o.offset ?? 0), ...t(o.shape), ...t(o.stride), op.newfalse,
    ...op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce,
    op.tuple, op.reduce,
  ];
}

/** A pickle of {'model_state': {name: value...}, ...extra}, each value given as opcodes. */
export function checkpointPickle(state: [string, number[]][], extra: [string, number[]][] = []): Uint8Array {
  const items = (kv: [string, number[]][]): Part[] => kv.flatMap(([k, v]) => [op.str(k), v]);
  const dict: Part[] = state.length ? [op.emptyDict, op.mark, ...items(state), op.setitems] : [op.emptyDict];
  return bytes(op.proto, op.emptyDict, op.mark, op.str('model_state'), ...dict, ...items(extra), op.setitems, op.stop);
}

export interface CraftEntry {
  name: string;
  /** What the entry holds: stored as is, or `deflated` (raw deflate bytes) with `size` inflated bytes. */
  data: Uint8Array;
  deflated?: boolean;
  /** Header values to lie with (default: the truth). */
  size?: number;
  compressedSize?: number;
  crc?: number;
}

/** A zip archive (no zip64, no data descriptors) whose central directory says what `entries` claim. */
export function craftZip(entries: CraftEntry[]): Uint8Array {
  const parts: Part[] = [];
  const central: number[][] = [];
  let off = 0;
  for (const e of entries) {
    const name = text(e.name);
    const size = e.size ?? e.data.length, csize = e.compressedSize ?? e.data.length, crc = e.crc ?? crc32(e.data);
    const method = e.deflated ? 8 : 0;
    const fields = [...le(20, 2), 0, 0, ...le(method, 2), 0, 0, 0, 0, ...le(crc, 4), ...le(csize, 4), ...le(size, 4), ...le(name.length, 2)];
    parts.push([...le(0x04034b50, 4), ...fields, 0, 0, ...name], e.data);
    central.push([...le(0x02014b50, 4), ...le(20, 2), ...fields, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...le(off, 4), ...name]);
    off += 30 + name.length + e.data.length;
  }
  const cd = central.flat();
  const end = [...le(0x06054b50, 4), 0, 0, 0, 0, ...le(entries.length, 2), ...le(entries.length, 2), ...le(cd.length, 4), ...le(off, 4), 0, 0];
  return bytes(...parts, cd, end);
}

/** A torch.save-style zip: archive/data.pkl and archive/data/<key> for each storage. */
export function torchZip(pkl: Uint8Array, storages: Record<string, Uint8Array> = {}, extra: CraftEntry[] = []): Uint8Array {
  return craftZip([
    { name: 'archive/data.pkl', data: pkl },
    ...Object.entries(storages).map(([k, d]) => ({ name: `archive/data/${k}`, data: d })),
    ...extra,
  ]);
}

/**
 * A raw deflate stream of one fixed-Huffman block that inflates to 1 + 258k zero bytes (about
 * `n`): a literal 0, then k (length 258, distance 1) copies of 13 bits each: 3.5 GiB in ~23 MB.
 */
export function deflateBomb(n: number): Uint8Array {
  const pairs = Math.max(1, Math.floor((n - 1) / 258));
  let out: number[] = [], acc = 0, nbits = 0;
  const put = (v: number, len: number) => { acc |= v << nbits; nbits += len; while (nbits >= 8) { out.push(acc & 0xff); acc >>>= 8; nbits -= 8; } };
  const code = (c: number, len: number) => { for (let i = len - 1; i >= 0; i--) put((c >> i) & 1, 1); }; // Huffman codes go MSB first
  const pair = () => { code(0xc5, 8); code(0, 5); };
  const take = () => { const b = out; out = []; return b; };
  put(1, 1); put(1, 2); code(0x30, 8); pair(); // final block, fixed Huffman, literal 0, one copy: 24 bits
  const head = take();
  for (let i = 0; i < 8; i++) pair(); // byte aligned, so 8 copies are one 13-byte period
  const period = take();
  const groups = Math.floor((pairs - 1) / 8);
  for (let i = 0; i < (pairs - 1) % 8; i++) pair();
  code(0, 7); // end of block
  if (nbits) put(0, 8 - nbits);
  const tail = take();
  const body = new Uint8Array(head.length + groups * 13 + tail.length);
  body.set(head);
  for (let g = 0; g < groups; g++) body.set(period, head.length + g * 13);
  body.set(tail, head.length + groups * 13);
  return body;
}

/** What deflateBomb(n) inflates to. */
export const bombSize = (n: number) => 1 + 258 * Math.max(1, Math.floor((n - 1) / 258));
