// Model benchmarks: eval-mode forward latency at batch 1 of X3D-XS (4x160²), X3D-S (13x160²),
// Slow-R50 8x8 (8x224²), SlowFast-R50 8x8 (8 + 32 frames at 224²) and R(2+1)D-R50 (16x224²),
// built by zoo.build with the hub arguments (random weights), with the MACs counted from the
// shapes the forward produces (bench/flops.ts) and the achieved GFLOP/s (2 FLOPs per MAC).
//
// Peers in the same process, on the same architectures from ONNX files bench/export_onnx.py
// writes once into a cache directory (not committed; $VIDWASM_ONNX_CACHE or <tmpdir>/vidwasm-onnx):
//   onnxruntime-node (native, CPU execution provider) at intraOpNumThreads 1 and 2;
//   onnxruntime-web (wasm backend, SIMD, numThreads 1).
// vidwasm runs at 1 and 2 threads (setNumThreads(2) first: the shared-memory module, both counts).
// Rounds are interleaved (each round runs every peer once), and a ratio is taken per round and
// its median reported, so slow phases of the shared machine hit both sides of a ratio. The time
// of a call is the CPU time of this process's busiest thread (/proc/self/task/*/schedstat: the
// critical path, which other processes' time slices do not inflate; at 1 thread the calling
// thread); wall medians beside. "first" is the wall time of the first forward after building
// (vidwasm) or creating the session (ORT): the first model in the run is the cold process.
// `npx tsx bench/run.ts models [--quick] [--filter=X3D] [--profile]`; --profile adds per-layer
// tables of one forward, vidwasm next to onnxruntime-node's own profiler (bench/models/profile.ts).
import { existsSync, readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, zoo, noGrad, tidy } from '../ts/node.js';
import { setNumThreads, threadsAvailable } from '../ts/runtime/threads/index.js';
import { countMacs } from './flops.js';
import { threadCpuNs, profileVidwasm, readOrtProfile, printProfiles } from './models/profile.js';

interface ModelCase { name: string; zoo: string; shapes: number[][]; rounds: number; quickRounds: number }

const CASES: ModelCase[] = [
  { name: 'X3D-XS 4x160²', zoo: 'x3d_xs', shapes: [[1, 3, 4, 160, 160]], rounds: 9, quickRounds: 3 },
  { name: 'X3D-S 13x160²', zoo: 'x3d_s', shapes: [[1, 3, 13, 160, 160]], rounds: 5, quickRounds: 2 },
  { name: 'Slow-R50 8x8 224²', zoo: 'slow_r50', shapes: [[1, 3, 8, 224, 224]], rounds: 3, quickRounds: 1 },
  { name: 'SlowFast-R50 8x8 224²', zoo: 'slowfast_r50', shapes: [[1, 3, 8, 224, 224], [1, 3, 32, 224, 224]], rounds: 3, quickRounds: 1 },
  { name: 'R(2+1)D-R50 16x224²', zoo: 'r2plus1d_r50', shapes: [[1, 3, 16, 224, 224]], rounds: 3, quickRounds: 1 },
];

const here = dirname(fileURLToPath(import.meta.url));
const cacheDir = process.env.VIDWASM_ONNX_CACHE ?? join(tmpdir(), 'vidwasm-onnx');
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

interface Timing { busiest: number; wall: number }

/** Median process-CPU and wall ms per call of fn after warm-ups (bench/deploy.ts). */
export async function timeRuns(fn: () => unknown, warmups: number, iters: number): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < warmups; i++) await fn();
  const cpu: number[] = [], wall: number[] = [];
  for (let i = 0; i < iters; i++) {
    const c0 = process.cpuUsage(), w0 = performance.now();
    await fn();
    const d = process.cpuUsage(c0);
    cpu.push((d.user + d.system) / 1000); wall.push(performance.now() - w0);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

/**
 * Busiest-thread CPU and wall milliseconds of one call of fn (sync or async). At 1 thread the
 * process CPU (getrusage, exact; schedstat of a running thread only moves at scheduler ticks).
 */
async function timeOnce(fn: () => unknown, threads: number): Promise<Timing> {
  const t0 = threads > 1 ? threadCpuNs() : null, c0 = process.cpuUsage(), w0 = performance.now();
  await fn();
  const wall = performance.now() - w0, d = process.cpuUsage(c0), cpu = (d.user + d.system) / 1000;
  if (!t0) return { busiest: cpu, wall };
  let busiest = 0;
  const t1 = threadCpuNs();
  for (const [tid, ns] of t1) busiest = Math.max(busiest, (ns - (t0.get(tid) ?? 0)) / 1e6);
  return { busiest: t1.size > 0 ? busiest : cpu, wall };
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
    console.log(`  ORT peers skipped for ${name}: cannot export the ONNX file (${why})`);
    return null;
  }
  return path;
}

type OrtWeb = typeof import('onnxruntime-web');
type OrtNode = typeof import('onnxruntime-node');
let ortWeb: OrtWeb | null | undefined, ortNode: OrtNode | null | undefined;
async function loadOrtWeb(): Promise<OrtWeb | null> {
  if (ortWeb !== undefined) return ortWeb;
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;   // the same single thread as vidwasm
    ort.env.wasm.proxy = false;
    ortWeb = ort;
  } catch (e) {
    console.log(`  onnxruntime-web unavailable (${(e as Error).message}): npm install first`);
    ortWeb = null;
  }
  return ortWeb;
}
async function loadOrtNode(): Promise<OrtNode | null> {
  if (ortNode !== undefined) return ortNode;
  try {
    ortNode = await import('onnxruntime-node');
  } catch (e) {
    console.log(`  onnxruntime-node unavailable (${(e as Error).message}): ONNXRUNTIME_NODE_INSTALL=skip npm install first`);
    ortNode = null;
  }
  return ortNode;
}

function randomData(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 4294967296 - 0.5; }
  return a;
}

/** One side of the comparison: a forward to time, its first call's wall ms, and how to release it. */
interface Peer { label: string; threads: number; run: () => unknown; first: number; release: () => unknown }

async function ortNodePeer(ort: OrtNode, file: string, c: ModelCase, data: Float32Array[], threads: number, profilePrefix?: string): Promise<Peer> {
  const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1,
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}) } as const;
  const session = await ort.InferenceSession.create(file, opts as any);
  const feeds: Record<string, InstanceType<OrtNode['Tensor']>> = {};
  session.inputNames.forEach((n, i) => { feeds[n] = new ort.Tensor('float32', data[i], c.shapes[i]); });
  const run = () => session.run(feeds);
  const first = (await timeOnce(run, threads)).wall;
  // with enableProfiling, endProfiling writes the trace (the last run is the one read back)
  const release = async () => { if (profilePrefix) session.endProfiling(); await session.release(); };
  return { label: `onnxruntime-node ${threads}t`, threads, run, first, release };
}

async function ortWebPeer(ort: OrtWeb, file: string, c: ModelCase, data: Float32Array[]): Promise<Peer> {
  const session = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const feeds: Record<string, InstanceType<OrtWeb['Tensor']>> = {};
  session.inputNames.forEach((n, i) => { feeds[n] = new ort.Tensor('float32', data[i], c.shapes[i]); });
  const run = () => session.run(feeds);
  const first = (await timeOnce(run, 1)).wall;
  return { label: 'onnxruntime-web 1t', threads: 1, run, first, release: () => session.release() };
}

const fmtRange = (v: number[]) => v.length === 0 ? '-' : `${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}-${Math.max(...v).toFixed(2)})`;

export async function runModelsSuite({ quick = false, filter }: { quick?: boolean; filter?: string } = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const profile = process.argv.includes('--profile');
  // The shared-memory module must be loaded before any tensor exists; then both counts run on it.
  const maxThreads = threadsAvailable() ? await setNumThreads(2) : 1;
  console.log(`models: batch 1, eval; ms = median CPU of the busiest thread per forward (wall in brackets); ratios = ` +
    `median over interleaved rounds of vidwasm/peer at the same thread count (range in brackets). MACs counted from ` +
    `conv/linear shapes (the zoo's "GFLOPs" are MACs); GFLOP/s = 2 x MACs / time. vidwasm threads: 1${maxThreads > 1 ? ' and 2' : ' only (threads unavailable)'}.`);
  for (const c of CASES) {
    if (filter && !`${c.name} ${c.zoo}`.includes(filter)) continue;
    const rounds = quick ? c.quickRounds : c.rounds;
    const data = c.shapes.map((s, i) => randomData(s, 7 + i));
    // ---- vidwasm ----
    await setNumThreads(1);
    const net = zoo.build(c.zoo) as any;
    net.eval();
    const inputs = c.shapes.map((s, i) => Tensor.from(data[i], s));
    const feed = inputs.length === 1 ? inputs[0] : inputs;
    const forward = () => noGrad(() => tidy(() => { net.forward(feed); }));
    const w0 = performance.now();
    const macs = countMacs(net, forward);  // the first call
    const ours: Peer[] = [1, maxThreads].filter((t, i) => i === 0 || t > 1).map((t, i) => ({
      label: `vidwasm ${t}t`, threads: t, first: i === 0 ? performance.now() - w0 : NaN,
      run: async () => { await setNumThreads(t); return forward(); }, release: () => undefined,
    }));
    // ---- ORT peers, same architecture ----
    const theirs: Peer[] = [];
    const [node, web] = [await loadOrtNode(), await loadOrtWeb()];
    const file = node || web ? onnxFile(c.zoo) : null;
    if (file && node) for (const t of [1, maxThreads].filter((t, i) => i === 0 || t > 1)) theirs.push(await ortNodePeer(node, file, c, data, t));
    if (file && web) theirs.push(await ortWebPeer(web, file, c, data));
    const peers = [...ours, ...theirs];
    // ---- interleaved rounds (one untimed round first: V8 tiers wasm up, threads start) ----
    const times = new Map<Peer, Timing[]>(peers.map((p) => [p, []]));
    for (let r = -1; r < rounds; r++) {
      for (const p of peers) { const t = await timeOnce(p.run, p.threads); if (r >= 0) times.get(p)!.push(t); }
    }
    await setNumThreads(1);
    const gmac = macs.macs / 1e9;
    console.log(`${c.name}: ${gmac.toFixed(2)} GMAC (zoo table: ${zoo.modelInfo(c.zoo).gflops} G), ${rounds} rounds`);
    for (const p of peers) {
      const ts = times.get(p)!, ms = median(ts.map((t) => t.busiest)), wall = median(ts.map((t) => t.wall));
      const rate = (2 * macs.macs) / (ms * 1e6);
      const ratios: Record<string, number> = {};
      const vs = ours.includes(p) ? theirs.filter((q) => q.threads === p.threads).map((q) => {
        const r = ts.map((t, i) => t.busiest / times.get(q)!.at(i)!.busiest);
        ratios[q.label] = median(r);
        return `/${q.label.replace('onnxruntime', 'ORT')} ${fmtRange(r)}`;
      }).join('  ') : '';
      console.log(`  ${p.label.padEnd(20)} ${ms.toFixed(1).padStart(8)} ms [${wall.toFixed(1).padStart(8)}] ${rate.toFixed(2).padStart(6)} GFLOP/s` +
        `  first ${Number.isFinite(p.first) ? `${p.first.toFixed(0)} ms` : '-'}${vs ? `  ratio ${vs}` : ''}`);
      rows.push({ name: `${c.name}: ${p.label}`, backend: 'simd', gflops: rate, latencyMs: ms, wallMs: wall, firstMs: p.first, gmacs: gmac, ratios });
    }
    for (const p of theirs) await p.release();
    if (profile) {
      const mine = profileVidwasm(net, forward, 3);
      let orts = null;
      if (file && node) {
        const dir = mkdtempSync(join(tmpdir(), 'vidwasm-ortprof-')), prefix = join(dir, 'ort');
        const p = await ortNodePeer(node, file, c, data, 1, prefix);
        await p.run();  // with the first call: 2 warm-up runs
        const cpu: number[] = [];
        for (let i = 0; i < 5; i++) cpu.push((await timeOnce(p.run, 1)).busiest);  // the runs read back
        await p.release();
        try { orts = readOrtProfile(prefix, 2, median(cpu)); } finally { rmSync(dir, { recursive: true, force: true }); }
      }
      printProfiles(c.name, mine, orts);
    }
    for (const t of inputs) t.dispose();
    net.dispose();
  }
  return rows;
}
