// compile() has no per-architecture code: the builder of every zoo model (and the efficient
// X3D) compiles, at narrow widths and small clips to stay quick, and each plan reproduces its
// model's forward bit for bit (compile itself checks that on the example and on another input;
// the test checks the example again through the public API).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReadmeExample } from '../helpers/readme_example.js';
import { Tensor, nn, tidy, noGrad, manualSeed, models, zoo, accelerator as acc } from '../../ts/node.js';

const raw = (t: Tensor) => { const b = new Uint8Array(t.data().buffer, t.ptr, t.nbytes).slice(); t.dispose(); return b; };
const clip = (t: number, s: number) => Tensor.randn([1, 3, t, s, s]);
const boxes = (dx = 0) => Tensor.from(new Float32Array([0, 2 + dx, 4, 40, 50, 0, 10, 12 + dx, 30, 60]), [2, 5]);

type Call = (m: nn.Module, xs: Tensor[]) => Tensor;
interface Case { build: () => nn.Module; inputs: () => Tensor[]; call?: Call; other?: () => Tensor[] }
const fwd = (m: nn.Module) => (...a: unknown[]) => (m.forward as (...b: unknown[]) => Tensor).apply(m, a);
const CASES: Record<string, Case> = {
  createX3d: { build: () => models.createX3d({ inputClipLength: 4, inputCropSize: 64, modelNumClass: 5, depthFactor: 0.5 }), inputs: () => [clip(4, 64)] },
  createResnet: { build: () => models.createResnet({ modelDepth: 50, modelNumClass: 5, stemDimOut: 4, headPoolKernelSize: [4, 2, 2] }), inputs: () => [clip(4, 64)] },
  createCsn: { build: () => models.createCsn({ modelDepth: 50, modelNumClass: 5, stemDimOut: 4, headPoolKernelSize: [1, 2, 2] }), inputs: () => [clip(8, 64)] },
  createR2plus1d: {
    build: () => models.createR2plus1d({ modelDepth: 50, modelNumClass: 5, stemDimOut: 4, stageTemporalStride: [1, 1, 1, 1], headPoolKernelSize: [4, 2, 2] }),
    inputs: () => [clip(4, 64)],
  },
  createSlowfast: {
    build: () => models.createSlowfast({ modelNumClass: 5, stemDimOuts: [16, 2], headPoolKernelSizes: [[2, 2, 2], [8, 2, 2]] }),
    inputs: () => [clip(2, 64), clip(8, 64)],
  },
  createMultiscaleVisionTransformers: {
    build: () => models.createMultiscaleVisionTransformers({ spatialSize: 32, temporalSize: 4, embedDimMul: [[1, 2.0]], atten_head_mul: undefined, depth: 2, headNumClasses: 5,
      poolQStrideSize: [[1, 1, 2, 2]], poolKvqKernel: [3, 3, 3], poolKvStrideAdaptive: [1, 4, 4], patchEmbedDim: 16, numHeads: 1 } as never),
    inputs: () => [clip(4, 32)],
  },
  createResnetWithRoiHead: {
    build: () => models.createResnetWithRoiHead({ modelDepth: 50, stemDimOut: 4, modelNumClass: 5, headSpatialResolution: [4, 4] }),
    inputs: () => [clip(4, 64), boxes()], call: (m, [x, b]) => fwd(m)(x, b), other: () => [clip(4, 64), boxes(3)],
  },
  createSlowfastWithRoiHead: {
    build: () => models.createSlowfastWithRoiHead({ modelNumClass: 5, stemDimOuts: [16, 2], headSpatialResolution: [4, 4], headPoolKernelSizes: [[2, 1, 1], [8, 1, 1]] } as never),
    inputs: () => [clip(2, 64), clip(8, 64), boxes()], call: (m, [s, f, b]) => fwd(m)([s, f], b), other: () => [clip(2, 64), clip(8, 64), boxes(3)],
  },
  createEfficientX3d: { build: () => acc.createEfficientX3d({ numClasses: 5, expansion: 'S' }), inputs: () => [clip(4, 64)] },
};

test('the case list covers every builder the zoo uses', () => {
  const used = new Set(zoo.listModels().map((n) => zoo.modelInfo(n).builder).filter((b): b is string => !!b));
  for (const b of used) assert.ok(b in CASES, `no compile case for ${b}`);
});

for (const [name, c] of Object.entries(CASES)) {
  test(`${name}: compiles, and the plan == the module forward bit for bit`, async () => {
    manualSeed(1);
    const net = c.build().eval();
    const xs = c.inputs(), ys = c.other?.() ?? xs.map((x) => Tensor.randn([...x.shape]));
    const eager = (v: Tensor[]) => raw(tidy(() => noGrad(() => (c.call ? c.call(net, v) : net.forward(v.length === 1 ? v[0] : v)) as Tensor)));
    const plan = await acc.compile(net, xs, { call: c.call, validationInput: c.other ? ys : undefined });
    try {
      const got = raw(plan.run(xs)), want = eager(xs);
      assert.is(got.findIndex((b, i) => b !== want[i]), -1);
      assert.ok(plan.arenaBytes > 0 && plan.data.calls.length > 0);
    } finally {
      plan.dispose();
      net.dispose();
      [...xs, ...ys].forEach((t) => t.dispose());
    }
  });
}

test('README: the compiled-plan example runs and prints what it says', async () => {
  const lines = await runReadmeExample('### Compiled inference plans');
  assert.is(lines[0][0], 'arena bytes:');
  assert.ok((lines[0][1] as number) > 0);
  assert.equal(lines[0][3], [1, 400]);
  assert.match(String(lines[1][0]), /^plan: \d+ kernel calls, arena [\d.]+ KiB \(peak bytes \d+\), constants/);
});

test.run();
