// Evaluation over a loader: per-clip scores (softmax or sigmoid of the logits) are summed per
// video (batch.video_index) and averaged over its views (temporal clips x spatial crops), as
// the model zoo's multi-view testing does; then top-1/top-5, mAP and a confusion matrix.
import { Tensor } from '../runtime/tensor.js';
import { tidy } from '../runtime/memory.js';
import { noGrad } from '../runtime/autograd.js';
import { ArgumentError } from '../runtime/errors.js';
import * as F from '../runtime/ops/index.js';
import { confusionMatrix, meanAveragePrecision, topkAccuracy } from './metrics.js';
import { labelTensor, type Batch, type Loader } from './batch.js';

export interface EvalOptions {
  /** Views per video the loader yields; checked against what arrives (viewMismatches counts differences). */
  views?: { temporal?: number; spatial?: number };
  /** How logits become scores before averaging views (default softmax; 'none' averages logits). */
  scoreFn?: 'softmax' | 'sigmoid' | 'none';
  lossFn?: (logits: Tensor, label: Tensor, batch: Batch) => Tensor;

}

export interface EvalResult {
  top1: number; top5: number; mAP: number; perClassAP: number[];
  /** Mean clip-level loss (NaN without a loss function). */
  loss: number;
  numVideos: number; numClips: number;
  /** Videos whose view count differs from temporal x spatial (0 when views is not given). */
  viewMismatches: number;
  /** counts[true][predicted], for class-index labels. */
  confusion: number[][] | null;
  /** Averaged scores [numVideos, C] (row-major) and labels, in order of first appearance. */
  scores: Float32Array; labels: Float32Array | Int32Array; numClasses: number;
}

interface VideoAcc { sum: Float64Array; count: number; label: number | Float32Array }

export async function evaluateModel(loader: Loader, o: EvalOptions & {
  forward: (video: Tensor | Tensor[]) => Tensor; disposeBatches?: boolean;
}): Promise<EvalResult> {
  const videos = new Map<number, VideoAcc>();
  let C = 0, lossSum = 0, lossN = 0, clips = 0, auto = -1;
  let indexLabels = true;
  for await (const batch of loader as AsyncIterable<Batch>) {
    try {
      const { scores, loss, n, c, label, soft } = tidy(() => noGrad(() => {
        const logits = o.forward(batch.video);
        if (logits.rank !== 2) throw new ArgumentError(`evaluate: the model returned ${logits.describe()}, expected logits [N, C]`);
        const s = o.scoreFn === 'sigmoid' ? F.sigmoid(logits) : o.scoreFn === 'none' ? logits : F.softmax(logits, 1);
        const lt = labelTensor(batch.label, logits.shape[1]);
        const l = o.lossFn ? o.lossFn(logits, lt, batch).item() : NaN;
        return {
          scores: Float32Array.from(s.toArray()), loss: l, n: logits.shape[0], c: logits.shape[1],
          label: lt.toArray(), soft: lt.dtype === 'f32' && lt.rank === 2,
        };
      }));
      if (C && c !== C) throw new ArgumentError(`evaluate: batches disagree on the number of classes (${C} then ${c})`);
      C = c;
      if (!Number.isNaN(loss)) { lossSum += loss * n; lossN += n; }
      if (soft) indexLabels = false;
      const vi = batch.video_index === undefined ? null
        : batch.video_index instanceof Tensor ? batch.video_index.toArray() : batch.video_index;
      if (vi && vi.length !== n) throw new ArgumentError(`evaluate: video_index has ${vi.length} entries for a batch of ${n}`);
      for (let i = 0; i < n; i++) {
        // Without video_index each clip is its own video (negative keys never collide with real ones).
        const key = vi ? Number(vi[i]) : auto--;
        let acc = videos.get(key);
        if (!acc) {
          acc = { sum: new Float64Array(C), count: 0, label: soft ? Float32Array.from(label.subarray(i * C, (i + 1) * C)) : label[i] };
          videos.set(key, acc);
        }
        for (let k = 0; k < C; k++) acc.sum[k] += scores[i * C + k];
        acc.count++;
      }
      clips += n;
    } finally {
      if (o.disposeBatches !== false) disposeAll(batch);
    }
  }
  const V = videos.size;
  const scores = new Float32Array(V * C);
  const labels = indexLabels ? new Int32Array(V) : new Float32Array(V * C);
  const want = o.views ? (o.views.temporal ?? 1) * (o.views.spatial ?? 1) : 0;
  let mismatches = 0, v = 0;
  for (const acc of videos.values()) {
    for (let k = 0; k < C; k++) scores[v * C + k] = acc.sum[k] / acc.count;
    if (indexLabels) labels[v] = acc.label as number; else (labels as Float32Array).set(acc.label as Float32Array, v * C);
    if (want && acc.count !== want) mismatches++;
    v++;
  }
  const { mAP, perClass } = V ? meanAveragePrecision(scores, labels, C) : { mAP: NaN, perClass: [] };
  return {
    top1: indexLabels && V ? topkAccuracy(scores, labels, C, 1) : NaN,
    top5: indexLabels && V ? topkAccuracy(scores, labels, C, 5) : NaN,
    mAP, perClassAP: perClass, loss: lossN ? lossSum / lossN : NaN, numVideos: V, numClips: clips,
    viewMismatches: mismatches, confusion: indexLabels && V ? confusionMatrix(scores, labels, C) : null,
    scores, labels, numClasses: C,
  };
}

function disposeAll(b: Batch): void {
  for (const x of Object.values(b)) {
    if (x instanceof Tensor) x.dispose();
    else if (Array.isArray(x)) for (const t of x) if (t instanceof Tensor) t.dispose();
  }
}
