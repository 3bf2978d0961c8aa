// The Node demo (`vidwasm demo`, the README's main command). Generates a labelled dataset of real
// mp4 files with ffmpeg.wasm (a shape moving right/left/up/down over a noisy background: only
// motion tells the class), decodes them back through EncodedVideo, trains the demo's narrow X3D
// from scratch with the Trainer, reports held-out top-1, writes the training curves (SVG) and a
// .pyth that torch.load reads, then classifies a freshly generated clip. The last line is
// `held-out top-1: NN.N%`.
import { Tensor } from '../runtime/tensor.js';
import { manualSeed } from '../runtime/random.js';
import type { X3dOptions } from '../models/x3d.js';
import { loadClip, type ClipShape } from '../data/load_clip.js';
import { Trainer } from '../train/trainer.js';
import type { Batch, Loader } from '../train/batch.js';
import { saveCheckpoint } from '../zoo/checkpoint/index.js';
import { DEMO_CLIP, DEMO_MODEL, DIRECTIONS, createDemoModel, pytorchvideoCall } from './spec.js';
import { augmentMotion, renderClip, rng } from './synth.js';
import { classifyClip } from './train_classify.js';
import { encodeMp4 } from './encode.js';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DemoOptions {
  out: string;
  quick?: boolean;
  seed?: number;
  /** Clips per class (train / held-out), epochs, batch size: the quick preset shrinks them. */
  trainPerClass?: number;
  valPerClass?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'sgd' | 'adamw';
  weightDecay?: number;
  /** createX3d options overriding the demo network's (experiments). */
  model?: X3dOptions;
  log?: (line: string) => void;
  /** A progress bar per long step (the CLI passes its own); default: none. */
  progress?: (title: string, total: number, unit: string) => ProgressBar;
}

/** What the demo reports to a progress bar. */
export interface ProgressBar {
  update(value: number, status?: string): void;
  increment(): void;
  stop(): void;
}
const noProgress = (): ProgressBar => ({ update() {}, increment() {}, stop() {} });

export interface DemoResult {
  top1: number;
  bestTop1: number | null;
  seconds: number;
  checkpoint: string;
  curves: string;
  fresh: { path: string; truth: string; predicted: string; prob: number };
}

// The network and its clip geometry are the demo's spec (spec.ts). Optimiser: AdamW (SGD hardly
// left chance in 10-20 epochs while tuning; bench/README.md, "The demo").
const { frames: FRAMES, size: SIZE, fps: FPS } = DEMO_CLIP;
const DEMO_SHAPE: ClipShape = { frames: FRAMES, crop: SIZE, mean: DEMO_CLIP.mean, std: DEMO_CLIP.std };

interface Split { x: Float32Array; y: Int32Array; n: number }

/** Renders and encodes `perClass` clips of each class into dir/<class>/, returns "path label" rows. */
async function generate(dir: string, split: string, perClass: number, seed: number, b: ProgressBar): Promise<[string, number][]> {
  const rows: [string, number][] = [];
  for (let i = 0; i < perClass * DIRECTIONS.length; i++) {
    const label = i % DIRECTIONS.length;
    const sub = path.join(dir, DIRECTIONS[label]);
    fs.mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `${split}_${String(i).padStart(4, '0')}.mp4`);
    const mp4 = await encodeMp4(renderClip(label, seed + i, { frames: FRAMES, size: SIZE }), { width: SIZE, height: SIZE, fps: FPS });
    fs.writeFileSync(file, mp4);
    rows.push([path.resolve(file), label]);
    b.increment();
  }
  return rows;
}

/** Decodes every row through EncodedVideo + the eval transform into one flat array. */
async function decode(rows: [string, number][], b: ProgressBar): Promise<Split> {
  const per = 3 * FRAMES * SIZE * SIZE;
  const x = new Float32Array(per * rows.length), y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const clip = await loadClip(rows[i][0], DEMO_SHAPE);
    x.set(clip.toArray() as Float32Array, i * per);
    clip.dispose();
    y[i] = rows[i][1];
    b.increment();
  }
  return { x, y, n: rows.length };
}

/**
 * Batches of a split in memory. Training batches are reshuffled per epoch and each clip gets a
 * random symmetry of the task (flips, transpose, time reversal, relabelled: augmentMotion),
 * drawn from (seed, epoch) only, so a resumed run sees the same stream.
 */
function loader(s: Split, batchSize: number, train: boolean, seed: number): Loader {
  const per = s.x.length / s.n;
  let order = Array.from({ length: s.n }, (_, i) => i);
  let r = rng(seed);
  return {
    length: Math.ceil(s.n / batchSize),
    setEpoch(epoch: number) {
      order = Array.from({ length: s.n }, (_, i) => i);
      if (!train) return;
      r = rng(seed * 7919 + epoch);
      for (let i = s.n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    },
    *[Symbol.iterator](): Iterator<Batch> {
      for (let i = 0; i < s.n; i += batchSize) {
        const idx = order.slice(i, i + batchSize);
        const buf = new Float32Array(per * idx.length);
        const labels = new Int32Array(idx.length);
        idx.forEach((k, j) => {
          const src = s.x.subarray(k * per, (k + 1) * per);
          if (train) labels[j] = augmentMotion(src, buf.subarray(j * per, (j + 1) * per), s.y[k], Math.floor(r() * 16), FRAMES, SIZE);
          else { buf.set(src, j * per); labels[j] = s.y[k]; }
        });
        yield { video: Tensor.from(buf, [idx.length, 3, FRAMES, SIZE, SIZE]), label: Tensor.from(labels, [idx.length]) };
      }
    },
  };
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const bar = o.progress ?? noProgress;
  const t0 = Date.now();
  const quick = o.quick ?? false;
  const seed = o.seed ?? 0;
  const trainPer = o.trainPerClass ?? (quick ? 40 : 60);
  const valPer = o.valPerClass ?? (quick ? 8 : 12);
  const epochs = o.epochs ?? (quick ? 8 : 12);
  const batchSize = o.batchSize ?? 8;
  const out = path.resolve(o.out);
  const dataDir = path.join(out, 'data'), runDir = path.join(out, 'run');
  // A previous run's resumable state would make this run continue it: start fresh.
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  log(`vidwasm demo${quick ? ' (quick)' : ''}: classify the direction a shape moves (${DIRECTIONS.join(' / ')})`);
  log(`  ${DIRECTIONS.length} classes x ${trainPer} training + ${valPer} held-out clips, ${FRAMES} frames ${SIZE}x${SIZE} H.264 mp4 made with ffmpeg.wasm -> ${dataDir}`);

  // 1. A labelled dataset of real mp4 files, plus the csv lists `vidwasm train` reads.
  const nClips = (trainPer + valPer) * DIRECTIONS.length;
  let b = bar('generate', nClips, 'clips');
  const trainRows = await generate(path.join(dataDir, 'train'), 'train', trainPer, seed * 100003 + 1, b);
  const valRows = await generate(path.join(dataDir, 'val'), 'val', valPer, seed * 100003 + 500001, b);
  b.stop();
  const csv = (rows: [string, number][]) => rows.map(([p, l]) => `${p} ${l}`).join('\n') + '\n';
  fs.writeFileSync(path.join(dataDir, 'train.csv'), csv(trainRows));
  fs.writeFileSync(path.join(dataDir, 'val.csv'), csv(valRows));
  fs.writeFileSync(path.join(dataDir, 'classes.txt'), DIRECTIONS.join('\n') + '\n');

  // 2. Decode them back with the library's loading code.
  b = bar('decode', nClips, 'clips');
  const train = await decode(trainRows, b);
  const val = await decode(valRows, b);
  b.stop();

  // 3. A narrow X3D from scratch, trained with the Trainer.
  manualSeed(seed);
  const model = createDemoModel(o.model);
  const nParams = model.parameters().reduce((n, p) => n + p.size, 0);
  log(`  model: X3D from scratch (width x${DEMO_MODEL.widthFactor}, depth x${DEMO_MODEL.depthFactor}, stem stride ${DEMO_MODEL.stemConvStride?.[1]}), ${nParams.toLocaleString('en-US')} parameters, input [N, 3, ${FRAMES}, ${SIZE}, ${SIZE}]`);
  const itersPerEpoch = Math.ceil(train.n / batchSize);
  b = bar('train', epochs * itersPerEpoch, 'steps');
  const trainer = new Trainer({
    model, optimizer: o.optimizer ?? 'adamw', lr: o.lr ?? 0.003, weightDecay: o.weightDecay ?? 0.01, schedule: 'cosine', warmupEpochs: 1,
    loss: 'cross_entropy', epochs, seed, checkpointDir: runDir, classNames: [...DIRECTIONS],
    trainLoader: loader(train, batchSize, true, seed), valLoader: loader(val, 16, false, seed),
    onProgress: (p) => b.update(p.step, `epoch ${p.epoch + 1}/${epochs} loss ${p.loss.toFixed(3)} lr ${p.lr.toFixed(3)} ${p.clipsPerSec.toFixed(0)} clips/s`),
  });
  const fit = await trainer.fit({ resume: false });
  b.stop();
  const evalRes = await trainer.evaluate(loader(val, 16, false, seed));
  const ckpt = path.join(out, 'x3d_demo.pyth');
  await saveCheckpoint(model, ckpt);
  const curves = path.join(runDir, 'curves.svg');
  log(`  trained ${fit.step} steps (${epochs} epochs); curves ${curves}, confusion matrix ${path.join(runDir, 'confusion.svg')}`);
  log(`  checkpoint ${ckpt} (torch.load it, then ${pytorchvideoCall()}.load_state_dict(ckpt['model_state']))`);

  // 4. A clip the model has never seen, generated, encoded, decoded and classified.
  const truthIdx = Math.floor(rng(seed + 424242)() * DIRECTIONS.length);
  const freshPath = path.join(out, `fresh_${DIRECTIONS[truthIdx]}.mp4`);
  fs.writeFileSync(freshPath, await encodeMp4(renderClip(truthIdx, seed * 100003 + 900001, { frames: FRAMES, size: SIZE }), { width: SIZE, height: SIZE, fps: FPS }));
  const clip = await loadClip(freshPath, DEMO_SHAPE);
  const p = classifyClip(model, clip.toArray() as Float32Array);
  clip.dispose();
  log(`  fresh clip ${freshPath}: predicted '${p.label}' (${(p.prob * 100).toFixed(1)}%), truth '${DIRECTIONS[truthIdx]}'`);
  model.dispose();
  trainer.optimizer.dispose();
  const seconds = (Date.now() - t0) / 1000;
  log(`  done in ${seconds.toFixed(1)}s`);
  log(`held-out top-1: ${(evalRes.top1 * 100).toFixed(1)}%`);
  return {
    top1: evalRes.top1, bestTop1: fit.bestMetric, seconds, checkpoint: ckpt, curves,
    fresh: { path: freshPath, truth: DIRECTIONS[truthIdx], predicted: p.label, prob: p.prob },
  };
}
