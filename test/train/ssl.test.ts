// Self-supervised recipes (ts/train/ssl.ts). The loss values of the wrappers themselves are
// checked by test/models/ssl.test.ts (gen_ssl.py); here, vs gen_ssl_train.py (plain torch
// re-statements reused from gen_ssl.py): several Trainer steps of each method — SGD momentum 0.9,
// weight decay on weights only — give PyTorch's losses, parameters, BYOL momentum copy under the
// cosine momentum schedule, MoCo queue and NPID bank. Then short runs on synthetic clips with
// the view augmentation lower the loss, and the linear probe keeps the backbone frozen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, nn, train, manualSeed, memoryStats, ArgumentError } from '../../ts/node.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose } from '../helpers/assert.js';
import { TinyNet, lcg } from './helpers.js';
import { DEMO_CLIP } from '../../ts/demo/spec.js';
import { demoClips } from '../../ts/demo/synth.js';

const cases = new Map(loadGolden('ssl_train').map((c) => [c.name, c]));
const TOL = { rtol: 1e-4, atol: 1e-5 };
type Module = InstanceType<typeof nn.Module>;

const backbone = () => new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU());
const mlp = (dims: number[]) => models.makeMultilayerPerceptron(dims, { norm: models.BatchNorm1d, finalActivation: null })[0];

function load(m: Module, c: GoldenCase): void {
  const sd = new Map(Object.entries(c.inputs).filter(([k]) => k.startsWith('sd:')).map(([k, v]) => [k.slice(3), tensorOf(v)]));
  m.loadStateDict(sd);
  for (const t of sd.values()) t.dispose();
}
function checkParams(c: GoldenCase, prefix: string, m: Module, what: string, base = ''): number {
  const own = new Map(m.namedParameters());
  let n = 0;
  for (const [k, v] of Object.entries(c.outputs)) {
    if (!k.startsWith(`${prefix}:`)) continue;
    const p = own.get(base + k.slice(prefix.length + 1));
    assert.ok(p, `${what}: no parameter ${base + k.slice(prefix.length + 1)}`);
    assertClose(p!, v.data, TOL, `${what} ${k}`);
    n++;
  }
  assert.ok(n > 0, `${what}: compared no parameters`);
  return n;
}
const x = (c: GoldenCase, k: string) => tensorOf(c.inputs[k]);

/** The Python run's optimizer: the Trainer's SGD at a constant lr. */
async function runSteps(c: GoldenCase, model: Module, method: train.SslMethod, batches: train.Batch[], extra: Partial<train.SslTrainerOptions> = {}, onStep?: () => void): Promise<number[]> {
  const losses: number[] = [];
  const trainer = train.createSslTrainer({
    model, method, optimizer: 'sgd', lr: c.params.lr, weightDecay: c.params.wd, momentum: 0.9, schedule: 'constant',
    epochs: 1, trainLoader: batches, onProgress: (p) => { losses.push(p.loss); onStep?.(); }, ...extra,
  });
  await trainer.fit();
  trainer.optimizer.dispose();
  return losses;
}

test('SimCLR: three Trainer steps (SGD, momentum, no decay on biases/norms) equal PyTorch', async () => {
  const c = cases.get('simclr_steps')!;
  const m = new models.SimCLR({ mlp: mlp([10, 16, 8]), backbone: backbone(), temperature: 0.2 });
  load(m, c);
  const losses = await runSteps(c, m, 'simclr', [0, 1, 2].map((s) => ({ video: [x(c, `x${2 * s}`), x(c, `x${2 * s + 1}`)] } as train.Batch)));
  assertClose(Float32Array.from(losses), c.outputs.losses.data, TOL, 'simclr losses');
  checkParams(c, 'p', m, 'simclr');
  m.dispose();
});

test('BYOL: steps under the cosine momentum schedule: losses, online weights and the momentum copy equal PyTorch', async () => {
  const c = cases.get('byol_steps')!;
  const m = new models.BYOL({ backbone: backbone(), projector: mlp([10, 12, 8]), featureDim: 8, predictorInner: 16, mmt: 0.8 });
  load(m, c);
  const mmts: number[] = [];
  const losses = await runSteps(c, m, 'byol', [0, 1, 2].map((s) => ({ video: [x(c, `x${2 * s}`), x(c, `x${2 * s + 1}`)] } as train.Batch)),
    { byolSchedule: { base: 0.8, totalSteps: 4 } }, () => mmts.push(m.getMmt()));
  assertClose(Float32Array.from(mmts), Float32Array.from(c.params.mmts), { rtol: 1e-12, atol: 1e-12 }, 'momentum schedule');
  assertClose(Float32Array.from(losses), c.outputs.losses.data, TOL, 'byol losses');
  checkParams(c, 'mmt', m.backboneMmt, 'byol momentum copy');
  checkParams(c, 'p', m, 'byol online');
  m.dispose();
});

test('MoCo v2: four Trainer steps: losses, key encoder, queue and pointer (wrapped twice) equal PyTorch', async () => {
  const c = cases.get('moco_steps')!;
  const m = new models.MoCoV2({ backbone: backbone(), projector: mlp([10, 12, 8]), dim: 8, queueSize: 8, mmt: 0.9, temperature: 0.2 });
  load(m, c);
  const losses = await runSteps(c, m, 'moco_v2', [0, 1, 2, 3].map((s) => ({ video: [x(c, `x${2 * s}`), x(c, `x${2 * s + 1}`)] } as train.Batch)));
  assertClose(Float32Array.from(losses), c.outputs.losses.data, TOL, 'moco losses');
  assertClose(m.queue, c.outputs.queue.data, TOL, 'queue');
  assert.is(m.queuePtr, c.outputs.queue_ptr.data[0]);
  checkParams(c, 'enc_k', m.encoderK, 'moco key encoder');
  m.dispose();
});

test('NPID: three Trainer steps with given negatives: losses, weights and the memory bank equal PyTorch', async () => {
  const c = cases.get('npid_steps')!;
  const m = new models.MemoryBank({ backbone: backbone(), mlp: new nn.Linear(10, 8), negSize: 5, temperature: 0.1, bankSize: 12, dim: 8, mmt: 0.5 });
  load(m, c);
  const batches = [0, 1, 2].map((s) => ({ video: x(c, `x${s}`), video_index: x(c, `ind${s}`), negatives: x(c, `neg${s}`) } as unknown as train.Batch));
  const losses = await runSteps(c, m, 'npid', batches);
  assertClose(Float32Array.from(losses), c.outputs.losses.data, TOL, 'npid losses');
  assertClose(m.memory, c.outputs.memory.data, TOL, 'memory bank');
  checkParams(c, 'p', m, 'npid');
  m.dispose();
});

test('byolMomentum and the view transform: schedule end points, views differ per draw and repeat per seed', () => {
  assert.is(train.byolMomentum(0, 10, 0.99), 0.99);
  assert.ok(Math.abs(train.byolMomentum(10, 10, 0.99) - 1) < 1e-15);
  assert.ok(Math.abs(train.byolMomentum(5, 10, 0.9) - 0.95) < 1e-12);
  assert.throws(() => train.byolMomentum(1, 0, 0.9), (e: unknown) => e instanceof ArgumentError);
  const clips = Tensor.from(Float32Array.from({ length: 2 * 3 * 2 * 12 * 12 }, (_, i) => Math.sin(i * 0.37)), [2, 3, 2, 12, 12]);
  const t = train.sslViewTransform({ size: 8 });
  manualSeed(3);
  const a = train.viewsOf(clips, t), b = train.viewsOf(clips, t);
  manualSeed(3);
  const a2 = train.viewsOf(clips, t);
  assert.equal(a.shape, [2, 3, 2, 8, 8]);
  assert.equal(Array.from(a.toArray()), Array.from(a2.toArray()), 'same seed, same views');
  assert.not.equal(Array.from(a.toArray()), Array.from(b.toArray()), 'two draws give two views');
  for (const z of [clips, a, b, a2]) z.dispose();
  const lin = new nn.Linear(2, 2);
  assert.throws(() => train.sslStep(lin, { method: 'nope' as train.SslMethod }), (e: unknown) => e instanceof ArgumentError && /method/.test((e as Error).message));
  lin.dispose();
});

// ---- short runs on synthetic clips ----

const SHAPE = [3, 4, 16, 16];
/** Clips [N, 3, 4, 16, 16]: a coloured square (class = colour) moving across noise. */
function clipBatch(n: number, seed: number): { video: Float32Array; label: Int32Array; index: Int32Array } {
  const r = lcg(seed);
  const [C, T, H, W] = SHAPE, per = C * T * H * W;
  const video = new Float32Array(n * per), label = new Int32Array(n), index = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = Math.floor(r() * 4);
    label[i] = y;
    for (let j = 0; j < per; j++) video[i * per + j] = (r() - 0.5) * 0.4;
    const x0 = Math.floor(r() * 8), y0 = Math.floor(r() * 8), dx = r() < 0.5 ? 1 : -1;
    const colour = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]][y];
    for (let t = 0; t < T; t++) for (let h = y0; h < y0 + 6; h++) for (let w0 = 0; w0 < 6; w0++) {
      const w = Math.min(W - 1, Math.max(0, x0 + w0 + dx * t));
      for (let c = 0; c < C; c++) video[i * per + ((c * T + t) * H + h) * W + w] += colour[c];
    }
  }
  return { video, label, index };
}
function dataset(batches: number, n: number, seed: number) {
  return Array.from({ length: batches }, (_, b) => {
    const d = clipBatch(n, seed + b);
    d.index = Int32Array.from({ length: n }, (_, i) => b * n + i);
    return d;
  });
}
function loaderOf(data: ReturnType<typeof dataset>, withIndex: boolean): train.Loader {
  return {
    length: data.length,
    *[Symbol.iterator]() {
      for (const d of data) {
        const b: train.Batch = { video: Tensor.from(d.video, [d.label.length, ...SHAPE]), label: Tensor.from(d.label, [d.label.length], { dtype: 'i32' }) };
        if (withIndex) b.video_index = Array.from(d.index);
        yield b;
      }
    },
  } as train.Loader;
}

const FEAT = 16;
function sslModel(method: train.SslMethod, bankSize: number): Module {
  const bb = new TinyNet(FEAT, 8);
  const proj = () => models.makeMultilayerPerceptron([FEAT, 32, 16], { norm: models.BatchNorm1d, finalActivation: null })[0];
  switch (method) {
    case 'simclr': return new models.SimCLR({ backbone: bb, mlp: proj(), temperature: 0.2 });
    case 'byol': return new models.BYOL({ backbone: bb, projector: proj(), featureDim: 16, predictorInner: 32, mmt: 0.9 });
    case 'moco_v2': return new models.MoCoV2({ backbone: bb, projector: proj(), dim: 16, queueSize: 16, mmt: 0.9, temperature: 0.2 });
    default: return new models.MemoryBank({ backbone: bb, mlp: proj(), negSize: 8, temperature: 0.1, bankSize, dim: 16, mmt: 0.5 });
  }
}

const data = dataset(4, 8, 50);
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

for (const method of ['simclr', 'byol', 'moco_v2', 'npid'] as const) {
  test(`${method}: a short run on synthetic clips (two augmented views per clip) lowers the loss, memory flat`, async () => {
    manualSeed(7);
    const model = sslModel(method, 32);
    const losses: number[] = [];
    const live: number[] = [];
    const trainer = train.createSslTrainer({
      model, method, transform: train.sslViewTransform({ size: 12, scale: [0.4, 1] }),
      optimizer: 'adamw', lr: 3e-3, weightDecay: 1e-4, schedule: 'constant', epochs: 10,
      trainLoader: loaderOf(data, method === 'npid'),
      onProgress: (p) => { losses.push(p.loss); if (p.step === 8 || p.step === 40) live.push(memoryStats().liveTensors); },
    });
    await trainer.fit();
    const first = mean(losses.slice(0, 8)), last = mean(losses.slice(-8));
    console.log(`  ${method}: mean loss of epochs 1-2 ${first.toFixed(4)} -> epochs 9-10 ${last.toFixed(4)} (${losses.length} steps)`);
    assert.ok(losses.every(Number.isFinite), 'finite losses');
    assert.ok(last < first - 0.05 * Math.abs(first), `loss went down: ${first} -> ${last}`);
    assert.is(live[0], live[1], 'no tensors leak from step 8 to step 40');
    trainer.optimizer.dispose(); model.dispose();
  });
}

test('BYOL with a video backbone (narrow X3D, the demo network) on moving-shape clips: a few steps lower the loss', async () => {
  manualSeed(3);
  const { frames, size } = DEMO_CLIP;
  const bb = models.createX3d({ inputClipLength: frames, inputCropSize: size, modelNumClass: 16, widthFactor: 0.5, depthFactor: 0.5, headDimOut: 64, dropoutRate: 0, headActivation: null, stemConvStride: [1, 1, 1] });
  const model = new models.BYOL({ backbone: bb, projector: models.makeMultilayerPerceptron([16, 32, 16], { norm: models.BatchNorm1d, finalActivation: null })[0], featureDim: 16, predictorInner: 32, mmt: 0.9 });
  const clips = [0, 1].map((b) => demoClips(8, 50 + b));
  const loader = { length: 2, *[Symbol.iterator]() { for (const d of clips) yield { video: Tensor.from(d.video, [8, 3, frames, size, size]) }; } } as unknown as train.Loader;
  const losses: number[] = [];
  const trainer = train.createSslTrainer({
    model, method: 'byol', transform: train.sslViewTransform({ size, scale: [0.5, 1] }), byolSchedule: { base: 0.9, totalSteps: 8 },
    optimizer: 'adamw', lr: 3e-3, schedule: 'constant', epochs: 4, trainLoader: loader, onProgress: (p) => losses.push(p.loss),
  });
  await trainer.fit();
  console.log(`  BYOL + X3D: ${losses.map((x) => x.toFixed(3)).join(' ')}`);
  assert.ok(mean(losses.slice(-2)) < mean(losses.slice(0, 2)) - 0.1, 'loss went down');
  assert.ok(Math.abs(model.getMmt() - train.byolMomentum(7, 8, 0.9)) < 1e-12, 'momentum annealed by the schedule');
  trainer.optimizer.dispose(); model.dispose();
});

test('linear probe after SSL: the backbone stays frozen (weights and BN statistics), the Linear learns; top-1 reported', async () => {
  manualSeed(9);
  const model = sslModel('simclr', 0) as InstanceType<typeof models.SimCLR>;
  const pre = train.createSslTrainer({
    model, method: 'simclr', transform: train.sslViewTransform({ size: 12, scale: [0.4, 1] }),
    optimizer: 'adamw', lr: 3e-3, schedule: 'constant', epochs: 4, trainLoader: loaderOf(data, false),
  });
  await pre.fit();
  pre.optimizer.dispose();
  const bb = model.backbone!;
  const snap = new Map(Object.entries(bb.stateDict()).map(([k, v]) => [k, Array.from((v as Tensor).toArray())]));
  const held = dataset(2, 8, 900);
  const { top1, probe, trainer } = await train.linearProbe({
    backbone: bb, featureDim: FEAT, numClasses: 4, trainLoader: loaderOf(data, false), evalLoader: loaderOf(held, false),
    optimizer: 'adamw', lr: 0.05, weightDecay: 0, schedule: 'constant', epochs: 30,
  });
  const steps = trainer.history.filter((h) => h.type === 'step') as train.StepRecord[];
  console.log(`  linear probe: loss ${steps[0].loss.toFixed(3)} -> ${steps[steps.length - 1].loss.toFixed(3)}, held-out top-1 ${(top1 * 100).toFixed(1)}% (chance 25%)`);
  for (const [k, v] of Object.entries(bb.stateDict())) assert.equal(Array.from((v as Tensor).toArray()), snap.get(k), `backbone ${k} unchanged by the probe`);
  assert.ok(bb.parameters().every((p) => !p.requiresGrad), 'backbone requiresGrad off');
  assert.ok(steps[steps.length - 1].loss < 0.7 * steps[0].loss, 'the probe learns');
  assert.ok(top1 >= 0 && top1 <= 1);
  trainer.optimizer.dispose(); probe.head.dispose(); model.dispose();
});

test.run();
