// Batch collation (torch's default_collate, for clip dicts): tensors of one key are stacked on a
// new batch dimension, lists of tensors (multi-clip samples) are stacked position by position,
// and everything else (labels, names, indices) becomes a list. Detection boxes are the
// exception: per-clip [k, 4] boxes have different k, so they are concatenated into one
// [K, 5] tensor whose first column is the clip's index in the batch (what RoI heads take).
import { ArgumentError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../../runtime/tensor.js';

export type Batch = Record<string, any>;
export type Collate = (items: Record<string, any>[]) => Batch;

/** Keys whose tensors are box lists, concatenated with a batch-index column. */
export const BOX_KEYS = new Set(['boxes']);

/** Stacks same-shape tensors into [B, ...]; the storage layout is kept (N is outermost in both). */
export function stackTensors(ts: Tensor[], key = 'tensor'): Tensor {
  const first = ts[0];
  for (const [i, t] of ts.entries()) {
    if (t.isDisposed) throw new ArgumentError(`collate: '${key}' of item ${i} was disposed`);
    if (t.dtype !== first.dtype) throw new ShapeError(`collate: '${key}' dtypes differ (item 0 ${first.dtype}, item ${i} ${t.dtype})`);
    if (t.layout !== first.layout) throw new ShapeError(`collate: '${key}' layouts differ (item 0 ${first.layout}, item ${i} ${t.layout})`);
    if (t.shape.length !== first.shape.length || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new ShapeError(`collate: cannot stack '${key}': item 0 is ${fmtShape(first.shape)}, item ${i} is ${fmtShape(t.shape)} (use a transform that gives every clip the same size)`);
    }
  }
  const out = Tensor.empty([ts.length, ...first.shape], first.dtype, first.layout);
  const d = out.data();
  let off = 0;
  for (const t of ts) { const s = t.data(); d.set(s as never, off); off += s.length; }
  return out;
}

/** [k_i, 4] boxes of each item -> [sum k_i, 5] with the item's batch index in column 0. */
export function collateBoxes(boxes: Tensor[], key = 'boxes'): Tensor {
  let total = 0;
  boxes.forEach((b, i) => {
    if (b.rank !== 2 || b.shape[1] !== 4) throw new ShapeError(`collate: '${key}' of item ${i} must be [k, 4], got ${fmtShape(b.shape)}`);
    total += b.shape[0];
  });
  const out = new Float32Array(total * 5);
  let r = 0;
  boxes.forEach((b, i) => {
    const v = b.toArray();
    for (let k = 0; k < b.shape[0]; k++, r++) {
      out[r * 5] = i;
      for (let c = 0; c < 4; c++) out[r * 5 + 1 + c] = Number(v[k * 4 + c]);
    }
  });
  return Tensor.from(out, [total, 5]);
}

const isTensorList = (v: unknown): v is Tensor[] => Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof Tensor);

/**
 * The default collate. It takes ownership of the items: their tensors are disposed once
 * copied into the batch.
 */
export function defaultCollate(items: Record<string, any>[]): Batch {
  if (items.length === 0) throw new ArgumentError('collate: empty batch');
  const keys = Object.keys(items[0]);
  const batch: Batch = {};
  try {
    for (const key of keys) {
      const vals = items.map((it, i) => {
        if (!(key in it)) throw new ArgumentError(`collate: item ${i} has no key '${key}' (item 0 has ${keys.join(', ')})`);
        return it[key];
      });
      if (vals[0] instanceof Tensor) {
        if (!vals.every((v) => v instanceof Tensor)) throw new ArgumentError(`collate: '${key}' is a tensor in item 0 but not in every item`);
        batch[key] = BOX_KEYS.has(key) ? collateBoxes(vals, key) : stackTensors(vals, key);
      } else if (isTensorList(vals[0])) {
        const n = vals[0].length;
        if (!vals.every((v) => isTensorList(v) && v.length === n)) throw new ArgumentError(`collate: '${key}' holds ${n} tensors in item 0 but not in every item`);
        batch[key] = Array.from({ length: n }, (_, j) => stackTensors(vals.map((v) => v[j]), `${key}[${j}]`));
      } else batch[key] = vals;
    }
  } catch (e) {
    for (const v of Object.values(batch)) for (const t of [v].flat()) if (t instanceof Tensor && !t.isDisposed) t.dispose();
    throw e;
  } finally {
    for (const it of items) disposeTensors(it);
  }
  return batch;
}

/** Disposes every tensor in a clip dict or batch (nested arrays included). */
export function disposeTensors(x: unknown): void {
  if (x instanceof Tensor) { if (!x.isDisposed) x.dispose(); return; }
  if (Array.isArray(x)) { x.forEach(disposeTensors); return; }
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) Object.values(x).forEach(disposeTensors);
}
