// Model benchmarks: eval-mode forward latency at batch 1, single thread, of X3D-XS (4x160²),
// X3D-S (13x160²), Slow-R50 8x8 (8x224²) and SlowFast-R50 8x8 (8 + 32 frames at 224²), built
// by zoo.build with the hub arguments (random weights), with the MACs counted from the shapes
// the forward produces (bench/flops.ts) and the achieved GFLOP/s (2 FLOPs per MAC).
// onnxruntime-web runs the same architectures beside it (wasm backend, SIMD, numThreads 1),
// from ONNX files bench/export_onnx.py writes once into a cache directory (not committed):
// $VIDWASM_ONNX_CACHE or <tmpdir>/vidwasm-onnx. Both are timed by the CPU time of this process
// per forward (median), which a shared machine's other load does not inflate; wall medians too.
// `npx tsx bench/run.ts models [--quick] [--filter=X3D]`
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, zoo, noGrad, tidy } from '../ts/node.js';
import { countMacs } from './flops.js';

interface ModelCase { name: string; zoo: string; shapes: number[][]; iters: number; quickIters: number; warmups: number }

const CASES: ModelCase[] = [
  { name: 'X3D-XS 4x160²', zoo: 'x3d_xs', shapes: [[1, 3, 4, 160, 160]], iters: 10, quickIters: 3, warmups: 3 },
  { name: 'X3D-S 13x160²', zoo: 'x3d_s', shapes: [[1, 3, 13, 160, 160]], iters: 5, quickIters: 2, warmups: 2 },
  { name: 'Slow-R50 8x8 224²', zoo: 'slow_r50', shapes: [[1, 3, 8, 224, 224]], iters: 3, quickIters: 1, warmups: 1 },
  { name: 'SlowFast-R50 8x8 224²', zoo: 'slowfast_r50', shapes: [[1, 3, 8, 224, 224], [1, 3, 32, 224, 224]], iters: 3, quickIters: 1, warmups: 1 },
];

const here = dirname(fileURLToPath(import.meta.url));
const cacheDir = process.env.VIDWASM_ONNX_CACHE ?? join(tmpdir(), 'vidwasm-onnx');
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

/** CPU and wall milliseconds of one call of fn (sync or async). */
async function timeOnce(fn: () => unknown): Promise<{ cpu: number; wall: number }> {
  const c0 = process.cpuUsage(), t0 = performance.now();
  await fn();
  const d = process.cpuUsage(c0);
  return { cpu: (d.user + d.system) / 1000, wall: performance.now() - t0 };
}

export async function timeRuns(fn: () => unknown, warmups: number, iters: number): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < warmups; i++) await fn();
  const cpu: number[] = [], wall: number[] = [];
  for (let i = 0; i < iters; i++) { const t = await timeOnce(fn); cpu.push(t.cpu); wall.push(t.wall); }
  return { cpu: median(cpu), wall: median(wall) };
}

/** The ONNX file of a model, exported by bench/export_onnx.py when missing; null (with a message) when that cannot be done. */
function onnxFile(name: string): string | null {
  const path = join(cacheDir, `${name}.onnx`);
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  console.log(`  exporting ${name} to ONNX (bench/export_onnx.py, once; cached in ${cacheDir})...`);
  const r = spawnSync('/usr/bin/python3', [join(here, 'export_onnx.py'), cacheDir, name], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(path)) {
    const why = r.error ? String(r.error.message) : /No module named 'torch'/.test(r.stderr ?? '') ? 'python3-torch is not installed (apt-get install python3-torch)' : (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    console.log(`  onnxruntime-web skipped for ${name}: cannot export the ONNX file (${why})`);
    return null;
  }
  return path;
}

type Ort = typeof import('onnxruntime-web');
let ortModule: Ort | null | undefined;
async function loadOrt(): Promise<Ort | null> {
  if (ortModule !== undefined) return ortModule;
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;   // the same single thread as vidwasm
    ort.env.wasm.proxy = false;
    ortModule = ort;
  } catch (e) {
    console.log(`  onnxruntime-web unavailable (${(e as Error).message}): npm install first`);
    ortModule = null;
  }
  return ortModule;
}

function randomData(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 4294967296 - 0.5; }
  return a;
}

export async function runModelsSuite({ quick = false, filter }: { quick?: boolean; filter?: string } = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  console.log(`models: batch 1, eval, single thread; latency = median CPU ms per forward (wall in brackets). ` +
    `MACs counted from conv/linear shapes (the zoo's "GFLOPs" are MACs); GFLOP/s = 2 x MACs / time.`);
  for (const c of CASES) {
    if (filter && !`${c.name} ${c.zoo}`.includes(filter)) continue;
    const iters = quick ? c.quickIters : c.iters;
    const data = c.shapes.map((s, i) => randomData(s, 7 + i));
    // ---- vidwasm ----
    const net = zoo.build(c.zoo) as any;
    net.eval();
    const inputs = c.shapes.map((s, i) => Tensor.from(data[i], s));
    const feed = inputs.length === 1 ? inputs[0] : inputs;
    const forward = () => noGrad(() => tidy(() => { net.forward(feed); }));
    const macs = countMacs(net, forward);  // also the first warm-up call
    // Warm-up calls let V8 tier both wasm modules up from its baseline compiler (same count for each).
    const warmups = quick ? 1 : c.warmups;
    const ours = await timeRuns(forward, warmups - 1, iters);
    for (const t of inputs) t.dispose();
    net.dispose();
    const gmac = macs.macs / 1e9;
    const oursRate = (2 * macs.macs) / (ours.cpu * 1e6);
    const info = zoo.modelInfo(c.zoo);
    console.log(`${c.name.padEnd(24)} ${gmac.toFixed(2)} GMAC (zoo table: ${info.gflops} G)  ` +
      `vidwasm ${ours.cpu.toFixed(1)} ms [${ours.wall.toFixed(1)}]  ${oursRate.toFixed(2)} GFLOP/s`);
    rows.push({ name: `${c.name}: vidwasm`, backend: 'simd', gflops: oursRate, latencyMs: ours.cpu, wallMs: ours.wall, gmacs: gmac });

    // ---- onnxruntime-web, same architecture ----
    const ort = await loadOrt();
    const file = ort ? onnxFile(c.zoo) : null;
    if (!ort || !file) continue;
    const session = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
    session.inputNames.forEach((n, i) => { feeds[n] = new ort.Tensor('float32', data[i], c.shapes[i]); });
    const theirs = await timeRuns(() => session.run(feeds), warmups, iters);
    await session.release();
    const ortRate = (2 * macs.macs) / (theirs.cpu * 1e6);
    const ratio = ours.cpu / theirs.cpu;
    console.log(`${''.padEnd(24)} onnxruntime-web ${ort.env.versions?.web ?? ''} wasm: ${theirs.cpu.toFixed(1)} ms [${theirs.wall.toFixed(1)}]  ${ortRate.toFixed(2)} GFLOP/s` +
      `  | latency vidwasm/ORT = ${ratio.toFixed(2)} (${ratio < 1 ? `vidwasm ${(1 / ratio).toFixed(2)}x faster` : `ORT ${ratio.toFixed(2)}x faster`})`);
    rows.push({ name: `${c.name}: onnxruntime-web`, backend: 'simd', gflops: ortRate, latencyMs: theirs.cpu, wallMs: theirs.wall, ratio });
  }
  return rows;
}
