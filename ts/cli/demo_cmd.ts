// `vidwasm demo`: the Node demo (ts/demo/node_demo.ts) with progress bars.
import { parseArgs } from './args.js';
import { bar } from './progress.js';

export const HELP = `usage: vidwasm demo [--out DIR] [--quick] [--seed S] [--epochs E] [--train-per-class N] [--val-per-class N]
       vidwasm demo --modalities rgb,imu | rgb,flow,imu [--quick] [--seed S] [--epochs E]

Makes a labelled dataset of real H.264 mp4 clips with ffmpeg.wasm (a square or disc moving right,
left, up or down over a noisy background: only the motion tells the class), decodes them back
with EncodedVideo, trains a narrow X3D from scratch with the Trainer (progress bars on stderr),
writes the training curves (run/curves.svg), the confusion matrix and a checkpoint torch.load
reads (x3d_demo.pyth), then classifies a freshly generated clip. The last line reads
'held-out top-1: NN.N%'. About a minute of CPU (2-3 minutes of wall time on two busy cores).

options:
  --out DIR               output folder (default ./vidwasm-demo)
  --quick                 fewer clips and epochs (the CI version: ~1 minute)
  --seed S                seed of the data, the initialisation and the order (default 0)
  --epochs E              training epochs (default 12, quick 8)
  --train-per-class N     training clips per class (default 60, quick 40)
  --val-per-class N       held-out clips per class (default 12, quick 8)

--modalities runs the multimodal demo instead (ts/demo/multimodal.ts): the motion clips plus an
IMU recording that shakes in half of them; the class is (axis of motion) x (shake), so no single
modality can get more than half right. It trains a network per modality set (each modality alone,
RGB+flow, all fused: per-modality encoders, concat fusion, linear head) with the Trainer and prints
each one's held-out top-1. rgb,imu --quick takes about a minute. The flow pathway uses
data.computeFlow when the build has it, else the generator's true motion (a labelled stand-in).`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('demo', argv, {
    out: { kind: 'string' }, quick: { kind: 'flag' }, seed: { kind: 'int', min: 0 }, epochs: { kind: 'int', min: 1 },
    'train-per-class': { kind: 'int', min: 1 }, 'val-per-class': { kind: 'int', min: 1 }, modalities: { kind: 'string' },
  });
  if (p.opts.modalities !== undefined) {
    const { runMultimodalDemo } = await import('../demo/multimodal.js');
    await runMultimodalDemo({
      modalities: String(p.opts.modalities).split(',').map((m) => m.trim()) as never, quick: Boolean(p.opts.quick),
      seed: p.opts.seed as number | undefined, epochs: p.opts.epochs as number | undefined, log: (l) => console.log(l),
    });
    return 0;
  }
  const { runDemo } = await import('../demo/node_demo.js');
  await runDemo({
    out: (p.opts.out as string | undefined) ?? 'vidwasm-demo', quick: Boolean(p.opts.quick), seed: p.opts.seed as number | undefined,
    epochs: p.opts.epochs as number | undefined, trainPerClass: p.opts['train-per-class'] as number | undefined,
    valPerClass: p.opts['val-per-class'] as number | undefined,
    progress: (title, total, unit) => bar(title, total, { unit }),
  });
  return 0;
}
