// Classification metrics on plain arrays (scores are row-major [N, C]):
// top-k accuracy, average precision (sklearn's average_precision_score: sum over distinct
// thresholds of (R_n - R_{n-1}) * P_n, ties grouped), mean AP over the classes that have a
// positive (PySlowFast's Charades/AVA get_map), and the confusion matrix.
import { ArgumentError } from '../runtime/errors.js';

type Arr = ArrayLike<number>;

function rows(scores: Arr, numClasses: number, what: string): number {
  if (!(numClasses > 0) || scores.length % numClasses !== 0) {
    throw new ArgumentError(`${what}: ${scores.length} scores is not a multiple of ${numClasses} classes`);
  }
  return scores.length / numClasses;
}

/** Indices of the k largest scores of row i (ties: the lower index first, like torch.topk on CPU). */
export function topkRow(scores: Arr, numClasses: number, i: number, k: number): number[] {
  const idx = Array.from({ length: numClasses }, (_, c) => c);
  const s = (c: number) => scores[i * numClasses + c];
  idx.sort((a, b) => s(b) - s(a) || a - b);
  return idx.slice(0, Math.min(k, numClasses));
}

/** Fraction of rows whose label is among the k highest scores. */
export function topkAccuracy(scores: Arr, labels: Arr, numClasses: number, k = 1): number {
  const n = rows(scores, numClasses, 'topkAccuracy');
  if (labels.length !== n) throw new ArgumentError(`topkAccuracy: ${labels.length} labels for ${n} rows of scores`);
  if (n === 0) return NaN;
  let hit = 0;
  for (let i = 0; i < n; i++) if (topkRow(scores, numClasses, i, k).includes(labels[i])) hit++;
  return hit / n;
}

/** Average precision of one class: scores and binary targets (> 0.5 is positive). NaN without positives. */
export function averagePrecision(scores: Arr, targets: Arr): number {
  const n = scores.length;
  if (targets.length !== n) throw new ArgumentError(`averagePrecision: ${targets.length} targets for ${n} scores`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) if (targets[i] > 0.5) positives++;
  if (positives === 0) return NaN;
  let tp = 0, fp = 0, prevRecall = 0, ap = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (targets[i] > 0.5) tp++; else fp++;
    // A threshold ends where the next score differs: tied scores count as one operating point.
    if (j + 1 < n && scores[order[j + 1]] === scores[i]) continue;
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/**
 * Per-class AP of scores [N, C] against multi-hot targets [N, C] (or class indices [N]),
 * and their mean over the classes with at least one positive.
 */
export function meanAveragePrecision(scores: Arr, targets: Arr, numClasses: number): { mAP: number; perClass: number[] } {
  const n = rows(scores, numClasses, 'meanAveragePrecision');
  const hot = targets.length === n ? oneHot(targets, numClasses) : targets;
  if (hot.length !== scores.length) throw new ArgumentError(`meanAveragePrecision: targets of length ${targets.length} for scores [${n}, ${numClasses}]`);
  const perClass: number[] = [];
  const s = new Float64Array(n), t = new Float64Array(n);
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < n; i++) { s[i] = scores[i * numClasses + c]; t[i] = hot[i * numClasses + c]; }
    perClass.push(averagePrecision(s, t));
  }
  const valid = perClass.filter((v) => !Number.isNaN(v));
  return { mAP: valid.length ? valid.reduce((a, b) => a + b, 0) / valid.length : NaN, perClass };
}

export function oneHot(labels: Arr, numClasses: number): Float32Array {
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!(Number.isInteger(l) && l >= 0 && l < numClasses)) throw new ArgumentError(`label ${l} is not a class index in [0, ${numClasses})`);
    out[i * numClasses + l] = 1;
  }
  return out;
}

/** counts[true][predicted] of the argmax predictions. */
export function confusionMatrix(scores: Arr, labels: Arr, numClasses: number): number[][] {
  const n = rows(scores, numClasses, 'confusionMatrix');
  if (labels.length !== n) throw new ArgumentError(`confusionMatrix: ${labels.length} labels for ${n} rows of scores`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < n; i++) m[labels[i]][topkRow(scores, numClasses, i, 1)[0]]++;
  return m;
}
