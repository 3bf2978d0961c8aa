// `vidwasm deploy --model NAME [--weights FILE | --pretrained] --out FILE.vwplan`: the model in
// deploy form (convertToDeployableForm: efficient blocks folded), compiled for one clip of the
// model's size (acc.compile) and saved. `vidwasm classify CLIP --plan FILE.vwplan` runs it; so do
// browsers (Plan.load) and the WASI command (vidwasm-cmd.wasm).
import { writeFile } from 'node:fs/promises';
import { Tensor } from '../runtime/tensor.js';
import { convertToDeployableForm } from '../accelerator/deployment/model_conversion.js';
import { compile } from '../accelerator/compile/compile.js';
import { parseArgs, need, CliError } from './args.js';
import { modelSpec, buildModel, loadModel, pretrainedPath, type ModelSpec } from './model.js';
import { fmtBytes } from '../runtime/wasm.js';

export const HELP = `usage: vidwasm deploy --model NAME [--weights FILE|URL | --pretrained] [--num-classes N] --out FILE.vwplan

Converts a model to its deploy form (efficient blocks: conv-BN folding, activation fusion),
compiles it for one clip of the model's size (1 x 3 x frames x crop x crop) into an inference
plan (kernel calls over one preallocated arena, weights packed once) and saves it. The plan
runs with \`vidwasm classify CLIP --plan FILE\`, in browsers (accelerator.loadPlan) and in the WASI
command vidwasm-cmd.wasm, with bit-identical outputs.

options:
  --model NAME       a zoo classification model (efficient_x3d_xs, x3d_xs, slow_r50, ...) or 'demo'
  --weights FILE     its checkpoint (path or http(s) URL); without it the model keeps random weights
  --pretrained       the zoo's checkpoint for --model (downloaded once and cached)
  --num-classes N    classes of the model (default: the checkpoint's classifier, else the zoo's)
  --int8             int8 quantization (not available yet)
  --out FILE         where to write the plan (.vwplan)`;

/** What `classify --plan` needs to prepare a clip for the plan, stored as the plan's meta text. */
export interface DeployMeta {
  model: string; frames: number; sampleRate: number; fps: number; sideSize: number; cropSize: number;
  mean: number[]; std: number[]; numClasses: number; classNames: string[] | null;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('deploy', argv, {
    model: { kind: 'string' }, weights: { kind: 'string' }, pretrained: { kind: 'flag' }, 'num-classes': { kind: 'int', min: 1 },
    int8: { kind: 'flag' }, out: { kind: 'string' },
  });
  const name = need('deploy', p, 'model');
  const out = need('deploy', p, 'out');
  if (p.opts.int8) throw new CliError('deploy --int8: int8 quantization is not available in this build yet (issue 13, item 4); deploy fp32 without --int8');
  if (p.opts.pretrained && typeof p.opts.weights === 'string') throw new CliError('deploy: pass --weights or --pretrained, not both');
  const numClasses = p.opts['num-classes'] as number | undefined;
  let spec: ModelSpec = modelSpec(name, numClasses);
  const weights = p.opts.pretrained ? await pretrainedPath(name) : p.opts.weights as string | undefined;
  let net;
  if (weights) ({ net, spec } = await loadModel(name, weights, numClasses));
  else {
    net = await buildModel(spec);
    console.error(`deploy: no --weights: ${name} keeps its random initial weights`);
  }
  const x = Tensor.randn([1, 3, spec.frames, spec.cropSize, spec.cropSize]);
  let deploy = null;
  try {
    net.eval();
    deploy = convertToDeployableForm(net, x);
    const meta: DeployMeta = {
      model: spec.name, frames: spec.frames, sampleRate: spec.sampleRate, fps: spec.fps, sideSize: spec.sideSize, cropSize: spec.cropSize,
      mean: [...spec.mean], std: [...spec.std], numClasses: spec.numClasses, classNames: spec.classNames ? [...spec.classNames] : null,
    };
    const plan = await compile(deploy, x, { meta: JSON.stringify(meta) });
    const bytes = plan.save();
    plan.dispose();
    await writeFile(out, bytes);
    console.log(`${out}: ${spec.name} plan, ${plan.data.calls.length} kernel calls, arena ${fmtBytes(plan.arenaBytes)}, ` +
      `constants ${fmtBytes(plan.constantBytes)}, input [1, 3, ${spec.frames}, ${spec.cropSize}, ${spec.cropSize}]`);
    return 0;
  } finally {
    x.dispose();
    deploy?.dispose();
    net.dispose();
  }
}
