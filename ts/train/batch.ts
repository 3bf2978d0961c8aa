// What the Trainer and the evaluation take: batches, loaders of batches, and labels as they need
// them. ts/data's default collate keeps non-tensor values as lists, so a batch may carry `label` as a Tensor (i32 [N] or f32 [N, C]), a list of class indices
// (Kinetics-style), or a list of index lists (Charades-style multi-label, made multi-hot once
// the number of classes is known).
import { Tensor } from '../runtime/tensor.js';
import { ArgumentError } from '../runtime/errors.js';

/** True when the label cannot become a tensor before the number of classes is known. */
export function needsClassCount(label: unknown): boolean {
  return Array.isArray(label) && label.some((l) => Array.isArray(l));
}

/** The label as a tensor (new tensors belong to the caller; a Tensor label is returned as is). */
export function labelTensor(label: unknown, numClasses?: number): Tensor {
  if (label instanceof Tensor) return label;
  if (!Array.isArray(label)) throw new ArgumentError(`batch.label must be a Tensor or a list of class indices, got ${typeof label}`);
  if (!needsClassCount(label)) {
    if (!label.every((l) => Number.isInteger(l))) throw new ArgumentError(`batch.label: class indices must be integers, got ${JSON.stringify(label.slice(0, 8))}`);
    return Tensor.from(Int32Array.from(label as number[]), [label.length], { dtype: 'i32' });
  }
  if (!numClasses) throw new ArgumentError('batch.label holds lists of classes (multi-label): the number of classes is needed to make multi-hot targets');
  const out = new Float32Array(label.length * numClasses);
  label.forEach((ls: unknown, i) => {
    for (const c of Array.isArray(ls) ? ls : [ls]) {
      if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) throw new ArgumentError(`batch.label: class ${String(c)} of clip ${i} is not in [0, ${numClasses})`);
      out[i * numClasses + c] = 1;
    }
  });
  return Tensor.from(out, [label.length, numClasses]);
}

/** One batch: the clip(s), the labels and anything else the loader adds (boxes, video_index, ...). */
export interface Batch {
  video: Tensor | Tensor[];
  /**
   * Class indices i32 [N], or f32 [N, C] soft / multi-hot targets; also a list of indices or of
   * index lists (what ts/data's default collate makes of per-clip labels).
   */
  label: Tensor | number[] | number[][];
  boxes?: Tensor;
  video_index?: Tensor | ArrayLike<number>;
  [key: string]: unknown;
}

/**
 * What the Trainer and evaluateModel iterate (ts/data's DataLoader satisfies it; so does an
 * array of batches): Iterable<Batch> | AsyncIterable<Batch>, optional `length` (batches per
 * epoch) and optional `setEpoch(epoch)` (called before each epoch; an order that depends only on
 * the epoch is what makes a resumed run identical). The Trainer owns the batches it is given and
 * disposes them after use unless `disposeBatches: false`.
 */
export type Loader = (Iterable<Batch> | AsyncIterable<Batch>) & { length?: number; setEpoch?: (epoch: number) => void };

/** Disposes every tensor of a batch (also inside lists: multi-pathway clips). */
export function disposeBatch(b: Batch): void {
  for (const v of Object.values(b)) {
    if (v instanceof Tensor) v.dispose();
    else if (Array.isArray(v)) for (const x of v) if (x instanceof Tensor) x.dispose();
  }
}
