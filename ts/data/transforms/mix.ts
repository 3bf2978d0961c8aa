// MixUp and CutMix for batches [B, C, T, H, W] (pytorchvideo.transforms.mix), convertToOneHot,
// and mixBatch, the Trainer's form of MixVideo (every pathway of a multi-pathway batch mixed
// with one lambda / one box, labels mixed once the model has told the number of classes). The
// mixing weight comes from Beta(alpha, alpha) drawn with vidwasm's seeded generator, so a fixed
// manualSeed gives the same mix everywhere (and a resumed training run mixes identically).
import { Tensor } from '../../runtime/tensor.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';

/** Gamma(shape, 1) by Marsaglia-Tsang (shape < 1 boosted with U^(1/shape)). */
export function sampleGamma(shape: number): number {
  if (shape < 1) return sampleGamma(shape + 1) * Math.pow(1 - random.uniform(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = random.normal(); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.uniform();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new ArgumentError(`Beta(${a}, ${b}): concentrations must be > 0`);
  const x = sampleGamma(a), y = sampleGamma(b);
  return x / (x + y);
}

function labelsOf(op: string, labels: Tensor | readonly number[]): number[] {
  if (labels instanceof Tensor) {
    if (labels.rank !== 1) throw new ShapeError(`${op}: labels must have shape [B], got ${fmtShape(labels.shape)}`);
    return Array.from(labels.toArray());
  }
  return Array.from(labels);
}

/**
 * pytorchvideo convert_to_one_hot: [B] class indices -> [B, numClass]. i32 when labelSmooth is 0
 * (PyTorch gives int64 there), else f32 with labelSmooth/numClass off target.
 */
export function convertToOneHot(targets: Tensor | readonly number[], numClass: number, labelSmooth = 0): Tensor {
  const t = labelsOf('convertToOneHot', targets);
  if (!(t.every((v) => Number.isInteger(v) && v >= 0 && v < numClass))) {
    throw new ArgumentError(`convertToOneHot: class indices must be integers in [0, ${numClass}), got ${JSON.stringify(t.slice(0, 8))}`);
  }
  if (!(labelSmooth >= 0 && labelSmooth < 1)) throw new ArgumentError(`convertToOneHot: labelSmooth must be in [0, 1), got ${labelSmooth}`);
  const off = Math.fround(labelSmooth / numClass), on = Math.fround(1 - labelSmooth + off);
  const out = Tensor.full([t.length, numClass], labelSmooth === 0 ? 0 : off, labelSmooth === 0 ? 'i32' : 'f32');
  const d = out.data();
  t.forEach((c, i) => { d[i * numClass + c] = labelSmooth === 0 ? 1 : on; });
  return out;
}

/** labels1 * lam + flip(labels1) * (1 - lam) over one-hot rows (f32 [B, numClasses]). */
export function mixLabels(labels: Tensor | readonly number[], numClasses: number, lam: number, labelSmoothing = 0, oneHot = false): Tensor {
  const f = Math.fround;
  let rows: Float32Array, b: number;
  if (oneHot) {
    if (!(labels instanceof Tensor) || labels.rank !== 2) throw new ShapeError('mixLabels: oneHot labels must be a Tensor [B, numClasses]');
    rows = Float32Array.from(labels.toArray()); b = labels.shape[0]; numClasses = labels.shape[1];
  } else {
    const oh = convertToOneHot(labels, numClasses, labelSmoothing);
    rows = Float32Array.from(oh.toArray()); b = oh.shape[0];
    oh.dispose();
  }
  const out = Tensor.empty([b, numClasses], 'f32');
  const d = out.data() as Float32Array;
  const l = f(lam), l1 = f(1 - l);
  for (let i = 0; i < b; i++) {
    for (let k = 0; k < numClasses; k++) d[i * numClasses + k] = f(f(rows[i * numClasses + k] * l) + f(rows[(b - 1 - i) * numClasses + k] * l1));
  }
  return out;
}

export interface MixOptions { alpha?: number; labelSmoothing?: number; numClasses?: number; oneHot?: boolean }

function checkBatch(op: string, x: Tensor, ranks: number[]): void {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: expected a batch Tensor`);
  if (!ranks.includes(x.rank)) throw new ShapeError(`${op}: expected a batch of shape [B, C, T, H, W], got ${fmtShape(x.shape)}`);
  if (x.dtype !== 'f32') throw new DTypeError(`${op}: expected an f32 batch, got ${x.describe()}`);
  if (x.shape[0] < 2) throw new ShapeError(`${op} cannot be applied to a single instance (batch ${fmtShape(x.shape)})`);
}

/** x <- x * lam + flip(x, 0) * (1 - lam), in place, in PyTorchVideo's float32 order. */
export function mixupInPlace(xVideo: Tensor, lam: number): Tensor {
  checkBatch('mixupInPlace', xVideo, [2, 3, 4, 5, 6]);
  if (xVideo.layout !== 'contiguous') throw new ArgumentError('MixUp: expected a contiguous batch');
  const f = Math.fround, l = f(lam), l1 = f(1 - l);
  const b = xVideo.shape[0], per = xVideo.size / b;
  const d = xVideo.data() as Float32Array;
  for (let i = 0; i < Math.ceil(b / 2); i++) {
    const j = b - 1 - i, oi = i * per, oj = j * per;
    for (let k = 0; k < per; k++) {
      const a = d[oi + k], c = d[oj + k];
      d[oi + k] = f(f(a * l) + f(c * l1));
      if (j !== i) d[oj + k] = f(f(c * l) + f(a * l1));
    }
  }
  return xVideo;
}

/** [yl, yh, xl, xh]: rows yl..yh-1 and columns xl..xh-1 of every frame. */
export type Box = [number, number, number, number];

/**
 * PyTorchVideo's CutMix box for lambda lam over x's last two dims: sides int(H * sqrt(1 - lam))
 * and int(W * sqrt(1 - lam)), centred on a random pixel, clipped to the frame.
 */
export function cutmixBox(x: Tensor, lam: number): Box {
  const ratio = Math.sqrt(1 - lam);
  const h = x.shape[x.rank - 2], w = x.shape[x.rank - 1];
  const cutH = Math.trunc(h * ratio), cutW = Math.trunc(w * ratio);
  const cy = random.int(h), cx = random.int(w);
  const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  return [clip(cy - Math.floor(cutH / 2), h), clip(cy + Math.floor(cutH / 2), h), clip(cx - Math.floor(cutW / 2), w), clip(cx + Math.floor(cutW / 2), w)];
}

/** The fraction of x's frame a box covers. */
const boxArea = ([yl, yh, xl, xh]: Box, x: Tensor) => ((yh - yl) * (xh - xl)) / (x.shape[x.rank - 2] * x.shape[x.rank - 1]);

/** x[..., box] <- x.flip(0)[..., box] in place (every channel and frame of each sample). */
export function cutmixInPlace(x: Tensor, [yl, yh, xl, xh]: Box): Tensor {
  checkBatch('cutmixInPlace', x, [3, 4, 5, 6]);
  if (x.layout !== 'contiguous') throw new ArgumentError('CutMix: expected a contiguous batch');
  const h = x.shape[x.rank - 2], w = x.shape[x.rank - 1];
  const b = x.shape[0], per = x.size / b, planes = per / (h * w);
  const d = x.data() as Float32Array;
  for (let i = 0; i < Math.floor(b / 2); i++) {
    const j = b - 1 - i;
    for (let p = 0; p < planes; p++) {
      for (let y = yl; y < yh; y++) {
        const oi = i * per + p * h * w + y * w, oj = j * per + p * h * w + y * w;
        for (let xx = xl; xx < xh; xx++) { const t = d[oi + xx]; d[oi + xx] = d[oj + xx]; d[oj + xx] = t; }
      }
    }
  }
  return x;
}

type Labels = Tensor | readonly number[];
/** Optional audio batch mixed alongside the video (pytorchvideo's x_audio keyword). */
export interface MixArgs { xAudio?: Tensor | null }
/** [video, labels], or [video, audio, labels] when args.xAudio is given (pytorchvideo's order). */
export interface MixFn {
  (xVideo: Tensor, labels: Labels): [Tensor, Tensor];
  (xVideo: Tensor, labels: Labels, args: MixArgs): [Tensor, Tensor] | [Tensor, Tensor, Tensor];
}

/**
 * MixUp(alpha=1.0, labelSmoothing=0.0, numClasses=400, oneHot=false), positional or as an options
 * object. x <- lam * x + (1 - lam) * flip(x, 0), labels mixed likewise. Mixes the batch in place
 * (as PyTorchVideo's mul_/add_) and returns it with the new f32 labels; `lastLambda` holds lam.
 */
export function MixUp(optsOrAlpha: MixOptions | number = {}, labelSmoothingArg?: number, numClassesArg?: number, oneHotArg?: boolean) {
  const opts: MixOptions = typeof optsOrAlpha === 'number'
    ? { alpha: optsOrAlpha, labelSmoothing: labelSmoothingArg, numClasses: numClassesArg, oneHot: oneHotArg } : optsOrAlpha;
  const alpha = opts.alpha ?? 1.0, labelSmoothing = opts.labelSmoothing ?? 0.0, numClasses = opts.numClasses ?? 400, oneHot = opts.oneHot ?? false;
  if (!(alpha > 0)) throw new ArgumentError(`MixUp: alpha must be > 0, got ${alpha}`);
  const run = (xVideo: Tensor, labels: Labels, args: MixArgs = {}): [Tensor, Tensor] | [Tensor, Tensor, Tensor] => {
    checkBatch('MixUp', xVideo, [2, 3, 4, 5, 6]);
    if (args.xAudio) checkBatch('MixUp (x_audio)', args.xAudio, [2, 3, 4, 5, 6]);
    const lam = Math.fround(sampleBeta(alpha, alpha));
    fn.lastLambda = lam;
    mixupInPlace(xVideo, lam);
    const newLabels = mixLabels(labels, numClasses, lam, labelSmoothing, oneHot);
    if (args.xAudio) return [xVideo, mixupInPlace(args.xAudio, lam), newLabels];
    return [xVideo, newLabels];
  };
  const fn = Object.assign(run as MixFn, { lastLambda: NaN, alpha, labelSmoothing, numClasses });
  return fn;
}

/**
 * CutMix(alpha=1.0, labelSmoothing=0.0, numClasses=400, oneHot=false), positional or as options.
 * A random box (side ratio sqrt(1 - lam)) of every sample is replaced by the same box of
 * the flipped batch; labels mixed with the area-corrected lambda. In place, like PyTorchVideo.
 */
export function CutMix(optsOrAlpha: MixOptions | number = {}, labelSmoothingArg?: number, numClassesArg?: number, oneHotArg?: boolean) {
  const opts: MixOptions = typeof optsOrAlpha === 'number'
    ? { alpha: optsOrAlpha, labelSmoothing: labelSmoothingArg, numClasses: numClassesArg, oneHot: oneHotArg } : optsOrAlpha;
  const alpha = opts.alpha ?? 1.0, labelSmoothing = opts.labelSmoothing ?? 0.0, numClasses = opts.numClasses ?? 400, oneHot = opts.oneHot ?? false;
  if (!(alpha > 0)) throw new ArgumentError(`CutMix: alpha must be > 0, got ${alpha}`);
  const run = (xVideo: Tensor, labels: Labels, args: MixArgs = {}): [Tensor, Tensor] | [Tensor, Tensor, Tensor] => {
    checkBatch('CutMix', xVideo, [4, 5]);
    if (args.xAudio) checkBatch('CutMix (x_audio)', args.xAudio, [4, 5]);
    const lam = Math.fround(sampleBeta(alpha, alpha));
    const box = cutmixBox(xVideo, lam);
    cutmixInPlace(xVideo, box);
    const corrected = 1 - boxArea(box, xVideo);
    fn.lastLambda = lam; fn.lastBox = box; fn.lastCorrectedLambda = corrected;
    const newLabels = mixLabels(labels, numClasses, corrected, labelSmoothing, oneHot);
    if (args.xAudio) { cutmixInPlace(args.xAudio, cutmixBox(args.xAudio, lam)); return [xVideo, args.xAudio, newLabels]; }
    return [xVideo, newLabels];
  };
  const fn = Object.assign(run as MixFn, { lastLambda: NaN, lastCorrectedLambda: NaN, lastBox: [0, 0, 0, 0] as number[], alpha, labelSmoothing, numClasses });
  return fn;
}

/** MixVideo: CutMix with probability cutmixProb, else MixUp. */
export function MixVideo(opts: MixOptions & { cutmixProb?: number; mixupAlpha?: number; cutmixAlpha?: number } = {}) {
  const cutmixProb = opts.cutmixProb ?? 0.5;
  if (!(cutmixProb >= 0 && cutmixProb <= 1)) throw new ArgumentError(`MixVideo: cutmixProb must be in [0, 1], got ${cutmixProb}`);
  const base = { labelSmoothing: opts.labelSmoothing, numClasses: opts.numClasses, oneHot: opts.oneHot };
  const mixup = MixUp({ ...base, alpha: opts.mixupAlpha ?? 1.0 }), cutmix = CutMix({ ...base, alpha: opts.cutmixAlpha ?? 1.0 });
  return ((xVideo: Tensor, labels: Labels, args: MixArgs = {}) =>
    (random.uniform() < cutmixProb ? cutmix(xVideo, labels, args) : mixup(xVideo, labels, args))) as MixFn;
}

/** Trainer({ mixup }): MixUp and/or CutMix on each training batch. */
export interface MixupOptions {
  /** MixUp Beta(alpha, alpha); 0 disables MixUp. */
  alpha: number;
  /** CutMix Beta(cutmixAlpha, cutmixAlpha); 0 or absent disables CutMix. */
  cutmixAlpha?: number;
  /** Probability that a batch is mixed at all (default 1). */
  prob?: number;
  /** When both are enabled: probability of CutMix rather than MixUp (MixVideo's cutmixProb, default 0.5). */
  switchProb?: number;
}

export interface Mixed {
  video: Tensor | Tensor[]; lam: number; kind: 'mixup' | 'cutmix' | 'none';
  /** The labels mixed with lam: f32 [N, C] (C is known once the model has answered). */
  target: (numClasses: number, labelSmoothing?: number) => Tensor;
}

/**
 * MixVideo for a training step. Mixes contiguous copies of the batch (the caller owns them; the
 * batch is left alone); every pathway of a multi-pathway clip gets the same lambda, or the same
 * CutMix box scaled to its frame size, and lam is CutMix's corrected lambda. Labels are class
 * indices i32 [N] or soft targets f32 [N, C]; target() mixes them with lam. A batch of one clip
 * is not mixed (there is no other clip to mix with).
 */
export function mixBatch(video: Tensor | Tensor[], label: Tensor, o: MixupOptions): Mixed {
  const alpha = o.alpha ?? 0, cut = o.cutmixAlpha ?? 0, prob = o.prob ?? 1;
  if (!(alpha >= 0) || !(cut >= 0)) throw new ArgumentError(`mixup: alpha and cutmixAlpha must be >= 0, got ${alpha}, ${cut}`);
  const paths = Array.isArray(video) ? video : [video];
  const n = paths[0].shape[0];
  paths.forEach((x, i) => {
    if (x.rank < 3 || x.shape[0] !== n) throw new ShapeError(`mixup: pathway ${i} is ${x.describe()}, expected [N, C, (T,) H, W] with N = ${n}`);
  });
  if (label.shape[0] !== n) throw new ShapeError(`mixup: ${label.shape[0]} labels for a batch of ${n} clips`);
  const outs = paths.map((x) => (x.layout === 'contiguous' ? x.clone() : x.contiguous()));
  let kind: Mixed['kind'] = 'none', lam = 1;
  if (n > 1 && (alpha > 0 || cut > 0) && random.uniform() < prob) {
    kind = cut > 0 && (alpha === 0 || random.uniform() < (o.switchProb ?? 0.5)) ? 'cutmix' : 'mixup';
    lam = Math.fround(kind === 'cutmix' ? sampleBeta(cut, cut) : sampleBeta(alpha, alpha));
    if (kind === 'mixup') outs.forEach((x) => mixupInPlace(x, lam));
    else {
      const box = cutmixBox(outs[0], lam), [h, w] = outs[0].shape.slice(-2);
      for (const x of outs) {
        const [hp, wp] = x.shape.slice(-2);
        cutmixInPlace(x, [Math.round((box[0] * hp) / h), Math.round((box[1] * hp) / h), Math.round((box[2] * wp) / w), Math.round((box[3] * wp) / w)]);
      }
      lam = 1 - boxArea(box, outs[0]);
    }
  }
  const soft = label.dtype === 'f32' && label.rank === 2;
  const target = (numClasses: number, labelSmoothing = 0): Tensor => {
    if (soft && label.shape[1] !== numClasses) throw new ShapeError(`mixup: soft labels have ${label.shape[1]} classes, the model ${numClasses}`);
    return mixLabels(label, numClasses, lam, labelSmoothing, soft);
  };
  return { video: Array.isArray(video) ? outs : outs[0], lam, kind, target };
}
