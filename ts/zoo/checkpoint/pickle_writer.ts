// Writes pickle protocol 2 the way torch.save does, for checkpoints PyTorch can torch.load:
// dicts become OrderedDicts, tensors _rebuild_tensor_v2 calls over persistent storages.
import type { Tensor } from '../../runtime/tensor.js';

// Map keys may be numbers: an optimizer state dict is keyed by parameter index (ints in PyTorch).
export type Picklable = null | boolean | number | string | Tensor | Picklable[] | Map<string, Picklable> | Map<number, Picklable> | { [k: string]: Picklable };

/**
 * torch storage class for each vidwasm dtype. i32 is how we hold torch's int64 (indices,
 * num_batches_tracked), so it is written back as int64 (the writer widens the bytes).
 */
export const STORAGE_OF: Record<string, string> = { f32: 'FloatStorage', i32: 'LongStorage', u8: 'ByteStorage', i8: 'CharStorage', f16: 'HalfStorage' };

export interface PickledTensor { key: string; tensor: Tensor }

class Out {
  private chunks: number[] = [];
  byte(b: number) { this.chunks.push(b & 0xff); }
  u32(v: number) { for (let i = 0; i < 4; i++) this.byte(v >>> (8 * i)); }
  bytes(b: Uint8Array) { for (const x of b) this.chunks.push(x); }
  text(s: string) { this.bytes(new TextEncoder().encode(s)); }
  done(): Uint8Array { return Uint8Array.from(this.chunks); }
}

/**
 * Pickles value; tensors are replaced by persistent storage references numbered in order,
 * and returned so the caller can write their bytes as archive entries data/<key>.
 */
export function pickle(value: Picklable, isTensor: (v: unknown) => v is Tensor): { bytes: Uint8Array; tensors: PickledTensor[] } {
  const o = new Out();
  const tensors: PickledTensor[] = [];
  const globalOf = (mod: string, name: string) => { o.byte(0x63); o.text(`${mod}\n${name}\n`); };
  const str = (s: string) => { const b = new TextEncoder().encode(s); o.byte(0x58); o.u32(b.length); o.bytes(b); };
  const int = (n: number) => {
    if (n >= 0 && n < 256) { o.byte(0x4b); o.byte(n); } else if (n >= -(2 ** 31) && n < 2 ** 31) { o.byte(0x4a); o.u32(n); } else {
      // LONG1 with 8 little-endian bytes
      o.byte(0x8a); o.byte(8);
      let v = BigInt(n);
      for (let i = 0; i < 8; i++) { o.byte(Number(v & 0xffn)); v >>= 8n; }
    }
  };
  const tuple = (items: (() => void)[]) => { o.byte(0x28); for (const f of items) f(); o.byte(0x74); };
  const emit = (v: Picklable): void => {
    if (v === null) o.byte(0x4e);
    else if (v === true) o.byte(0x88);
    else if (v === false) o.byte(0x89);
    else if (typeof v === 'number') {
      if (Number.isInteger(v)) int(v);
      else { o.byte(0x47); const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v, false); o.bytes(new Uint8Array(b.buffer)); }
    } else if (typeof v === 'string') str(v);
    else if (isTensor(v)) {
      const key = String(tensors.length);
      tensors.push({ key, tensor: v });
      const shape = [...v.shape];
      const stride = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
      globalOf('torch._utils', '_rebuild_tensor_v2');
      tuple([
        () => { // persistent id ('storage', torch.XStorage, key, 'cpu', numel)
          tuple([() => str('storage'), () => globalOf('torch', STORAGE_OF[v.dtype]), () => str(key), () => str('cpu'), () => int(v.size)]);
          o.byte(0x51); // BINPERSID
        },
        () => int(0),
        () => tuple(shape.map((d) => () => int(d))),
        () => tuple(stride.map((d) => () => int(d))),
        () => o.byte(0x89),
        () => { globalOf('collections', 'OrderedDict'); o.byte(0x29); o.byte(0x52); },
      ]);
      o.byte(0x52); // REDUCE
    } else if (Array.isArray(v)) {
      o.byte(0x5d); // EMPTY_LIST
      if (v.length) { o.byte(0x28); for (const x of v) emit(x); o.byte(0x65); }
    } else {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
      globalOf('collections', 'OrderedDict'); o.byte(0x29); o.byte(0x52);
      if (entries.length) { o.byte(0x28); for (const [k, x] of entries) { if (typeof k === 'number') int(k); else str(k); emit(x); } o.byte(0x75); }
    }
  };
  o.byte(0x80); o.byte(2);
  emit(value);
  o.byte(0x2e);
  return { bytes: o.done(), tensors };
}
