// Clip dicts across a worker boundary: tensors become { dtype, shape, layout, bytes } with the
// bytes in their own ArrayBuffer (transferred, not copied); the receiver rebuilds Tensors in its
// own wasm memory. Works with worker_threads and Web Workers (structured clone).
import { Tensor, type Layout } from '../../runtime/tensor.js';
import type { DType } from '../../runtime/dtype.js';

export interface WireTensor { __vwTensor: 1; dtype: DType; shape: number[]; layout: Layout; bytes: ArrayBuffer }

/** Replaces tensors by wire tensors (and disposes them), collecting the buffers to transfer. */
export function toWire(x: unknown, transfer: ArrayBuffer[]): unknown {
  if (x instanceof Tensor) {
    const src = x.data();
    const bytes = new ArrayBuffer(src.byteLength);
    new Uint8Array(bytes).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    const w: WireTensor = { __vwTensor: 1, dtype: x.dtype, shape: [...x.shape], layout: x.layout, bytes };
    x.dispose();
    transfer.push(bytes);
    return w;
  }
  if (Array.isArray(x)) return x.map((v) => toWire(v, transfer));
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toWire(v, transfer)]));
  }
  return x;
}

export function fromWire(x: unknown): unknown {
  if (x && typeof x === 'object' && (x as WireTensor).__vwTensor === 1) {
    const w = x as WireTensor;
    const t = Tensor.empty(w.shape, w.dtype, w.layout);
    const d = t.data();
    new Uint8Array(d.buffer, d.byteOffset, d.byteLength).set(new Uint8Array(w.bytes));
    return t;
  }
  if (Array.isArray(x)) return x.map(fromWire);
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fromWire(v)]));
  }
  return x;
}
