// `vidwasm demo` — PLACEHOLDER until the real demo (video classification with a model-zoo
// network) lands. It exercises the core end to end: a tiny 3D CNN built from nn layers, trained
// for a few SGD steps on fixed random clips, printing the loss, which must go down.
import { Tensor, nn, ops, optim, tidy, manualSeed, memoryBytes, fmtShape } from '../node.js';

export interface DemoOptions { steps: number; seed: number; quiet?: boolean }

/** conv-bn-relu, max pool, conv-bn-relu, global average pool, linear: a miniature video CNN. */
class TinyVideoNet extends nn.Module {
  readonly features: nn.Sequential;
  readonly head: nn.Linear;
  constructor(classes: number) {
    super();
    this.features = this.registerModule('features', new nn.Sequential(
      new nn.Conv3d(3, 8, [3, 3, 3], { padding: 1, stride: [1, 2, 2], bias: false }),
      new nn.BatchNorm3d(8),
      new nn.ReLU(),
      new nn.MaxPool3d([1, 2, 2]),
      new nn.Conv3d(8, 16, [3, 3, 3], { padding: 1, bias: false }),
      new nn.BatchNorm3d(16),
      new nn.ReLU(),
      new nn.AdaptiveAvgPool3d(1),
    ));
    this.head = this.registerModule('head', new nn.Linear(16, classes));
  }
  override forward(x: Tensor): Tensor {
    const f = this.features.forward(x); // [N, 16, 1, 1, 1]
    return this.head.forward(ops.reshape(f, [f.shape[0], f.shape[1]]));
  }
}

/** Runs the placeholder demo; returns the per-step losses. */
export function runDemo(opts: DemoOptions): number[] {
  const log = opts.quiet ? () => {} : (s: string) => console.log(s);
  manualSeed(opts.seed);
  const classes = 4;
  const model = new TinyVideoNet(classes);
  const x = Tensor.randn([8, 3, 4, 16, 16]);
  const target = Tensor.from(Int32Array.from({ length: 8 }, (_, i) => i % classes), [8]);
  const opt = new optim.SGD(model.parameters(), { lr: 0.2, momentum: 0.9 });
  log('vidwasm demo (PLACEHOLDER: the real video-classification demo is not here yet)');
  log(`tiny 3D CNN, ${model.parameters().reduce((n, p) => n + p.size, 0)} parameters; clips ${fmtShape(x.shape)}, ${classes} classes, SGD lr 0.2 momentum 0.9`);
  const losses: number[] = [];
  for (let step = 1; step <= opts.steps; step++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = ops.crossEntropy(model.forward(x), target);
      l.backward();
      opt.step();
      return l.toArray()[0];
    });
    losses.push(loss);
    log(`step ${String(step).padStart(2)}  loss ${loss.toFixed(4)}  wasm memory ${(memoryBytes() / 2 ** 20).toFixed(0)} MiB`);
  }
  opt.dispose();
  model.dispose();
  x.dispose();
  target.dispose();
  return losses;
}
