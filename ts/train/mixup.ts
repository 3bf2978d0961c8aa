// Batch-level MixUp and CutMix with soft targets (PyTorchVideo's MixVideo / MixUp / CutMix):
//   mixup:  x = lam * x + (1 - lam) * x.flip(0),       lam ~ Beta(alpha, alpha)
//   cutmix: a box of area (1 - lam) * H * W taken from x.flip(0) (same box for every frame),
//           lam then recomputed from the clipped box
//   targets: one-hot with label smoothing (off = s / C, on = 1 - s + off), mixed with the same lam.
// ts/data/transforms/mix.ts has PyTorchVideo's MixUp/CutMix/MixVideo for a loader to apply
// (single contiguous tensor, numClasses up front); this one is the trainer's: it mixes every
// pathway of a multi-pathway batch with one lam and builds targets once the model has told the
// number of classes. Loaders that mix themselves pass f32 [N, C] labels and no `mixup` option.
// Draws come from vidwasm's seeded generator, so a resumed run mixes identically.
import { Tensor } from '../runtime/tensor.js';
import { random } from '../runtime/random.js';
import { ArgumentError } from '../runtime/errors.js';
import { sampleBeta } from '../data/transforms/mix.js';

export interface MixupOptions {
  /** MixUp Beta(alpha, alpha); 0 disables MixUp. */
  alpha: number;
  /** CutMix Beta(cutmixAlpha, cutmixAlpha); 0 or absent disables CutMix. */
  cutmixAlpha?: number;
  /** Probability that a batch is mixed at all (default 1). */
  prob?: number;
  /** When both are enabled: probability of CutMix rather than MixUp (default 0.5). */
  switchProb?: number;
}

// Beta draws come from the data pipeline's sampler (same seeded generator as its MixUp).
export { sampleBeta };

/** Soft targets [N, C]: one-hot with label smoothing (i32 labels) or the given f32 [N, C] targets. */
export function softTargets(label: Tensor, numClasses: number, smoothing = 0): Float32Array {
  if (label.dtype === 'f32' && label.rank === 2) {
    if (label.shape[1] !== numClasses) throw new ArgumentError(`mixup: soft labels have ${label.shape[1]} classes, the model ${numClasses}`);
    return Float32Array.from(label.toArray());
  }
  if (label.rank !== 1) throw new ArgumentError(`mixup: labels must be i32 [N] or f32 [N, C], got ${label.describe()}`);
  const l = label.toArray(), off = smoothing / numClasses, on = 1 - smoothing + off;
  const out = new Float32Array(l.length * numClasses).fill(off);
  for (let i = 0; i < l.length; i++) {
    if (!(l[i] >= 0 && l[i] < numClasses)) throw new ArgumentError(`mixup: label ${l[i]} is not in [0, ${numClasses})`);
    out[i * numClasses + l[i]] = on;
  }
  return out;
}

export interface Mixed {
  video: Tensor | Tensor[]; lam: number; kind: 'mixup' | 'cutmix' | 'none';
  /** Soft targets f32 [N, C] mixed with lam (C is known once the model has answered). */
  target: (numClasses: number, smoothing?: number) => Tensor;
}

/**
 * Mixes a batch. Returns new tensors (contiguous; the caller owns them) and soft targets
 * f32 [N, C]. Every pathway of a multi-pathway clip gets the same lam and (relative) box.
 */
export function mixBatch(video: Tensor | Tensor[], label: Tensor, o: MixupOptions): Mixed {
  const alpha = o.alpha ?? 0, cut = o.cutmixAlpha ?? 0, prob = o.prob ?? 1;
  if (!(alpha >= 0) || !(cut >= 0)) throw new ArgumentError(`mixup: alpha and cutmixAlpha must be >= 0, got ${alpha}, ${cut}`);
  const paths = Array.isArray(video) ? video : [video];
  const n = paths[0].shape[0];
  let kind: Mixed['kind'] = 'none', lam = 1;
  if ((alpha > 0 || cut > 0) && random.uniform() < prob) {
    kind = cut > 0 && (alpha === 0 || random.uniform() < (o.switchProb ?? 0.5)) ? 'cutmix' : 'mixup';
    lam = kind === 'cutmix' ? sampleBeta(cut, cut) : sampleBeta(alpha, alpha);
  }
  let box: [number, number, number, number] | null = null; // relative y0, y1, x0, x1
  if (kind === 'cutmix') {
    const ratio = Math.sqrt(1 - lam);
    const cy = random.uniform(), cx = random.uniform();
    const y0 = Math.max(0, cy - ratio / 2), y1 = Math.min(1, cy + ratio / 2);
    const x0 = Math.max(0, cx - ratio / 2), x1 = Math.min(1, cx + ratio / 2);
    box = [y0, y1, x0, x1];
  }
  const outs = paths.map((x, pi) => {
    if (x.rank < 3 || x.shape[0] !== n) throw new ArgumentError(`mixup: pathway ${pi} is ${x.describe()}, expected [N, C, (T,) H, W] with N = ${n}`);
    const src = x.toArray() as Float32Array;
    const out = new Float32Array(src.length);
    const per = src.length / n;
    if (kind === 'none') out.set(src);
    else if (kind === 'mixup') {
      for (let i = 0; i < n; i++) {
        const a = i * per, b = (n - 1 - i) * per;
        for (let j = 0; j < per; j++) out[a + j] = lam * src[a + j] + (1 - lam) * src[b + j];
      }
    } else {
      const H = x.shape[x.rank - 2], W = x.shape[x.rank - 1];
      const [ry0, ry1, rx0, rx1] = box!;
      const h0 = Math.round(ry0 * H), h1 = Math.round(ry1 * H), w0 = Math.round(rx0 * W), w1 = Math.round(rx1 * W);
      if (pi === 0) lam = 1 - ((h1 - h0) * (w1 - w0)) / (H * W);
      out.set(src);
      const planes = per / (H * W);
      for (let i = 0; i < n; i++) {
        const a = i * per, b = (n - 1 - i) * per;
        for (let p = 0; p < planes; p++) {
          for (let h = h0; h < h1; h++) {
            const o2 = p * H * W + h * W;
            for (let w = w0; w < w1; w++) out[a + o2 + w] = src[b + o2 + w];
          }
        }
      }
    }
    return Tensor.from(out, [...x.shape]);
  });
  if (label.shape[0] !== n) throw new ArgumentError(`mixup: ${label.shape[0]} labels for a batch of ${n} clips`);
  const target = (numClasses: number, smoothing = 0): Tensor => {
    const y = softTargets(label, numClasses, smoothing);
    const t = new Float32Array(y.length);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < numClasses; c++) t[i * numClasses + c] = lam * y[i * numClasses + c] + (1 - lam) * y[(n - 1 - i) * numClasses + c];
    }
    return Tensor.from(t, [n, numClasses]);
  };
  return { video: Array.isArray(video) ? outs : outs[0], target, lam, kind };
}
