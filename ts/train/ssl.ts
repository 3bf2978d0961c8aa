// Self-supervised training recipes on the Trainer: SimCLR, BYOL, MoCo v2 and NPID (memory bank)
// steps with two augmented views per clip, the BYOL momentum schedule, and the linear probe
// (frozen backbone, a Linear trained on its pooled features, top-1 reported).
//
// A batch's `video` is either one clip batch [N, C, T, H, W] — the recipe then makes each view
// by applying the view transform to every clip, twice (independent draws) — or a list of two
// ready-made view batches (what PyTorchVideo's SSL data pipelines yield); NPID uses one view and
// needs `video_index` (dataset indices, the memory-bank rows). Labels are not used.
import { Tensor } from '../runtime/tensor.js';
import { noGrad } from '../runtime/autograd.js';
import { random } from '../runtime/random.js';
import { ArgumentError, ShapeError } from '../runtime/errors.js';
import * as F from '../runtime/ops/index.js';
import { nn } from '../runtime/index.js';
import type { Module } from '../runtime/nn/module.js';
import { getParamSpatialCrop } from '../data/transforms/functional_video.js';
import { Trainer, type TrainerOptions } from './trainer.js';
import type { Batch, Loader } from './batch.js';
import type { SimCLR } from '../models/ssl/simclr.js';
import type { BYOL } from '../models/ssl/byol.js';
import type { MoCoV2 } from '../models/ssl/moco.js';
import type { MemoryBank } from '../models/ssl/memory_bank.js';

export type SslMethod = 'simclr' | 'byol' | 'moco_v2' | 'npid';
/** One clip [C, T, H, W] -> one augmented view (a new tensor). */
export type ClipTransform = (clip: Tensor) => Tensor;

export interface ViewTransformOptions {
  /** Output side (square views). */
  size: number;
  /** RandomResizedCrop area range (SimCLR/MoCo v2 use [0.2, 1] or [0.08, 1]). */
  scale?: [number, number];
  aspectRatio?: [number, number];
  /** Horizontal flip probability. */
  flip?: number;
  /** Colour jitter-lite: brightness factor in [1 - b, 1 + b] and a per-channel shift in [-s, s]. */
  brightness?: number;
  shift?: number;
}

/**
 * The SSL view augmentation of one f32 clip [C, T, H, W]: RandomResizedCrop (pytorchvideo's
 * crop-parameter draw, ts/data's getParamSpatialCrop; the crop and bilinear resize with the
 * compute core's ops, so no pixel module is needed — the browser demo runs it as is) -> random
 * horizontal flip -> brightness scale and per-channel shift (a cheap stand-in for colour jitter
 * on normalised clips). Draws come from vidwasm's seeded generator.
 */
export function sslViewTransform(o: ViewTransformOptions): ClipTransform {
  const { size, scale = [0.2, 1], aspectRatio = [3 / 4, 4 / 3], flip = 0.5, brightness = 0.4, shift = 0.1 } = o;
  if (!(Number.isInteger(size) && size > 0)) throw new ArgumentError(`sslViewTransform: size must be a positive integer, got ${size}`);
  return (clip) => {
    if (!(clip instanceof Tensor) || clip.rank !== 4 || clip.dtype !== 'f32') throw new ShapeError(`sslViewTransform: expected an f32 clip [C, T, H, W], got ${clip instanceof Tensor ? `${clip.dtype} [${clip.shape.join(', ')}]` : typeof clip}`);
    const [c, , H, W] = clip.shape;
    const [i, j, h, w] = getParamSpatialCrop(scale, aspectRatio, H, W, true, 10);
    const rows = F.narrow(clip, 2, i, h), crop = F.narrow(rows, 3, j, w);
    let v = F.interpolate(crop, { size: [size, size], mode: 'bilinear', alignCorners: false });
    rows.dispose(); crop.dispose();
    if (random.uniform() < flip) {
      const rev = Tensor.from(Int32Array.from({ length: size }, (_, k) => size - 1 - k), [size], { dtype: 'i32' });
      const f = F.indexSelect(v, 3, rev);
      rev.dispose(); v.dispose(); v = f;
    }
    if (brightness > 0 || shift > 0) {
      const b = 1 + (random.uniform() * 2 - 1) * brightness;
      const st = Tensor.from(Float32Array.from({ length: c }, () => (random.uniform() * 2 - 1) * shift), [c, 1, 1, 1]);
      const scaled = F.mul(v, b);
      const out = F.add(scaled, st);
      for (const t of [v, scaled, st]) t.dispose();
      v = out;
    }
    return v;
  };
}

/** A view of every clip of a batch [N, C, T, H, W]: the transform applied clip by clip, restacked. */
export function viewsOf(video: Tensor, transform: ClipTransform): Tensor {
  if (!(video instanceof Tensor) || video.rank !== 5) throw new ShapeError(`viewsOf: expected clips [N, C, T, H, W], got ${video instanceof Tensor ? `[${video.shape.join(', ')}]` : typeof video}`);
  return noGrad(() => {
    const views: Tensor[] = [];
    for (let i = 0; i < video.shape[0]; i++) {
      const one = F.narrow(video, 0, i, 1);
      const clip = F.squeeze(one, 0);
      views.push(transform(clip));
      one.dispose(); clip.dispose();
    }
    const out = F.stack(views, 0);
    for (const v of views) v.dispose();
    return out;
  });
}

/** BYOL's momentum schedule: tau_k = 1 - (1 - tau_base) * (cos(pi k / K) + 1) / 2. */
export function byolMomentum(step: number, totalSteps: number, base: number): number {
  if (!(totalSteps > 0)) throw new ArgumentError(`byolMomentum: totalSteps must be positive, got ${totalSteps}`);
  return 1 - (1 - base) * (Math.cos((Math.PI * Math.min(step, totalSteps)) / totalSteps) + 1) / 2;
}

export interface SslStepOptions {
  method: SslMethod;
  /** Makes the views from `video` when the batch carries one clip batch (default: 112-pixel views... set `size`). */
  transform?: ClipTransform | null;
  /** BYOL: anneal the target momentum from `base` to 1 over `totalSteps` (cosine). */
  byolSchedule?: { base: number; totalSteps: number };
}

function twoViews(who: string, batch: Batch, transform: ClipTransform | null | undefined): [Tensor, Tensor] {
  const v = batch.video;
  if (Array.isArray(v)) {
    if (v.length < 2) throw new ArgumentError(`${who}: a list of views needs two batches, got ${v.length}`);
    return [v[0], v[1]];
  }
  if (!transform) throw new ArgumentError(`${who}: the batch holds one clip batch and the recipe has no view transform`);
  return [viewsOf(v, transform), viewsOf(v, transform)];
}

function indexTensor(who: string, idx: unknown): Tensor {
  if (idx instanceof Tensor) return idx.dtype === 'i32' ? idx : F.cast(idx, 'i32');
  if (idx && typeof (idx as ArrayLike<number>).length === 'number') {
    const a = Int32Array.from(idx as ArrayLike<number>);
    return Tensor.from(a, [a.length], { dtype: 'i32' });
  }
  throw new ArgumentError(`${who}: NPID batches need video_index (the dataset index of each clip)`);
}

/** The Trainer step (forward + loss) of an SSL method on its wrapper model. */
export function sslStep(model: Module, o: SslStepOptions): (batch: Batch, trainer: Trainer) => Tensor {
  const who = `ssl(${o.method})`;
  switch (o.method) {
    case 'simclr': case 'moco_v2':
      return (batch) => { const [a, b] = twoViews(who, batch, o.transform); return model.forward(a, b) as Tensor; };
    case 'byol':
      return (batch, trainer) => {
        if (o.byolSchedule) (model as BYOL).updateMmt(byolMomentum(trainer.step, o.byolSchedule.totalSteps, o.byolSchedule.base));
        const [a, b] = twoViews(who, batch, o.transform);
        return model.forward(a, b) as Tensor;
      };
    case 'npid':
      return (batch) => {
        const v = batch.video;
        const x = Array.isArray(v) ? v[0] : o.transform ? viewsOf(v, o.transform) : v;
        const negatives = batch.negatives instanceof Tensor ? batch.negatives : undefined;
        return (model as MemoryBank).forward(x, indexTensor(who, batch.video_index), { negatives });
      };
    default:
      throw new ArgumentError(`ssl: method must be 'simclr', 'byol', 'moco_v2' or 'npid', got '${String(o.method)}'`);
  }
}

/**
 * Batches without a label get an empty one: the Trainer's step turns list labels into tensors
 * before calling the step (a thin wrapper here rather than a change to the Trainer).
 */
export function withEmptyLabels(loader: Loader): Loader {
  const wrap = (b: Batch): Batch => (b.label === undefined ? { ...b, label: [] } : b);
  const out = {
    get length() { return loader.length; },
    setEpoch: (e: number) => {
      if (loader.setEpoch) loader.setEpoch(e);
      else if (typeof (loader as { epoch?: unknown }).epoch === 'number') (loader as unknown as { epoch: number }).epoch = e;
    },
    async *[Symbol.asyncIterator]() { for await (const b of loader as AsyncIterable<Batch>) yield wrap(b); },
  };
  return out as unknown as Loader;
}

export type SslTrainerOptions = TrainerOptions & SslStepOptions & {
  model: SimCLR | BYOL | MoCoV2 | MemoryBank | Module;
};

/** A Trainer whose step is the SSL objective (SGD/AdamW, schedules, checkpoints, log as usual). */
export function createSslTrainer(o: SslTrainerOptions): Trainer {
  const { method, transform, byolSchedule, ...rest } = o;
  return new Trainer({
    ...rest,
    trainLoader: rest.trainLoader ? withEmptyLabels(rest.trainLoader) : undefined,
    step: sslStep(o.model, { method, transform, byolSchedule }),
  });
}

/**
 * The linear-probe model: a frozen backbone (requiresGrad off, always in eval mode so its BN
 * statistics stay fixed) whose output is flattened to [N, D] and fed to a trainable Linear.
 */
export class LinearProbe extends nn.Module {
  readonly backbone: Module;
  readonly head: InstanceType<typeof nn.Linear>;
  constructor(backbone: Module, featureDim: number, numClasses: number) {
    super();
    this.backbone = this.registerModule('backbone', backbone);
    backbone.requiresGrad_(false);
    this.head = this.registerModule('head', new nn.Linear(featureDim, numClasses));
    this.train(true);
  }
  override train(mode = true): this {
    super.train(mode);
    this.backbone.train(false);
    return this;
  }
  override forward(x: Tensor): Tensor {
    const f = noGrad(() => {
      const y = this.backbone.forward(x) as Tensor;
      return y.rank === 2 ? y : F.flatten(y, 1);
    });
    if (f.shape[1] !== this.head.inFeatures) throw new ShapeError(`LinearProbe: the backbone gives [${f.shape.join(', ')}] features, the probe expects ${this.head.inFeatures}`);
    return this.head.forward(f);
  }
}

export interface LinearProbeOptions extends Omit<TrainerOptions, 'model' | 'step' | 'loss'> {
  backbone: Module;
  featureDim: number;
  numClasses: number;
  /** Loader for the top-1 report (default: the train loader). */
  evalLoader?: Loader;
}

/** Freezes the backbone, trains a Linear on its features with cross-entropy, reports top-1. */
export async function linearProbe(o: LinearProbeOptions): Promise<{ top1: number; top5: number; probe: LinearProbe; trainer: Trainer }> {
  const { backbone, featureDim, numClasses, evalLoader, ...rest } = o;
  const probe = new LinearProbe(backbone, featureDim, numClasses);
  const trainer = new Trainer({ optimizer: 'sgd', lr: 0.1, schedule: 'cosine', weightDecay: 0, ...rest, model: probe, loss: 'cross_entropy' });
  await trainer.fit({ resume: false });
  const loader = evalLoader ?? rest.trainLoader;
  if (!loader) throw new ArgumentError('linearProbe: no loader to evaluate on');
  const r = await trainer.evaluate(loader);
  return { top1: r.top1, top5: r.top5, probe, trainer };
}
