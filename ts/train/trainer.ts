// train.Trainer: the supervised training loop. Epochs of optimizer steps over any iterable of
// batches, lr schedule with warm-up, SGD/AdamW with no weight decay on norms and biases,
// gradient clipping, label smoothing, MixUp/CutMix, checkpoints every N steps and at each epoch
// end (resumable), best-model tracking on the validation metric, multi-view evaluation, a
// JSON-lines log and SVG curves. One tidy() scope per step keeps memory flat.
// What it trains on (Batch, Loader) is defined in batch.ts.
import { Tensor } from '../runtime/tensor.js';
import { tidy } from '../runtime/memory.js';
import { noGrad } from '../runtime/autograd.js';
import { manualSeed } from '../runtime/random.js';
import { ArgumentError } from '../runtime/errors.js';
import * as F from '../runtime/ops/index.js';
import type { Module } from '../runtime/nn/module.js';
import { clipGradNorm_ } from '../runtime/nn/utils.js';
import { Optimizer } from '../runtime/optim/optimizer.js';
import { SGD } from '../runtime/optim/sgd.js';
import { AdamW } from '../runtime/optim/adamw.js';
import { makeSchedule, type LrSchedule, type ScheduleName } from './schedule.js';
import { convertToOneHot, mixBatch, type Mixed, type MixupOptions } from '../data/transforms/mix.js';
import { RunLog, type LogRecord } from './log.js';
import { confusionSvg } from './svg.js';
import { evaluateModel, type EvalOptions, type EvalResult } from './evaluate.js';
import { getRngState, setRngState, saveTrainingState, loadTrainingState } from './checkpoint.js';
import { ensureDir, exists, joinPath, writeText } from './fs.js';
import { disposeBatch, labelTensor, needsClassCount, type Batch, type Loader } from './batch.js';

export type LossName = 'cross_entropy' | 'bce' | 'mse';
export type LossFn = (logits: Tensor, target: Tensor, batch: Batch) => Tensor;

export interface Progress {
  epoch: number; step: number; totalSteps: number; loss: number; lr: number; clipsPerSec: number; etaSec: number;
}

/** What a custom step returns: the loss to minimise, and optionally logits for train accuracy. */
export type StepOutput = Tensor | { loss: Tensor; logits?: Tensor };

export interface TrainerOptions {
  model: Module;
  optimizer?: 'sgd' | 'adamw' | Optimizer<{ lr: number }>;
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** Weight decay on 1-D parameters (norm scales/shifts) and biases too (default false: PySlowFast's ZERO_WD_1D_PARAM). */
  decayNormAndBias?: boolean;
  betas?: [number, number];
  schedule?: ScheduleName;
  /** Step decay milestones, in epochs. */
  steps?: number[];
  gamma?: number;
  endLr?: number;
  warmupEpochs?: number;
  warmupStartLr?: number;
  loss?: LossName | LossFn;
  labelSmoothing?: number;
  mixup?: MixupOptions;
  epochs?: number;
  /** Total optimizer steps (the schedule spans them); default epochs x batches per epoch. */
  maxSteps?: number;
  /** Max global L2 norm of the gradients. */
  gradClip?: number;
  trainLoader?: Loader;
  valLoader?: Loader;
  valViews?: EvalOptions['views'];
  checkpointDir?: string;
  /** Save <checkpointDir>/last.pyth every N steps (it is always saved at each epoch end). */
  checkpointEvery?: number;
  onProgress?: (s: Progress) => void;
  seed?: number;
  /** Replaces the forward + loss of a step (SSL, detection): return the loss (and logits). */
  step?: (batch: Batch, trainer: Trainer) => StepOutput;
  /** Number of classes, for list-of-lists (multi-label) labels with MixUp; otherwise read from the logits. */
  numClasses?: number;
  disposeBatches?: boolean;
  classNames?: string[];
}

export interface FitOptions {
  /** Stop (after saving a checkpoint) once this global step is reached: a time budget, or a test of resume. */
  stopAtStep?: number;
  /** Resume from <checkpointDir>/last.pyth when it exists (default true). */
  resume?: boolean;
}

export interface FitResult { step: number; epoch: number; bestMetric: number | null; lastVal: EvalResult | null; stopped: boolean }

export class Trainer {
  readonly model: Module;
  readonly optimizer: Optimizer<{ lr: number }>;
  readonly opts: TrainerOptions;
  readonly log: RunLog;
  /** Global optimizer step (number of steps done). */
  step = 0;
  epoch = 0;
  bestMetric: number | null = null;
  private epochStep = 0;
  private schedule: LrSchedule | null = null;
  private totalSteps = 0;

  constructor(opts: TrainerOptions) {
    if (!opts || !opts.model) throw new ArgumentError('Trainer: options need a model');
    this.opts = opts;
    this.model = opts.model;
    this.optimizer = this.makeOptimizer();
    if (opts.loss !== undefined && typeof opts.loss !== 'function' && !['cross_entropy', 'bce', 'mse'].includes(opts.loss)) {
      throw new ArgumentError(`Trainer: loss must be 'cross_entropy', 'bce', 'mse' or a function, got '${String(opts.loss)}'`);
    }
    if (opts.checkpointEvery !== undefined && !(opts.checkpointEvery > 0)) throw new ArgumentError(`Trainer: checkpointEvery must be positive, got ${opts.checkpointEvery}`);
    this.log = new RunLog(opts.checkpointDir ? joinPath(opts.checkpointDir, 'train.jsonl') : null);
    // PyTorchVideo heads may end in Softmax (create_x3d's default): the losses here want logits.
    const soft = this.model.namedModules().find(([k, m]) => /(^|\.)activation$/.test(k) && m.typeName === 'Softmax');
    if (soft && (opts.loss ?? 'cross_entropy') !== 'mse' && typeof opts.loss !== 'function' && !opts.step) {
      console.warn(`vidwasm Trainer: '${soft[0]}' applies Softmax, but ${opts.loss ?? 'cross_entropy'} expects logits; build the model with headActivation: null for training`);
    }
  }

  /** Every record of this run (steps and epochs), also in train.jsonl. */
  get history(): readonly LogRecord[] { return this.log.records; }

  /** Parameter groups: decayed weights, then 1-D parameters and biases without weight decay. */
  paramGroups(): { decay: Tensor[]; noDecay: Tensor[] } {
    const decay: Tensor[] = [], noDecay: Tensor[] = [];
    for (const [name, p] of this.model.namedParameters()) {
      if (!p.requiresGrad) continue;
      if (!this.opts.decayNormAndBias && (p.rank <= 1 || name.endsWith('.bias') || name === 'bias')) noDecay.push(p);
      else decay.push(p);
    }
    return { decay, noDecay };
  }

  private makeOptimizer(): Optimizer<{ lr: number }> {
    const o = this.opts, kind = o.optimizer ?? 'sgd';
    if (kind instanceof Optimizer) return kind;
    if (kind !== 'sgd' && kind !== 'adamw') throw new ArgumentError(`Trainer: optimizer must be 'sgd', 'adamw' or an Optimizer, got '${String(kind)}'`);
    const lr = o.lr ?? 0.1, wd = o.weightDecay ?? (kind === 'sgd' ? 1e-4 : 1e-2);
    const { decay, noDecay } = this.paramGroups();
    if (decay.length + noDecay.length === 0) throw new ArgumentError('Trainer: the model has no trainable parameters');
    const groups = [
      ...(decay.length ? [{ params: decay, weightDecay: wd }] : []),
      ...(noDecay.length ? [{ params: noDecay, weightDecay: 0 }] : []),
    ];
    return kind === 'sgd'
      ? new SGD(groups, { lr, momentum: o.momentum ?? 0.9, nesterov: o.nesterov ?? false, weightDecay: wd }) as unknown as Optimizer<{ lr: number }>
      : new AdamW(groups, { lr, weightDecay: wd, betas: o.betas }) as unknown as Optimizer<{ lr: number }>;
  }

  /** The learning rate the schedule gives at a global step (fit() must have sized the run, or pass itersPerEpoch). */
  lrAt(step: number, itersPerEpoch?: number): number {
    if (itersPerEpoch !== undefined) return this.makeSchedule(itersPerEpoch)(step);
    if (!this.schedule) throw new ArgumentError('Trainer.lrAt: the run length is not known yet; pass itersPerEpoch');
    return this.schedule(step);
  }

  private makeSchedule(itersPerEpoch: number): LrSchedule {
    const o = this.opts;
    const total = o.maxSteps ?? (o.epochs ?? 1) * itersPerEpoch;
    return makeSchedule({
      schedule: o.schedule ?? 'cosine', lr: o.lr ?? this.optimizer.paramGroups[0].lr, epochs: total / itersPerEpoch, itersPerEpoch,
      warmupEpochs: o.warmupEpochs, warmupStartLr: o.warmupStartLr, steps: o.steps, gamma: o.gamma, endLr: o.endLr,
    });
  }

  private setLr(lr: number): void { for (const g of this.optimizer.paramGroups) g.lr = lr; }

  // ---- one step ----

  /** The loss of a batch (override or pass `step` for other objectives). Runs inside the step's tidy scope. */
  computeLoss(batch: Batch): StepOutput {
    if (this.opts.step) return this.opts.step(batch, this);
    const o = this.opts;
    let video = batch.video;
    let smoothing = o.labelSmoothing ?? 0;
    let mixed: Mixed | null = null;
    if (o.mixup) {
      mixed = mixBatch(video, labelTensor(batch.label, o.numClasses), o.mixup);
      video = mixed.video;
    }
    const logits = this.model.forward(video) as Tensor;
    let target = labelTensor(batch.label, logits.shape[1]);
    if (mixed) { target = mixed.target(logits.shape[1], smoothing); smoothing = 0; }
    return { loss: this.lossOf(logits, target, batch, smoothing), logits };
  }

  /** The configured loss of logits against a target (indices or soft targets). */
  lossOf(logits: Tensor, target: Tensor, batch: Batch, smoothing = this.opts.labelSmoothing ?? 0): Tensor {
    const loss = this.opts.loss ?? 'cross_entropy';
    if (typeof loss === 'function') return loss(logits, target, batch);
    if (loss === 'cross_entropy') return F.crossEntropy(logits, target, { labelSmoothing: smoothing });
    // bce / mse want dense targets: class indices become (smoothed) one-hot rows.
    let dense = target;
    if (target.dtype !== 'f32') {
      const oneHot = convertToOneHot(target, logits.shape[1], smoothing);
      dense = oneHot.dtype === 'f32' ? oneHot : oneHot.cast('f32');
    }
    return loss === 'bce' ? F.bceWithLogits(logits, dense) : F.mseLoss(logits, dense);
  }

  /** One optimizer step on a batch at the current lr; returns the loss and the batch top-1 (index labels). */
  trainStep(batch: Batch): { loss: number; top1?: number } {
    return tidy(() => {
      this.optimizer.zeroGrad();
      // Index lists become an i32 tensor here (disposed with the step's scope).
      if (!(batch.label instanceof Tensor) && !needsClassCount(batch.label)) batch = { ...batch, label: labelTensor(batch.label) };
      const out = this.computeLoss(batch);
      const loss = out instanceof Tensor ? out : out.loss;
      const logits = out instanceof Tensor ? undefined : out.logits;
      loss.backward();
      if (this.opts.gradClip) clipGradNorm_(this.optimizer.paramGroups.flatMap((g) => g.params), this.opts.gradClip);
      this.optimizer.step();
      const value = loss.item();
      let top1: number | undefined;
      if (logits && logits.rank === 2 && batch.label instanceof Tensor && batch.label.dtype === 'i32' && batch.label.rank === 1) {
        const s = logits.toArray(), l = batch.label.toArray(), C = logits.shape[1];
        let hit = 0;
        for (let i = 0; i < l.length; i++) {
          let best = 0;
          for (let c = 1; c < C; c++) if (s[i * C + c] > s[i * C + best]) best = c;
          if (best === l[i]) hit++;
        }
        top1 = hit / l.length;
      }
      this.optimizer.zeroGrad();
      return { loss: value, top1 };
    });
  }

  // ---- the loop ----

  async fit(fo: FitOptions = {}): Promise<FitResult> {
    const o = this.opts, loader = o.trainLoader;
    if (!loader) throw new ArgumentError('Trainer.fit: no trainLoader');
    const itersPerEpoch = loader.length ?? (o.maxSteps && o.epochs ? Math.ceil(o.maxSteps / o.epochs) : undefined);
    if (!itersPerEpoch) throw new ArgumentError('Trainer.fit: the train loader has no length: give maxSteps and epochs so the schedule can be sized');
    this.totalSteps = o.maxSteps ?? (o.epochs ?? 1) * itersPerEpoch;
    const maxEpochs = o.maxSteps !== undefined ? Infinity : (o.epochs ?? 1);
    this.schedule = this.makeSchedule(itersPerEpoch);
    const dir = o.checkpointDir;
    const lastPath = dir ? joinPath(dir, 'last.pyth') : null;
    let pendingRng: number[] | null = null;
    if (dir) await ensureDir(dir);
    if (lastPath && fo.resume !== false && await exists(lastPath)) {
      const st = await loadTrainingState(lastPath, this.model, this.optimizer);
      this.step = st.step; this.epoch = st.epoch; this.bestMetric = st.bestMetric;
      this.epochStep = Number((st.extra as Record<string, unknown>)?.epoch_step ?? 0);
      pendingRng = st.rngState.length === 5 ? st.rngState : null;
      await this.log.resume(this.step);
    } else {
      if (o.seed !== undefined) manualSeed(o.seed);
      this.step = 0; this.epoch = 0; this.epochStep = 0; this.bestMetric = null;
      if (this.log.path) await writeText(this.log.path, '');
    }
    let lastVal: EvalResult | null = null;
    let rate = 0, lastT = now();
    this.model.train();
    for (; this.epoch < maxEpochs && this.step < this.totalSteps; this.epoch++) {
      // setEpoch (DistributedSampler style), or ts/data's DataLoader, whose order follows its `epoch` counter.
      if (loader.setEpoch) loader.setEpoch(this.epoch);
      else if (typeof (loader as { epoch?: unknown }).epoch === 'number') (loader as unknown as { epoch: number }).epoch = this.epoch;
      let skip = this.epochStep;
      let lossSum = 0, lossN = 0, hits = 0, seen = 0;
      // The generator state is restored where the checkpoint was taken: after the batches the
      // interrupted run had consumed and before the loader makes the next one (async iterators
      // are lazy), since loaders may draw from (or reseed) the generator while producing batches.
      if (pendingRng && skip === 0) { setRngState(pendingRng); pendingRng = null; }
      for await (const batch of loader as AsyncIterable<Batch>) {
        if (skip > 0) {
          skip--;
          this.disposeBatch(batch);
          if (skip === 0 && pendingRng) { setRngState(pendingRng); pendingRng = null; }
          continue;
        }
        if (this.step >= this.totalSteps) { this.disposeBatch(batch); break; }
        const lr = this.schedule(this.step);
        this.setLr(lr);
        const n = (Array.isArray(batch.video) ? batch.video[0] : batch.video).shape[0];
        let r: { loss: number; top1?: number };
        try { r = this.trainStep(batch); } finally { this.disposeBatch(batch); }
        this.step++; this.epochStep++;
        lossSum += r.loss * n; lossN += n;
        if (r.top1 !== undefined) { hits += r.top1 * n; seen += n; }
        const t = now(), dt = Math.max(1e-6, (t - lastT) / 1000);
        lastT = t;
        rate = rate === 0 ? n / dt : 0.8 * rate + 0.2 * (n / dt);
        const clipsPerSec = rate;
        await this.log.add({ type: 'step', epoch: this.epoch, step: this.step, loss: r.loss, lr, top1: r.top1, clipsPerSec, time: Date.now() });
        o.onProgress?.({
          epoch: this.epoch, step: this.step, totalSteps: this.totalSteps, loss: r.loss, lr, clipsPerSec,
          etaSec: ((this.totalSteps - this.step) * n) / Math.max(rate, 1e-9),
        });
        if (lastPath && o.checkpointEvery && this.step % o.checkpointEvery === 0) await this.saveLast(lastPath, this.epoch, this.epochStep);
        if (fo.stopAtStep !== undefined && this.step >= fo.stopAtStep) {
          if (lastPath) await this.saveLast(lastPath, this.epoch, this.epochStep);
          await this.writePlots();
          return { step: this.step, epoch: this.epoch, bestMetric: this.bestMetric, lastVal, stopped: true };
        }
      }
      pendingRng = null;
      // Epoch end: validation, best model, log, checkpoint, plots.
      let val: EvalResult | null = null;
      if (o.valLoader) {
        val = await this.evaluate(o.valLoader, { views: o.valViews });
        lastVal = val;
        const metric = Number.isNaN(val.top1) ? val.mAP : val.top1;
        if (!Number.isNaN(metric) && (this.bestMetric === null || metric > this.bestMetric)) {
          this.bestMetric = metric;
          if (dir) await saveTrainingState(joinPath(dir, 'best.pyth'), this.model, null, this.stateFor(this.epoch + 1, 0));
        }
        if (dir && val.confusion) await writeText(joinPath(dir, 'confusion.svg'), confusionSvg(val.confusion, o.classNames, `Confusion matrix (epoch ${this.epoch + 1})`));
      }
      await this.log.add({
        type: 'epoch', epoch: this.epoch, step: this.step, trainLoss: lossN ? lossSum / lossN : NaN,
        trainTop1: seen ? hits / seen : undefined,
        val: val ? { loss: val.loss, top1: val.top1, top5: val.top5, mAP: val.mAP } : undefined, time: Date.now(),
      });
      this.epochStep = 0;
      if (lastPath) await this.saveLast(lastPath, this.epoch + 1, 0);
      await this.writePlots();
    }
    return { step: this.step, epoch: this.epoch, bestMetric: this.bestMetric, lastVal, stopped: false };
  }

  /** Top-1/top-5/mAP/loss over a loader; views of the same video (batch.video_index) are averaged. */
  async evaluate(loader: Loader, eo: EvalOptions = {}): Promise<EvalResult> {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      const multiLabel = this.opts.loss === 'bce';
      return await evaluateModel(loader, {
        ...eo,
        forward: (video) => noGrad(() => this.model.forward(video) as Tensor),
        scoreFn: eo.scoreFn ?? (multiLabel ? 'sigmoid' : 'softmax'),
        lossFn: eo.lossFn ?? ((logits, label, batch) => this.lossOf(logits, label, batch, 0)),
        disposeBatches: this.opts.disposeBatches ?? true,
      });
    } finally {
      this.model.train(wasTraining);
    }
  }

  /** The curves of the run so far as an SVG document. */
  curvesSvg(): string { return this.log.curvesSvg(); }

  private async writePlots(): Promise<void> {
    if (this.opts.checkpointDir) await writeText(joinPath(this.opts.checkpointDir, 'curves.svg'), this.log.curvesSvg());
  }

  private stateFor(epoch: number, epochStep: number) {
    return { epoch, step: this.step, bestMetric: this.bestMetric, rngState: getRngState(), extra: { epoch_step: epochStep, total_steps: this.totalSteps } };
  }

  private async saveLast(path: string, epoch: number, epochStep: number): Promise<void> {
    await saveTrainingState(path, this.model, this.optimizer, this.stateFor(epoch, epochStep));
  }

  private disposeBatch(b: Batch): void {
    if (this.opts.disposeBatches === false) return;
    disposeBatch(b);
  }
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
