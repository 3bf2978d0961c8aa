// Deploy form vs original form (PyTorchVideo/Accelerator's convertToDeployableForm): eval-mode
// forward latency at batch 1, single thread, of EfficientX3d-XS (4x160²) and -S (13x160²) built
// by the zoo (random weights), of X3D-XS built by createX3d after transmuteModel, and of plain
// X3D-XS; the deploy form compiled into an inference plan (acc.compile) run by Plan.run; and, for
// the efficient X3Ds, the int8 model (accelerator.quantize of the deploy form, calibrated on two
// random clips) vs the fp32 deploy form. Median CPU ms per forward (wall in brackets).
// `npx tsx bench/run.ts deploy [--quick] [--filter=XS]`
import { Tensor, zoo, models, noGrad, tidy, accelerator as acc, type nn } from '../ts/node.js';
import { countMacs } from './flops.js';
import { timeRuns } from './models.js';

interface DeployCase { name: string; build: () => nn.Module; shape: number[]; iters: number; quickIters: number; int8?: boolean }

const CASES: DeployCase[] = [
  { name: 'EfficientX3d-XS 4x160²', build: () => zoo.build('efficient_x3d_xs'), shape: [1, 3, 4, 160, 160], iters: 10, quickIters: 3, int8: true },
  { name: 'EfficientX3d-S 13x160²', build: () => zoo.build('efficient_x3d_s'), shape: [1, 3, 13, 160, 160], iters: 5, quickIters: 2, int8: true },
  {
    name: 'createX3d XS, transmuted 4x160²', shape: [1, 3, 4, 160, 160], iters: 10, quickIters: 3,
    build: () => { const m = models.createX3d({ inputClipLength: 4, inputCropSize: 160 }); acc.transmuteModel(m); return m; },
  },
  { name: 'createX3d XS 4x160²', build: () => models.createX3d({ inputClipLength: 4, inputCropSize: 160 }), shape: [1, 3, 4, 160, 160], iters: 10, quickIters: 3 },
];

export async function runDeploySuite({ quick = false, filter }: { quick?: boolean; filter?: string } = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  console.log('deploy: batch 1, eval, no grad, single thread; median CPU ms per forward [wall]; original form vs convertToDeployableForm.');
  for (const c of CASES) {
    if (filter && !c.name.includes(filter)) continue;
    const iters = quick ? c.quickIters : c.iters;
    const net = c.build().eval();
    const x = Tensor.randn(c.shape);
    const t0 = performance.now();
    const deploy = acc.convertToDeployableForm(net, x);
    const convertMs = performance.now() - t0;
    const timed: Record<string, { cpu: number; wall: number }> = {};
    let macs = 0;
    const int8 = c.int8 ? await acc.quantize(deploy, { calibration: [Tensor.randn(c.shape), Tensor.randn(c.shape)] }) : null;
    const forms: [string, nn.Module][] = [['original', net], ['deploy', deploy], ...(int8 ? [['int8', int8] as [string, nn.Module]] : [])];
    for (const [form, m] of forms) {
      const forward = () => noGrad(() => tidy(() => { m.forward(x); }));
      if (form === 'original') macs = countMacs(m, forward).macs;
      timed[form] = await timeRuns(forward, quick ? 1 : 2, iters);
      rows.push({ name: `${c.name}: ${form} form`, backend: 'simd', gflops: (2 * macs) / (timed[form].cpu * 1e6), latencyMs: timed[form].cpu, wallMs: timed[form].wall });
    }
    const t1 = performance.now();
    const plan = await acc.compile(deploy, x);
    const compileMs = performance.now() - t1;
    timed.plan = await timeRuns(() => plan.run(x).dispose(), quick ? 1 : 2, iters);
    rows.push({ name: `${c.name}: plan`, backend: 'simd', gflops: (2 * macs) / (timed.plan.cpu * 1e6), latencyMs: timed.plan.cpu, wallMs: timed.plan.wall });
    const speedup = timed.original.cpu / timed.deploy.cpu;
    console.log(`${c.name.padEnd(32)} original ${timed.original.cpu.toFixed(1)} ms [${timed.original.wall.toFixed(1)}]  ` +
      `deploy ${timed.deploy.cpu.toFixed(1)} ms [${timed.deploy.wall.toFixed(1)}]  deploy ${speedup.toFixed(2)}x faster; conversion took ${convertMs.toFixed(0)} ms`);
    console.log(`${''.padEnd(32)} plan ${timed.plan.cpu.toFixed(1)} ms [${timed.plan.wall.toFixed(1)}]  ${(timed.deploy.cpu / timed.plan.cpu).toFixed(2)}x the deploy-form forward ` +
      `(arena ${(plan.arenaBytes / 2 ** 20).toFixed(1)} MiB, ${plan.data.calls.length} calls); compile took ${compileMs.toFixed(0)} ms`);
    if (int8) {
      console.log(`${''.padEnd(32)} int8 ${timed.int8.cpu.toFixed(1)} ms [${timed.int8.wall.toFixed(1)}]  int8 ${(timed.deploy.cpu / timed.int8.cpu).toFixed(2)}x faster than fp32 deploy`);
      int8.dispose();
    }
    plan.dispose(); x.dispose(); deploy.dispose(); net.dispose();
  }
  return rows;
}
