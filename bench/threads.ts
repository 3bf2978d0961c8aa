// Threads add-on: X3D-XS conv shapes and a 256x1024x1024 GEMM at 1 vs 2 threads (and more with
// --threads=N), SIMD kernels, on vidwasm-mt.wasm (make wasm-mt; VIDWASM_WASM_MT or next to
// vidwasm.wasm). `npx tsx bench/threads.ts [--quick] [--threads=N] [--filter=text]`
//
// Per case and thread count: median wall time per call and median process CPU time per call
// (process.cpuUsage counts every thread of the process). speed-up = wall(1) / wall(n): what a
// user waits for; it needs n idle cores, so on a shared machine it is the noisy figure.
// cpu(n) / cpu(1) is the price of splitting (thread hand-off, spinning, duplicated packing):
// 1.0 means free; it is also what the machine's load cannot hide. Both runs of a case use the
// same module, data and kernels, and are interleaved (1, n) per case so load drifts hit both.
import { cpus, loadavg, arch } from 'node:os';
import { median, threadCpuNs } from './stats.js';
import { Tensor, ops, features, getIsa, zoo, noGrad, tidy, type nn } from '../ts/node.js';
import { countMacs } from './flops.js';

type Module = nn.Module;
import { setNumThreads, getNumThreads } from '../ts/runtime/threads/index.js';
import { packWeights, gemmPacked, type PackedWeights } from '../ts/runtime/ops/linalg.js';
import { gradRules } from '../ts/runtime/tape.js';
import type { ConvOptions } from '../ts/runtime/ops/conv.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const maxThreads = Number(args.find((a) => a.startsWith('--threads='))?.slice(10) ?? 2);
const filter = args.find((a) => a.startsWith('--filter='))?.slice(9);

interface Case { name: string; shape: string; flops: number; setup(): { run(): void; dispose(): void } }

const prod = (a: number[]) => a.reduce((p, d) => p * d, 1);

interface ConvShape { name: string; x: number[]; w: number[]; opts: ConvOptions }
// X3D-XS (160x160 crops, 4 frames, batch 1): one block per stage, stem included.
const X3D_XS: ConvShape[] = [
  { name: 'stem conv_xy 1x3x3 s(1,2,2) 3->24', x: [1, 3, 4, 160, 160], w: [24, 3, 1, 3, 3], opts: { stride: [1, 2, 2], padding: [0, 1, 1] } },
  { name: 'stem conv_t dw 5x1x1 24', x: [1, 24, 4, 80, 80], w: [24, 1, 5, 1, 1], opts: { padding: [2, 0, 0], groups: 24 } },
  { name: 'res2 1x1x1 24->54', x: [1, 24, 4, 40, 40], w: [54, 24, 1, 1, 1], opts: {} },
  { name: 'res2 dw 3x3x3 54', x: [1, 54, 4, 40, 40], w: [54, 1, 3, 3, 3], opts: { padding: 1, groups: 54 } },
  { name: 'res2 1x1x1 54->24', x: [1, 54, 4, 40, 40], w: [24, 54, 1, 1, 1], opts: {} },
  { name: 'res3 1x1x1 48->108', x: [1, 48, 4, 20, 20], w: [108, 48, 1, 1, 1], opts: {} },
  { name: 'res3 dw 3x3x3 108', x: [1, 108, 4, 20, 20], w: [108, 1, 3, 3, 3], opts: { padding: 1, groups: 108 } },
  { name: 'res4 1x1x1 96->216', x: [1, 96, 4, 10, 10], w: [216, 96, 1, 1, 1], opts: {} },
  { name: 'res5 1x1x1 192->432', x: [1, 192, 4, 5, 5], w: [432, 192, 1, 1, 1], opts: {} },
];

function convFlops(s: ConvShape): number {
  const x = Tensor.zeros(s.x), w = Tensor.zeros(s.w);
  const y = ops.conv3d(x, w, null, s.opts);
  const m = y.size / s.w[0];
  x.dispose(); w.dispose(); y.dispose();
  return 2 * m * s.w[0] * prod(s.w.slice(1));
}

function convFwd(s: ConvShape): Case {
  return {
    name: `X3D-XS ${s.name} fwd`, shape: s.x.slice(1).join('x'), flops: convFlops(s),
    setup() {
      const x = Tensor.randn(s.x, { layout: 'channels_last' }), w = Tensor.randn(s.w), b = Tensor.randn([s.w[0]]);
      return { run: () => ops.conv3d(x, w, b, s.opts).dispose(), dispose: () => { x.dispose(); w.dispose(); b.dispose(); } };
    },
  };
}

/** Backward at batch 2 (grad input splits by clip; grad weight by output channel in 1x1x1 mode, else one thread). */
function convBwd(s: ConvShape): Case {
  const s2 = { ...s, x: [2, ...s.x.slice(1)] };
  return {
    name: `X3D-XS ${s.name} bwd (N=2)`, shape: s2.x.slice(1).join('x'), flops: 2 * convFlops(s2),
    setup() {
      const x = Tensor.randn(s2.x, { layout: 'channels_last', requiresGrad: true });
      const w = Tensor.randn(s2.w, { requiresGrad: true }), b = Tensor.randn([s2.w[0]], { requiresGrad: true });
      const y = ops.conv3d(x, w, b, s2.opts);
      const gy = Tensor.randn(y.shape, { layout: 'channels_last' });
      return {
        run: () => { for (const g of gradRules.conv3d(gy, y.gradFn!, y)) g?.dispose(); },
        dispose: () => { for (const t of [x, w, b, y, gy]) t.dispose(); },
      };
    },
  };
}

function gemm(M: number, K: number, N: number): Case {
  return {
    name: `GEMM packed ${M}x${K}x${N}`, shape: `M${M} K${K} N${N}`, flops: 2 * M * N * K,
    setup() {
      const a = Tensor.randn([M, K]), w = Tensor.randn([N, K]), c = Tensor.empty([M, N]);
      const p: PackedWeights = packWeights(w);
      return { run: () => gemmPacked(a.ptr, M, K, p, c.ptr, N), dispose: () => { a.dispose(); w.dispose(); c.dispose(); p.dispose(); } };
    },
  };
}

function linearBwd(M: number, K: number, N: number): Case {
  return {
    name: `linear ${M}x${K}->${N} bwd (matmul)`, shape: `M${M} K${K} N${N}`, flops: 4 * M * N * K,
    setup() {
      const x = Tensor.randn([M, K], { requiresGrad: true }), w = Tensor.randn([N, K], { requiresGrad: true });
      const y = ops.linear(x, w);
      const gy = Tensor.randn(y.shape);
      return {
        run: () => { for (const g of gradRules.linear(gy, y.gradFn!, y)) g?.dispose(); },
        dispose: () => { for (const t of [x, w, y, gy]) t.dispose(); },
      };
    },
  };
}


/** Whole X3D-XS (zoo.build, random weights), eval forward at batch 1: every op, threaded or not. */
function x3dXs(): Case {
  const c: Case = {
    name: 'X3D-XS model eval forward', shape: '3x4x160x160', flops: NaN,  // conv + linear MACs x 2, counted on first setup
    setup() {
      const net = zoo.build('x3d_xs') as unknown as Module;
      net.eval();
      const x = Tensor.randn([1, 3, 4, 160, 160]);
      const run = () => noGrad(() => tidy(() => { net.forward(x); }));
      if (!Number.isFinite(c.flops)) c.flops = 2 * countMacs(net, run).macs;
      return { run, dispose: () => { x.dispose(); net.dispose(); } };
    },
  };
  return c;
}


/**
 * Median wall and process-CPU milliseconds per call over about budgetMs (at least 3 calls, after
 * warm-ups), and `busiest`: the CPU ms per call of the busiest thread over the whole loop (the
 * critical path; on n idle cores the wall time would approach it, plus the hand-off latency).
 */
function measure(run: () => void, budgetMs: number): { wall: number; cpu: number; busiest: number } {
  for (let i = 0; i < 3; i++) run();  // warm-up: also lets V8 tier up the wasm in every worker
  const wall: number[] = [], cpu: number[] = [];
  const before = threadCpuNs();
  const t0 = performance.now();
  while (wall.length < 3 || (performance.now() - t0 < budgetMs && wall.length < 200)) {
    const c0 = process.cpuUsage(), w0 = performance.now();
    run();
    const w1 = performance.now(), d = process.cpuUsage(c0);
    wall.push(w1 - w0);
    cpu.push((d.user + d.system) / 1000);
  }
  let busiest = NaN;
  for (const [tid, ns] of threadCpuNs()) {
    const d = (ns - (before.get(tid) ?? 0)) / 1e6 / wall.length;
    if (!(d <= busiest)) busiest = d;
  }
  return { wall: median(wall), cpu: median(cpu), busiest };
}

async function main(): Promise<void> {
  // The switch to the shared-memory module must come before any tensor exists.
  await setNumThreads(maxThreads);
  const f = features();
  console.log(`vidwasm threads benchmark | device: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length} (${arch()}) | node ${process.version}`);
  console.log(`wasm SIMD: ${f.simd ? 'yes' : 'no'} | threads: ${f.threads ? 'available' : 'no'}, compared: 1 vs ${maxThreads} | ISA variant: ${getIsa()} | ` +
    `load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')}${quick ? ' | --quick' : ''}`);
  console.log('wall = median wall ms per call; cpu = median process CPU ms per call (all threads); speed-up = wall(1)/wall(n); cpu ratio = cpu(n)/cpu(1);\n' +
    'busiest = CPU ms per call of the busiest thread (/proc schedstat); est. = busiest(1)/busiest(n): the speed-up n idle cores would give, hand-off latency aside\n');
  const cases: Case[] = [
    gemm(256, 1024, 1024),
    linearBwd(256, 1024, 1024),
    ...X3D_XS.map(convFwd),
    convBwd(X3D_XS[3]), convBwd(X3D_XS[2]),
    x3dXs(),
  ].filter((c) => !filter || c.name.includes(filter));
  const pad = (s: string, n: number) => s.padEnd(n);
  const n2 = maxThreads;
  console.log(`${pad('case', 44)} ${pad('shape', 18)} ${'wall 1'.padStart(8)} ${`wall ${n2}`.padStart(8)} ${'speed-up'.padStart(8)} ${'cpu 1'.padStart(8)} ${`cpu ${n2}`.padStart(8)} ${'cpu ratio'.padStart(9)} ${'busiest 1'.padStart(9)} ${`busiest ${n2}`.padStart(9)} ${'est.'.padStart(6)} ${'GFLOP/s 1'.padStart(10)} ${`GFLOP/s ${n2}`.padStart(10)}`);
  const budget = quick ? 150 : 500;
  const speedups: number[] = [], estimates: number[] = [];
  for (const c of cases) {
    const { run, dispose } = c.setup();
    try {
      await setNumThreads(1);
      const one = measure(run, budget);
      await setNumThreads(n2);
      const many = measure(run, budget);
      const su = one.wall / many.wall;
      speedups.push(su);
      estimates.push(one.busiest / many.busiest);
      console.log(`${pad(c.name, 44)} ${pad(c.shape, 18)} ${one.wall.toFixed(2).padStart(8)} ${many.wall.toFixed(2).padStart(8)} ${`${su.toFixed(2)}x`.padStart(8)} ` +
        `${one.cpu.toFixed(2).padStart(8)} ${many.cpu.toFixed(2).padStart(8)} ${(many.cpu / one.cpu).toFixed(2).padStart(9)} ` +
        `${one.busiest.toFixed(2).padStart(9)} ${many.busiest.toFixed(2).padStart(9)} ${`${(one.busiest / many.busiest).toFixed(2)}x`.padStart(6)} ` +
        `${(c.flops / one.wall / 1e6).toFixed(1).padStart(10)} ${(c.flops / many.wall / 1e6).toFixed(1).padStart(10)}`);
    } finally { dispose(); }
  }
  const geo = (v: number[]) => Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / Math.max(1, v.length)).toFixed(2);
  console.log(`\ngeometric mean at ${n2} threads: wall speed-up ${geo(speedups)}x, critical-path estimate ${geo(estimates)}x ` +
    `(load average now ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; threads now: ${getNumThreads()})`);
  await setNumThreads(1);
}

await main();
