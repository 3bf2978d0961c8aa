// `vidwasm train`: trains a model on csv lists of videos with the Trainer; checkpoints, the
// JSON-lines log, curves and confusion matrix go to --out (resumable: run it again to continue).
import { mkdirSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { manualSeed } from '../runtime/random.js';
import { Trainer } from '../train/trainer.js';
import { CliError, parseArgs, need, UsageError } from './args.js';
import { modelSpec, buildModel, loadWeights } from './model.js';
import { readList, videoLoader } from './data.js';
import { bar } from './progress.js';

export const HELP = `usage: vidwasm train --data TRAIN.csv --model NAME --num-classes N --out DIR [options]

Trains a classification model on videos listed in csv files of "<video path> <label>" rows
(PyTorchVideo's LabeledVideoPaths format; labels 0..N-1). Clips are decoded with ffmpeg.wasm
and go through PyTorchVideo's train / val video transforms at the model's geometry. Writes to
DIR: last.pyth (resumable: run the same command again to continue), best.pyth (best val top-1),
train.jsonl, curves.svg and confusion.svg. Checkpoints load in PyTorch (torch.load).

options:
  --data FILE          training list (csv)
  --val FILE           validation list, evaluated after every epoch
  --model NAME         a zoo model (x3d_xs, x3d_s, slow_r50, ...) or 'demo' (vidwasm demo's network)
  --num-classes N      classes in your data (the head is sized to it)
  --out DIR            output folder
  --epochs E           default 10
  --batch-size B       default 8
  --lr LR              default 0.1 (sgd) / 0.001 (adamw)
  --optimizer NAME     sgd (default) or adamw
  --weight-decay W     default 1e-4 (sgd) / 0.01 (adamw)
  --warmup-epochs E    linear warm-up before the cosine schedule (default 1)
  --hflip P            horizontal-flip probability of the train transform (default 0.5)
  --init FILE          start from these weights (e.g. a zoo checkpoint; a head of another size is an error)
  --seed S             default 0
  --workers N          decoding worker threads (default 0)`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('train', argv, {
    data: { kind: 'string' }, val: { kind: 'string' }, model: { kind: 'string' }, 'num-classes': { kind: 'int', min: 1 },
    out: { kind: 'string' }, epochs: { kind: 'int', min: 1 }, 'batch-size': { kind: 'int', min: 1 }, lr: { kind: 'number', min: 0 },
    optimizer: { kind: 'string' }, 'weight-decay': { kind: 'number', min: 0 }, 'warmup-epochs': { kind: 'number', min: 0 },
    hflip: { kind: 'number', min: 0 }, init: { kind: 'string' }, seed: { kind: 'int', min: 0 }, workers: { kind: 'int', min: 0 },
  });
  const numClasses = p.opts['num-classes'] as number | undefined;
  if (numClasses === undefined) throw new UsageError('train: --num-classes is required');
  const optimizer = (p.opts.optimizer as string | undefined) ?? 'sgd';
  if (optimizer !== 'sgd' && optimizer !== 'adamw') throw new UsageError(`train: --optimizer must be sgd or adamw, got '${optimizer}'`);
  const spec = modelSpec(need('train', p, 'model'), numClasses);
  const out = need('train', p, 'out');
  const trainList = await readList(need('train', p, 'data'), spec.numClasses, 'training');
  const valList = typeof p.opts.val === 'string' ? await readList(p.opts.val, spec.numClasses, 'validation') : null;
  prepareOut(out);
  const seed = (p.opts.seed as number | undefined) ?? 0;
  const epochs = (p.opts.epochs as number | undefined) ?? 10;
  const batchSize = (p.opts['batch-size'] as number | undefined) ?? 8;
  const workers = (p.opts.workers as number | undefined) ?? 0;
  const hflip = (p.opts.hflip as number | undefined) ?? (spec.name === 'demo' ? 0 : 0.5);

  manualSeed(seed);
  const net = await buildModel(spec);
  if (typeof p.opts.init === 'string') await loadWeights(net, p.opts.init, spec);
  const trainLoader = videoLoader(trainList, spec, { mode: 'train', batchSize, seed, hflip, numWorkers: workers });
  const valLoader = valList ? videoLoader(valList, spec, { mode: 'val', batchSize, seed, numWorkers: workers }) : undefined;
  console.log(`train: ${spec.name}, ${spec.numClasses} classes, ${trainList.length} training videos${valList ? `, ${valList.length} validation videos` : ''}, ${epochs} epochs, batch ${batchSize}, ${optimizer} -> ${out}`);
  const steps = epochs * (trainLoader.length ?? Math.ceil(trainList.length / batchSize));
  const b = bar('train', steps, { unit: 'steps' });
  const trainer = new Trainer({
    model: net, optimizer, lr: p.opts.lr as number | undefined ?? (optimizer === 'sgd' ? 0.1 : 0.001),
    weightDecay: p.opts['weight-decay'] as number | undefined, schedule: 'cosine',
    warmupEpochs: (p.opts['warmup-epochs'] as number | undefined) ?? 1, loss: 'cross_entropy', epochs, seed,
    trainLoader, valLoader, checkpointDir: out, classNames: spec.classNames ? [...spec.classNames] : undefined,
    onProgress: (s) => b.update(s.step, `epoch ${s.epoch + 1}/${epochs} loss ${s.loss.toFixed(3)} lr ${s.lr.toPrecision(2)} ${s.clipsPerSec.toFixed(1)} clips/s`),
  });
  try {
    const r = await trainer.fit().catch((e: unknown) => { throw asWriteError(e, out); });
    b.stop();
    const epochsLog = trainer.history.filter((h) => h.type === 'epoch');
    const last = epochsLog[epochsLog.length - 1] as { trainLoss?: number; val?: { top1: number; top5: number } } | undefined;
    console.log(`trained ${r.step} steps; last train loss ${last?.trainLoss?.toFixed(4) ?? 'n/a'}`);
    if (r.lastVal) console.log(`val top-1 ${(r.lastVal.top1 * 100).toFixed(1)}%, top-5 ${(r.lastVal.top5 * 100).toFixed(1)}% (best top-1 ${((r.bestMetric ?? 0) * 100).toFixed(1)}%)`);
    console.log(`wrote ${out}/last.pyth${valList ? `, ${out}/best.pyth` : ''}, ${out}/train.jsonl, ${out}/curves.svg`);
    return 0;
  } finally {
    await trainLoader.close();
    await valLoader?.close();
    trainer.optimizer.dispose();
    net.dispose();
  }
}

/** --out must be a folder: an existing file or an uncreatable path is one clear line, up front. */
function prepareOut(out: string): void {
  let st;
  try { st = statSync(out, { throwIfNoEntry: false }); } catch { st = undefined; } // ENOTDIR: mkdir says why
  if (st && !st.isDirectory()) throw new CliError(`train: --out ${out} is an existing file, not a folder`);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new CliError(`train: cannot create the output folder ${out}: ${reason(e)}`);
  }
}

/**
 * A file-system error on a file under --out, other than reading a checkpoint back to resume,
 * is a failed write: say so (the generic report would call an ENOENT "cannot read").
 */
function asWriteError(e: unknown, out: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string' || typeof err.path !== 'string') return e;
  const root = resolve(out);
  const path = resolve(err.path);
  const inside = path === root || path.startsWith(root + sep);
  const readingCheckpoint = err.syscall === 'open' && path.endsWith('.pyth');
  return inside && !readingCheckpoint ? new CliError(`train: cannot write ${err.path.replace(/\.tmp$/, '')}: ${reason(err)}`) : e;
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'a folder on its path does not exist', EEXIST: 'a file is in the way', EISDIR: 'a folder is in the way',
    ENOTDIR: 'a file is in the way', EACCES: 'permission denied', EPERM: 'permission denied', ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
  };
  return known[err?.code ?? ''] ?? err?.message ?? String(e);
}
