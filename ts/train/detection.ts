// Detection training and evaluation for the RoI-head models (createResnetWithRoiHead,
// createSlowfastWithRoiHead: DetectionBBoxNetwork) on AVA-format batches.
//
// Batch: `video` (clips or pathway list), `boxes` f32 [K, 5] (batch index, x1, y1, x2, y2 in the
// input's pixel units, as the RoI head's spatialScale expects; or in [0, 1] as Ava's csv gives
// them, with boxUnits: 'normalized', scaled by the clip's width and height before the model),
// and per-box multi-label targets:
// either `label` f32 [K, numClasses] (multi-hot) or `labels` — ts/data's Ava samples collated:
// per clip, per box, a list of AVA action ids (1-based, `actionIdBase`).
//
// Loss: binary cross-entropy with logits per box and class (PySlowFast's AVA recipe trains a
// sigmoid head with BCE; here the head outputs logits — build it with headActivation: null —
// and the sigmoid is applied at evaluation).
//
// Evaluation protocol (what `evaluateDetection` reports as mAP): AVA's frame-level mAP, i.e.
// the Pascal VOC detection evaluator of the TF Object Detection API that AVA's official eval
// uses, at IoU 0.5: every (predicted box, class) is a detection with score sigmoid(logit); per
// class and frame, detections in descending score are matched to the not-yet-matched ground-truth
// box of that class with the highest IoU (TP when that best IoU >= 0.5 and it is unmatched, else
// FP); precision is made monotone and AP = sum over recall steps of dR * P; the mean is over
// classes with at least one ground-truth box. When the predicted boxes are the ground-truth boxes
// themselves (AVA's "GT proposals" evaluation) each detection matches its own box, and this
// reduces to per-class AP over box scores.
import { Tensor } from '../runtime/tensor.js';
import { noGrad } from '../runtime/autograd.js';
import { tidy } from '../runtime/memory.js';
import { ArgumentError, ShapeError } from '../runtime/errors.js';
import * as F from '../runtime/ops/index.js';
import type { Module } from '../runtime/nn/module.js';
import { Trainer, type TrainerOptions } from './trainer.js';
import { disposeBatch, labelTensor, type Batch, type Loader } from './batch.js';

export type Box = readonly [number, number, number, number];
export interface Detection { frame: number | string; box: Box; scores: ArrayLike<number> }
export interface GroundTruth { frame: number | string; box: Box; labels: ArrayLike<number> }

/** IoU of two (x1, y1, x2, y2) boxes; areas without the +1 of pixel-inclusive conventions. */
export function boxIou(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  const ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return ua > 0 ? inter / ua : 0;
}

/** Pascal VOC AP (all points): monotone precision, sum of dR * P at the recall steps. */
export function vocAveragePrecision(precision: readonly number[], recall: readonly number[]): number {
  const p = [0, ...precision, 0], r = [0, ...recall, 1];
  for (let i = p.length - 2; i >= 0; i--) p[i] = Math.max(p[i], p[i + 1]);
  let ap = 0;
  for (let i = 1; i < r.length; i++) if (r[i] !== r[i - 1]) ap += (r[i] - r[i - 1]) * p[i];
  return ap;
}

/** AVA frame-level mAP at an IoU threshold (see the file comment for the exact protocol). */
export function frameMAP(dets: readonly Detection[], gts: readonly GroundTruth[], numClasses: number, o: { iouThreshold?: number } = {}): { mAP: number; perClass: number[] } {
  const thr = o.iouThreshold ?? 0.5;
  if (!(Number.isInteger(numClasses) && numClasses > 0)) throw new ArgumentError(`frameMAP: numClasses must be a positive integer, got ${numClasses}`);
  for (const d of dets) if (d.scores.length !== numClasses) throw new ShapeError(`frameMAP: a detection has ${d.scores.length} scores for ${numClasses} classes`);
  for (const g of gts) if (g.labels.length !== numClasses) throw new ShapeError(`frameMAP: a ground-truth box has ${g.labels.length} labels for ${numClasses} classes`);
  // Frames in a fixed order (numbers ascending, then strings) so tied scores break the same way every run.
  const byFrame = new Map<number | string, { d: Detection[]; g: GroundTruth[] }>();
  const slot = (f: number | string) => { let s = byFrame.get(f); if (!s) byFrame.set(f, s = { d: [], g: [] }); return s; };
  for (const d of dets) slot(d.frame).d.push(d);
  for (const g of gts) slot(g.frame).g.push(g);
  const frames = [...byFrame.keys()].sort((a, b) => (typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1));
  const perClass: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    let nGt = 0;
    const scored: { s: number; tp: boolean }[] = [];
    for (const f of frames) {
      const { d, g } = byFrame.get(f)!;
      const gc = g.filter((x) => x.labels[c] > 0.5);
      nGt += gc.length;
      const taken = new Array<boolean>(gc.length).fill(false);
      const order = d.map((_, i) => i).sort((a, b) => d[b].scores[c] - d[a].scores[c] || a - b);
      for (const i of order) {
        let tp = false;
        if (gc.length) {
          let best = 0, bestIou = -1;
          gc.forEach((x, k) => { const v = boxIou(d[i].box, x.box); if (v > bestIou) { bestIou = v; best = k; } });
          if (bestIou >= thr && !taken[best]) { taken[best] = true; tp = true; }
        }
        scored.push({ s: d[i].scores[c], tp });
      }
    }
    if (nGt === 0) { perClass.push(NaN); continue; }
    const order = scored.map((_, i) => i).sort((a, b) => scored[b].s - scored[a].s || a - b);
    const prec: number[] = [], rec: number[] = [];
    let tp = 0, fp = 0;
    for (const i of order) {
      if (scored[i].tp) tp++; else fp++;
      prec.push(tp / (tp + fp)); rec.push(tp / nGt);
    }
    perClass.push(vocAveragePrecision(prec, rec));
  }
  const valid = perClass.filter((x) => !Number.isNaN(x));
  return { mAP: valid.length ? valid.reduce((a, b) => a + b, 0) / valid.length : NaN, perClass };
}

/** Multi-hot targets [K, C] of a batch: `label` (tensor or per-box lists of 0-based classes) or Ava's nested `labels`. */
export function boxTargets(batch: Batch, numClasses: number, actionIdBase = 1): Tensor {
  if (batch.label instanceof Tensor) {
    if (batch.label.dtype !== 'f32' || batch.label.rank !== 2 || batch.label.shape[1] !== numClasses) {
      throw new ShapeError(`detection: label must be f32 [K, ${numClasses}] multi-hot, got ${batch.label.dtype} [${batch.label.shape.join(', ')}]`);
    }
    return batch.label;
  }
  const nested = batch.labels as number[][][] | undefined;
  if (Array.isArray(nested)) {
    const perBox = nested.flatMap((clip) => clip.map((ls) => ls.map((a) => a - actionIdBase)));
    return labelTensor(perBox.map((l) => (l.length ? l : [])), numClasses);
  }
  const lists = batch.box_label ?? batch.label;
  if (Array.isArray(lists)) return labelTensor((lists as unknown[]).map((l) => (Array.isArray(l) ? l : [l])), numClasses);
  throw new ArgumentError('detection: a batch needs per-box targets: label f32 [K, C] or Ava labels (per clip, per box, action ids)');
}

function checkBoxes(batch: Batch): Tensor {
  const b = batch.boxes;
  if (!(b instanceof Tensor) || b.rank !== 2 || b.shape[1] !== 5) throw new ShapeError(`detection: boxes must be [K, 5] (batch index, x1, y1, x2, y2), got ${b instanceof Tensor ? `[${b.shape.join(', ')}]` : typeof b}`);
  return b;
}

export type BoxUnits = 'pixels' | 'normalized';

/** The boxes the model gets: as given (pixels), or [0, 1] coordinates scaled to the clip's W and H. */
export function modelBoxes(batch: Batch, units: BoxUnits = 'pixels'): Tensor {
  const b = checkBoxes(batch);
  if (units === 'pixels') return b;
  if (units !== 'normalized') throw new ArgumentError(`detection: boxUnits must be 'pixels' or 'normalized', got '${String(units)}'`);
  const v = Array.isArray(batch.video) ? batch.video[0] : batch.video;
  const h = v.shape[v.rank - 2], w = v.shape[v.rank - 1];
  const scale = Tensor.from(Float32Array.from([1, w, h, w, h]), [1, 5]);
  const out = F.mul(b, scale);
  scale.dispose();
  return out;
}

/** Throws when the head ends in Sigmoid: the BCE-with-logits loss wants logits. */
export function checkLogitHead(model: Module): void {
  const sig = model.namedModules().find(([k, m]) => /(^|\.)activation$/.test(k) && m.typeName === 'Sigmoid');
  if (sig) throw new ArgumentError(`detection: '${sig[0]}' applies Sigmoid but the loss is BCE with logits; build the model with headActivation: null (the sigmoid is applied at evaluation)`);
}

/** Head outputs [K, C] or [K, C, 1, 1, 1] (RoI head without its global average) as [K, C]. */
export function boxLogits(out: Tensor, k: number): Tensor {
  if (out.rank >= 2 && out.shape[0] === k && out.shape.slice(2).every((d) => d === 1)) return out.rank === 2 ? out : F.reshape(out, [k, out.shape[1]]);
  throw new ShapeError(`detection: the model gave [${out.shape.join(', ')}] for ${k} boxes, expected [${k}, C]`);
}

export interface DetectionStepOptions { actionIdBase?: number; boxUnits?: BoxUnits }

/** The Trainer step: logits [K, C] for the batch's boxes, BCE with logits against multi-hot targets. */
export function detectionStep(model: Module, o: DetectionStepOptions = {}): (batch: Batch) => { loss: Tensor } {
  checkLogitHead(model);
  return (batch) => {
    const boxes = modelBoxes(batch, o.boxUnits);
    const logits = boxLogits(model.forward(batch.video, boxes) as Tensor, boxes.shape[0]);
    const target = boxTargets(batch, logits.shape[1], o.actionIdBase);
    if (target.shape[0] !== boxes.shape[0]) throw new ShapeError(`detection: ${target.shape[0]} target rows for ${boxes.shape[0]} boxes`);
    return { loss: F.bceWithLogits(logits, target) };
  };
}

/**
 * Per-box label lists move to `box_label` and `label` becomes a placeholder the Trainer leaves
 * alone (it would turn a flat list into class indices): a thin wrapper instead of a Trainer hook.
 */
function detectionLoader(loader: Loader): Loader {
  return {
    get length() { return loader.length; },
    setEpoch: (e: number) => {
      if (loader.setEpoch) loader.setEpoch(e);
      else if (typeof (loader as { epoch?: unknown }).epoch === 'number') (loader as unknown as { epoch: number }).epoch = e;
    },
    async *[Symbol.asyncIterator]() {
      for await (const b of loader as AsyncIterable<Batch>) yield b.label instanceof Tensor ? b : { ...b, label: [[]], box_label: Array.isArray(b.label) ? b.label : undefined };
    },
  } as unknown as Loader;
}

export type DetectionTrainerOptions = TrainerOptions & DetectionStepOptions;

/** A Trainer for an RoI-head model: its step is detectionStep (SGD/AdamW, schedules, checkpoints as usual). */
export function createDetectionTrainer(o: DetectionTrainerOptions): Trainer {
  const { actionIdBase, boxUnits, ...rest } = o;
  return new Trainer({
    ...rest,
    trainLoader: rest.trainLoader ? detectionLoader(rest.trainLoader) : undefined,
    step: detectionStep(o.model, { actionIdBase, boxUnits }),
  });
}

export interface DetectionEvalOptions {
  numClasses?: number;
  iouThreshold?: number;
  actionIdBase?: number;
  boxUnits?: BoxUnits;
  disposeBatches?: boolean;
}

export interface DetectionEvalResult { mAP: number; perClass: number[]; loss: number; detections: Detection[]; groundTruth: GroundTruth[] }

function rowsOf(t: Tensor): number[][] {
  const v = t.toArray(), c = t.shape[1];
  return Array.from({ length: t.shape[0] }, (_, i) => Array.from(v.subarray(i * c, (i + 1) * c)));
}

/**
 * Frame-level mAP of a detection model over a loader. Frames are identified by the batch's
 * `video_index` and `clip_index` lists (Ava: video and key-frame second), else by a running clip
 * count. Ground truth: `gt_boxes` [G, 5] with `gt_label` [G, C] when the batch has them, else
 * the batch's own boxes and targets (ground-truth boxes used as the proposals).
 */
export async function evaluateDetection(model: Module, loader: Loader, o: DetectionEvalOptions = {}): Promise<DetectionEvalResult> {
  const wasTraining = model.training;
  model.eval();
  const dets: Detection[] = [], gts: GroundTruth[] = [];
  let lossSum = 0, lossN = 0, clipBase = 0, numClasses = o.numClasses ?? 0;
  try {
    for await (const batch of loader as AsyncIterable<Batch>) {
      try {
        const boxes = checkBoxes(batch);
        const video = Array.isArray(batch.video) ? batch.video[0] : batch.video;
        const nClips = video.shape[0];
        const vi = batch.video_index as ArrayLike<number> | Tensor | undefined, ci = batch.clip_index as ArrayLike<number> | undefined;
        const viArr = vi instanceof Tensor ? Array.from(vi.toArray()) : vi ? Array.from(vi) : null;
        const frameOf = (b: number): number | string => (viArr && ci ? `${viArr[b]}/${ci[b]}` : clipBase + b);
        tidy(() => {
          const logits = noGrad(() => boxLogits(model.forward(batch.video, modelBoxes(batch, o.boxUnits)) as Tensor, boxes.shape[0]));
          numClasses ||= logits.shape[1];
          const target = boxTargets(batch, numClasses, o.actionIdBase);
          const loss = noGrad(() => F.bceWithLogits(logits, target));
          lossSum += loss.item() * boxes.shape[0]; lossN += boxes.shape[0];
          const scores = noGrad(() => F.sigmoid(logits));
          const bx = rowsOf(boxes), sc = rowsOf(scores);
          bx.forEach((r, k) => dets.push({ frame: frameOf(r[0]), box: [r[1], r[2], r[3], r[4]], scores: sc[k] }));
          const gBoxes = batch.gt_boxes instanceof Tensor ? batch.gt_boxes : boxes;
          const gLab = batch.gt_boxes instanceof Tensor ? labelTensor(batch.gt_label, numClasses) : target;
          const gl = rowsOf(gLab);
          if (gl.length !== gBoxes.shape[0]) throw new ShapeError(`evaluateDetection: ${gl.length} ground-truth label rows for ${gBoxes.shape[0]} boxes`);
          rowsOf(gBoxes).forEach((r, k) => gts.push({ frame: frameOf(r[0]), box: [r[1], r[2], r[3], r[4]], labels: gl[k] }));
        });
        clipBase += nClips;
      } finally {
        if (o.disposeBatches !== false) disposeBatch(batch);
      }
    }
  } finally {
    model.train(wasTraining);
  }
  if (!numClasses) throw new ArgumentError('evaluateDetection: the loader gave no batches');
  const r = frameMAP(dets, gts, numClasses, { iouThreshold: o.iouThreshold });
  return { ...r, loss: lossN ? lossSum / lossN : NaN, detections: dets, groundTruth: gts };
}
