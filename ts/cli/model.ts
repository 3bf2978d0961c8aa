// Models for the CLI commands: a zoo name (x3d_xs, slow_r50, ...) or `demo` (the network
// `vidwasm demo` trains), built with logits out (no head softmax), the clip geometry the model
// expects, class names, and checkpoint loading with one-line errors.
import type { Module } from '../runtime/nn/module.js';
import type { Tensor } from '../runtime/tensor.js';
import { StateDictError } from '../runtime/errors.js';
import { build } from '../zoo/load.js';
import { listModels, modelInfo, closeNames } from '../zoo/registry.js';
import { KINETICS400_CLASSES } from '../zoo/kinetics400.js';
import { readCheckpoint } from '../zoo/checkpoint/index.js';
import { pretrainedWeights } from '../zoo/download.js';
import { CliError, requireFile } from './args.js';
import { bar } from './progress.js';
import { DEMO_CLIP, DEMO_CLASSES, createDemoModel } from '../demo/spec.js';

export interface ModelSpec {
  name: string;
  numClasses: number;
  /** Frames fed to the model, taken every sampleRate frames of a fps-frames-per-second video. */
  frames: number;
  sampleRate: number;
  fps: number;
  sideSize: number;
  cropSize: number;
  mean: readonly number[];
  std: readonly number[];
  classNames: readonly string[] | null;
}

/** The demo network's clip, as the commands see it (the demo's spec: ts/demo/spec.ts). */
const DEMO_SPEC: ModelSpec = {
  name: 'demo', numClasses: DEMO_CLASSES.length, frames: DEMO_CLIP.frames, sampleRate: 1, fps: DEMO_CLIP.fps,
  sideSize: DEMO_CLIP.size, cropSize: DEMO_CLIP.size, mean: DEMO_CLIP.mean, std: DEMO_CLIP.std, classNames: DEMO_CLASSES,
};

/** The spec of a model name; `numClasses` overrides the zoo's (a model trained on your data). */
export function modelSpec(name: string, numClasses?: number): ModelSpec {
  if (name === 'demo') {
    if (numClasses !== undefined && numClasses !== DEMO_SPEC.numClasses) throw new CliError(`--model demo has ${DEMO_SPEC.numClasses} classes, --num-classes says ${numClasses}`);
    return { ...DEMO_SPEC };
  }
  if (!listModels().includes(name)) {
    const close = closeNames(name);
    throw new CliError(`unknown model '${name}'${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}; known: demo and the zoo's ${listModels().length} models (e.g. x3d_xs, x3d_s, slow_r50)`);
  }
  const info = modelInfo(name);
  if (info.task !== 'classification') throw new CliError(`model '${name}' is a ${info.task} model; classify/train/eval take classification models`);
  const own = numClasses !== undefined && numClasses !== info.numClasses;
  return {
    name, numClasses: numClasses ?? info.numClasses, frames: info.frames, sampleRate: info.sampleRate, fps: 30,
    sideSize: info.sideSize, cropSize: info.cropSize, mean: info.mean, std: info.std,
    classNames: !own && info.classNames === 'kinetics400' ? KINETICS400_CLASSES : null,
  };
}

/** Builds the model (random init) with logits out: the commands apply softmax themselves. */
export async function buildModel(spec: ModelSpec): Promise<Module> {
  if (spec.name === 'demo') return createDemoModel();
  try {
    return build(spec.name, { modelNumClass: spec.numClasses, headActivation: null });
  } catch (e) {
    throw new CliError(`cannot build '${spec.name}': ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Loads a checkpoint strictly into `net`; a checkpoint of another model is a one-line CliError. */
export async function loadWeights(net: Module, path: string, spec: ModelSpec): Promise<void> {
  if (!isUrl(path)) await requireFile(path, 'checkpoint');
  const sd = await readCheckpoint(path);
  try {
    loadInto(net, sd, path, spec);
  } finally {
    for (const t of sd.values()) if (!t.isDisposed) t.dispose();
  }
}

/**
 * Builds `name` and loads `path` into it. Without `numClasses`, a zoo model takes its number of
 * classes from the checkpoint's classifier (a model trained with `vidwasm train --num-classes N`).
 */
export async function loadModel(name: string, path: string, numClasses?: number): Promise<{ net: Module; spec: ModelSpec }> {
  if (!isUrl(path)) await requireFile(path, 'checkpoint');
  const sd = await readCheckpoint(path);
  try {
    let n = numClasses;
    if (n === undefined && name !== 'demo') {
      const rows = headRows(sd);
      if (rows !== null && rows !== modelSpec(name).numClasses) n = rows;
    }
    const spec = modelSpec(name, n);
    const net = await buildModel(spec);
    try {
      loadInto(net, sd, path, spec);
    } catch (e) {
      net.dispose();
      throw e;
    }
    return { net, spec };
  } finally {
    for (const t of sd.values()) if (!t.isDisposed) t.dispose();
  }
}

/** http(s) URLs are fetched by the checkpoint reader; everything else is a local file. */
export const isUrl = (s: string): boolean => /^https?:\/\//.test(s);

/**
 * `--pretrained`: the zoo's official checkpoint of `name`, downloaded once (progress bar on
 * stderr) and cached; returns its local path.
 */
export async function pretrainedPath(name: string): Promise<string> {
  if (name === 'demo') throw new CliError('--pretrained: the demo network has no published weights; pass --weights (vidwasm demo writes x3d_demo.pyth)');
  modelSpec(name);
  const b = bar('download', 1, { unit: 'MiB' });
  try {
    const got = await pretrainedWeights(name, {
      onProgress: (p) => {
        if (p.total) b.setTotal(Math.ceil(p.total / 2 ** 20));
        b.update(Math.floor(p.loaded / 2 ** 20), `${(p.bytesPerSec / 2 ** 20).toFixed(1)} MiB/s`);
      },
    });
    b.stop(`download: ${modelInfo(name).checkpoint.file} ready (${String(got)})`);
    return got as string;
  } catch (e) {
    b.stop();
    throw new CliError(`--pretrained: ${(e as Error).message}`);
  }
}

/** Output classes of a checkpoint's classifier (the last `proj.weight`, PyTorchVideo's head name), if any. */
function headRows(sd: Map<string, Tensor>): number | null {
  let rows: number | null = null;
  for (const [k, t] of sd) if (/(^|\.)proj\.weight$/.test(k) && t.rank === 2) rows = t.shape[0];
  return rows;
}

function loadInto(net: Module, sd: Map<string, Tensor>, path: string, spec: ModelSpec): void {
  try {
    net.loadStateDict(sd, { strict: true });
  } catch (e) {
    if (!(e instanceof StateDictError)) throw e;
    const parts: string[] = [];
    if (e.mismatchedKeys.length) {
      const m = e.mismatchedKeys[0];
      const head = /proj\.weight$|proj\.bias$/.test(m.key) && e.mismatchedKeys.length <= 2 && e.missingKeys.length === 0 && e.unexpectedKeys.length === 0;
      if (head) throw new CliError(`${path} has ${m.got[0]} output classes (${m.key} ${JSON.stringify(m.got)}), the model was built with ${spec.numClasses}: pass --num-classes ${m.got[0]}`);
      parts.push(`${e.mismatchedKeys.length} tensors of another shape (e.g. ${m.key}: ${JSON.stringify(m.got)} vs ${JSON.stringify(m.expected)})`);
    }
    if (e.missingKeys.length) parts.push(`${e.missingKeys.length} missing (e.g. ${e.missingKeys[0]})`);
    if (e.unexpectedKeys.length) parts.push(`${e.unexpectedKeys.length} unexpected (e.g. ${e.unexpectedKeys[0]})`);
    throw new CliError(`${path} is not a checkpoint of '${spec.name}': ${parts.join(', ') || e.message.split('\n')[0]}`);
  }
}
