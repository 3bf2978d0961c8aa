// `vidwasm classify CLIP --model NAME --weights FILE [--topk K]`: a thin wrapper over
// pipeline('video-classification'): the CLI builds the model (a zoo name or `demo`) and loads
// the checkpoint with its one-line errors (cli/model.ts), then the pipeline's classifier takes
// the model's clip from the middle of the video, runs the Kinetics eval transform and returns
// the top-k classes, printed here.
// With --plan, a plan made by `vidwasm deploy` replaces the model.
import { tidy } from '../runtime/memory.js';
import * as F from '../runtime/ops/index.js';
import { loadPlan } from '../runtime/hosts/plan.js';
import { loadClip } from '../data/load_clip.js';
import { parseArgs, need, requireFile, CliError, type Parsed } from './args.js';
import type { DeployMeta } from './deploy.js';
import { modelSpec, loadModel, pretrainedPath } from './model.js';
import { videoClassifier } from '../zoo/pipeline.js';
import { modelInfo } from '../zoo/registry.js';
import { bar } from './progress.js';

export const HELP = `usage: vidwasm classify CLIP --model NAME (--weights FILE|URL | --pretrained) [--topk K] [--num-classes N] [--labels FILE] [--json]
       vidwasm classify CLIP --plan FILE.vwplan [--topk K] [--labels FILE] [--json]

Classifies a video: decodes it with ffmpeg.wasm, takes the model's clip from the middle of the
video (frames x sampling rate at 30 fps), applies the Kinetics eval transform (uniform temporal
subsample, normalise with the model's mean/std, short-side scale, centre crop) and prints the
top-k classes with their probabilities. The library call that does the same is
pipeline('video-classification', NAME).

options:
  --model NAME       a zoo model (x3d_xs, x3d_s, x3d_m, slow_r50, ...) or 'demo' (vidwasm demo's network)
  --weights FILE     its checkpoint, a path or an http(s) URL (torch zip / legacy pickle / safetensors,
                     told apart by content), e.g. X3D_XS.pyth from the model zoo
  --pretrained       the zoo's checkpoint for --model, downloaded once with a progress bar and cached
                     ($VIDWASM_CACHE_DIR, else ~/.cache/vidwasm; torch hub's cache is reused;
                     $VIDWASM_ZOO_BASE_URL replaces the download root)
  --topk K           classes to print (default 5)
  --num-classes N    classes of the model (default: the checkpoint's classifier, else the zoo's)
  --labels FILE      class names, one per line (default: Kinetics-400 names for zoo models)
  --plan FILE        run a plan made by \`vidwasm deploy\` instead of a model (the plan knows its clip
                     size, normalisation and labels)
  --json             print {"clip", "model", "top": [{"index", "label", "prob"}]} instead`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('classify', argv, {
    model: { kind: 'string' }, weights: { kind: 'string' }, topk: { kind: 'int', min: 1 }, 'num-classes': { kind: 'int', min: 1 },
    labels: { kind: 'string' }, json: { kind: 'flag' }, pretrained: { kind: 'flag' }, plan: { kind: 'string' },
  }, 1);
  const clipPath = p.positionals[0];
  if (!clipPath) throw new CliError('classify: give a video file (vidwasm classify clip.mp4 --model x3d_xs --weights X3D_XS.pyth)');
  if (typeof p.opts.plan === 'string') {
    if (typeof p.opts.model === 'string' || typeof p.opts.weights === 'string' || p.opts.pretrained) {
      throw new CliError('classify: --plan replaces --model/--weights/--pretrained (the plan holds the model)');
    }
    return classifyWithPlan(clipPath, p.opts.plan, p);
  }
  const modelName = need('classify', p, 'model');
  if (p.opts.pretrained && typeof p.opts.weights === 'string') throw new CliError('classify: pass --weights or --pretrained, not both');
  const weightsArg = p.opts.pretrained ? null : need('classify', p, 'weights');
  modelSpec(modelName, p.opts['num-classes'] as number | undefined); // an unknown model fails before any decoding
  await requireFile(clipPath, 'video');
  const weights = weightsArg ?? await pretrainedPath(modelName);
  const { net, spec } = await loadModel(modelName, weights, p.opts['num-classes'] as number | undefined);
  const b = bar('classify', 2, { unit: 'steps' });
  try {
    b.increment('weights loaded');
    const names = typeof p.opts.labels === 'string' ? await readLabels(p.opts.labels, spec.numClasses) : spec.classNames;
    net.eval();
    const pathwayFrames = spec.name === 'demo' ? undefined : modelInfo(spec.name).pathwayFrames;
    const classify = videoClassifier(net, { ...spec, pathwayFrames }, names);
    const top = (await classify(clipPath, { topk: (p.opts.topk as number | undefined) ?? 5 }))
      .map(({ index, label, score }) => ({ index, label, prob: score }));
    b.increment();
    b.stop();
    report(clipPath, spec.name, `${spec.frames} frames ${spec.cropSize}x${spec.cropSize}`, top, !!p.opts.json);
    return 0;
  } finally {
    net.dispose();
  }
}

type Top = { index: number; label: string; prob: number }[];

function report(clipPath: string, model: string, what: string, top: Top, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ clip: clipPath, model, top }));
  } else {
    console.log(`${clipPath}: ${model}, ${what}`);
    top.forEach((t, r) => console.log(`${String(r + 1).padStart(3)}. ${(t.prob * 100).toFixed(1).padStart(5)}%  ${t.label}`));
  }
}

/** classify --plan: the clip prepared as the plan's meta says (written by vidwasm deploy), then the plan. */
async function classifyWithPlan(clipPath: string, planPath: string, p: Parsed): Promise<number> {
  await requireFile(planPath, 'plan');
  const { readFile } = await import('node:fs/promises');
  const plan = loadPlan(new Uint8Array(await readFile(planPath)));
  try {
    let meta: DeployMeta;
    try { meta = JSON.parse(plan.data.meta) as DeployMeta; } catch { meta = null as never; }
    if (!meta || typeof meta.frames !== 'number' || typeof meta.cropSize !== 'number' || !Array.isArray(meta.mean)) {
      throw new CliError(`${planPath}: the plan does not say how to prepare a clip (make it with vidwasm deploy)`);
    }
    const want = [1, 3, meta.frames, meta.cropSize, meta.cropSize];
    const inp = plan.inputs;
    if (inp.length !== 1 || inp[0].shape.join() !== want.join()) throw new CliError(`${planPath}: its input [${inp.map((t) => t.shape.join(', ')).join('], [')}] is not one clip [${want.join(', ')}]`);
    await requireFile(clipPath, 'video');
    let names = meta.classNames;
    if (typeof p.opts.labels === 'string') names = await readLabels(p.opts.labels, meta.numClasses);
    const k = Math.min((p.opts.topk as number | undefined) ?? 5, meta.numClasses);
    const clip = await loadClip(clipPath, {
      frames: meta.frames, crop: meta.cropSize, shortSide: meta.sideSize, mean: meta.mean, std: meta.std,
      seconds: (meta.frames * meta.sampleRate) / meta.fps,
    });
    const probs = tidy(() => {
      const out = plan.run(F.reshape(clip, want));
      return Float32Array.from(F.softmax(F.reshape(out, [1, out.size]), 1).toArray());
    });
    clip.dispose();
    const top = [...probs.keys()].sort((a, c) => probs[c] - probs[a]).slice(0, k)
      .map((i) => ({ index: i, label: names?.[i] ?? `class ${i}`, prob: probs[i] }));
    report(clipPath, `${meta.model} (plan)`, `${meta.frames} frames ${meta.cropSize}x${meta.cropSize}`, top, !!p.opts.json);
    return 0;
  } finally {
    plan.dispose();
  }
}

async function readLabels(path: string, n: number): Promise<string[]> {
  await requireFile(path, 'labels file');
  const { readFileSync } = await import('node:fs');
  const names = readFileSync(path, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  if (names.length !== n) throw new CliError(`${path} has ${names.length} class names, the model has ${n} classes`);
  return names;
}
