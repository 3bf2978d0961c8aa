// Code written without tidy() vs the same loop inside tidy(): X3D-XS (createX3d, 4x160², 400
// classes, random weights) inference under noGrad at batch 1, and a training step written the
// PyTorch way (forward, cross-entropy, backward, SGD step, zeroGrad) at batch 2. Rounds alternate
// the two forms so machine noise hits both; each round's ratio is natural / tidy CPU time, and
// the median ratio is reported with wasm memory before and after (flat = the loop frees).
// `npx tsx bench/run.ts natural [--quick]`
import { Tensor, models, nn, optim, tidy, noGrad, manualSeed, memoryBytes } from '../ts/node.js';

const cpuMs = (fn: () => void) => { const c0 = process.cpuUsage(); fn(); const d = process.cpuUsage(c0); return (d.user + d.system) / 1000; };
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

function compare(name: string, rounds: number, natural: () => void, tidied: () => void): Record<string, unknown> {
  for (let i = 0; i < 3; i++) { natural(); tidied(); } // warm-up: V8's wasm tier-up, scratch, optimizer state
  const mem0 = memoryBytes();
  const nat: number[] = [], tid: number[] = [], ratio: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = cpuMs(natural), b = cpuMs(tidied);
    nat.push(a); tid.push(b); ratio.push(a / b);
  }
  const row = { name: `${name}: natural/tidy ${median(ratio).toFixed(2)}x`, backend: 'simd', ratio: median(ratio),
    naturalMs: median(nat), tidyMs: median(tid), memBeforeMiB: mem0 / 2 ** 20, memAfterMiB: memoryBytes() / 2 ** 20, gflops: NaN };
  console.log(`${name.padEnd(40)} natural ${median(nat).toFixed(1)} ms, tidy ${median(tid).toFixed(1)} ms, ratio ${median(ratio).toFixed(2)} ` +
    `(rounds ${ratio.map((x) => x.toFixed(2)).join(' ')}); wasm memory ${(mem0 / 2 ** 20).toFixed(0)} -> ${(memoryBytes() / 2 ** 20).toFixed(0)} MiB`);
  return row;
}

export async function runNaturalSuite({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, unknown>[]> {
  manualSeed(0);
  const net = models.createX3d({ inputClipLength: 4, inputCropSize: 160, modelNumClass: 400, headActivation: null } as Parameters<typeof models.createX3d>[0]);
  const rows: Record<string, unknown>[] = [];
  const x = Tensor.randn([1, 3, 4, 160, 160]);
  net.eval();
  rows.push(compare('X3D-XS b1 inference (noGrad)', quick ? 5 : 15,
    () => { noGrad(() => net.forward(x)); },
    () => { tidy(() => noGrad(() => net.forward(x))); }));
  net.train();
  const crit = new nn.CrossEntropyLoss();
  const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const xb = Tensor.randn([2, 3, 4, 160, 160]);
  const yb = Tensor.from(new Int32Array([3, 7]), [2], { dtype: 'i32' });
  const step = () => { const l = crit.forward(net.forward(xb), yb) as Tensor; l.backward(); opt.step(); opt.zeroGrad(); };
  rows.push(compare('X3D-XS b2 training step', quick ? 3 : 7, step, () => tidy(step)));
  return rows;
}
