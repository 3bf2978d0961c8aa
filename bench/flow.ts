// Optical-flow benchmark (not a test): Farnebäck flow at 320x240 with OpenCV's typical call
// (pyrScale 0.5, levels 3, winsize 15, iterations 3, polyN 5, polySigma 1.2), vidwasm's
// data.computeFlow (SIMD kernels and scalar twins, tinybench, median CPU time) next to OpenCV's
// native cv2.calcOpticalFlowFarneback (Debian's python3-opencv, spawned in the same run on the
// same frames, median process time; single thread and OpenCV's default threads).
// Two figures for vidwasm: one pair per call (the same work as one OpenCV call: both frames'
// pyramids and expansions), and a 9-frame clip per call (each frame's expansions computed once
// and shared by its two pairs), both as frame pairs per second.
// Run: npx tsx bench/run.ts flow   (or npx tsx bench/flow.ts); needs python3-opencv for the native column.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { Tensor, data, setBackend } from '../ts/node.js';
import { frames } from '../test/data/flow_frames.js';

const H = 240, W = 320, T = 9;
// Debian's interpreter, where apt's python3-opencv lives (a python3 earlier on PATH may lack cv2)
const PYTHON = process.env.VIDWASM_PYTHON ?? '/usr/bin/python3';
const PARAMS = { pyrScale: 0.5, levels: 3, winsize: 15, iterations: 3, polyN: 5 as const, polySigma: 1.2, flags: 0 };

/** Median CPU ms per call of fn (tinybench drives the calls). */
async function cpuMs(fn: () => void, budgetMs: number): Promise<number> {
  const cpu: number[] = [];
  const bench = new Bench({ time: budgetMs, iterations: 3, warmup: true, warmupIterations: 1, warmupTime: 0 });
  bench.add('flow', () => { const c0 = process.cpuUsage(); fn(); const d = process.cpuUsage(c0); cpu.push((d.user + d.system) / 1000); });
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`flow benchmark ${r.state}`);
  const n = r.latency.samplesCount;
  const s = cpu.slice(cpu.length - n).sort((a, b) => a - b);
  return s[s.length >> 1];
}

const NATIVE = `
import sys, time, numpy as np, cv2
path, T, H, W, threads, reps = sys.argv[1], *map(int, sys.argv[2:7])
if threads: cv2.setNumThreads(threads)
v = np.fromfile(path, np.uint8).reshape(3, T, H, W)
g = [cv2.cvtColor(np.ascontiguousarray(v[:, t].transpose(1, 2, 0)), cv2.COLOR_RGB2GRAY) for t in range(T)]
cv2.calcOpticalFlowFarneback(g[0], g[1], None, 0.5, 3, 15, 3, 5, 1.2, 0)
ms = []
for r in range(reps):
    for t in range(T - 1):
        c0 = time.process_time(); w0 = time.perf_counter()
        cv2.calcOpticalFlowFarneback(g[t], g[t + 1], None, 0.5, 3, 15, 3, 5, 1.2, 0)
        ms.append(((time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000))
ms.sort()
wall = sorted(m[1] for m in ms)
print(ms[len(ms) // 2][0], wall[len(wall) // 2], cv2.__version__, cv2.getNumThreads())
`;

function native(path: string, threads: number, reps: number): { cpu: number; wall: number; version: string; threads: number } | null {
  const r = spawnSync(PYTHON, ['-c', NATIVE, path, String(T), String(H), String(W), String(threads), String(reps)], { encoding: 'utf8' });
  if (r.status !== 0) { console.log(`  (no native OpenCV: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`); return null; }
  const [cpu, wall, version, n] = r.stdout.trim().split(/\s+/);
  return { cpu: Number(cpu), wall: Number(wall), version, threads: Number(n) };
}

export async function runFlowSuite(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>[]> {
  const budget = opts.quick ? 1500 : 4000;
  const bytes = frames({ h: H, w: W, channels: 3, frames: T, seed: 3, A: [[4090, -107], [107, 4090]], t: [4915, -2458] });
  const clip = Tensor.from(bytes, [3, T, H, W], { dtype: 'u8' });
  const f = H * W, firstTwo = new Uint8Array(3 * 2 * f);
  for (let c = 0; c < 3; c++) firstTwo.set(bytes.subarray(c * T * f, (c * T + 2) * f), c * 2 * f);
  const two = Tensor.from(firstTwo, [3, 2, H, W], { dtype: 'u8' });
  console.log(`Farnebäck optical flow, ${W}x${H}, OpenCV's typical parameters; frame pairs per second from median CPU time, single thread`);
  console.log(`${'implementation'.padEnd(44)} ${'ms/pair'.padStart(9)} ${'pairs/s'.padStart(9)}`);
  const rows: { name: string; ms: number }[] = [];
  const row = (name: string, ms: number) => { rows.push({ name, ms }); console.log(`${name.padEnd(44)} ${ms.toFixed(1).padStart(9)} ${(1000 / ms).toFixed(1).padStart(9)}`); };
  for (const backend of ['simd', 'scalar'] as const) {
    setBackend(backend);
    try {
      row(`vidwasm ${backend}, one pair per call`, await cpuMs(() => data.computeFlow(two, PARAMS).dispose(), budget));
      row(`vidwasm ${backend}, ${T}-frame clip per call`, await cpuMs(() => data.computeFlow(clip, PARAMS).dispose(), budget) / (T - 1));
    } finally { setBackend('simd'); }
  }
  clip.dispose(); two.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'vidwasm-flow-bench-'));
  try {
    writeFileSync(join(dir, 'frames.u8'), bytes);
    const reps = opts.quick ? 1 : 3;
    const one = native(join(dir, 'frames.u8'), 1, reps);
    if (one) {
      row(`OpenCV ${one.version} native, 1 thread`, one.cpu);
      const many = native(join(dir, 'frames.u8'), 0, reps);
      if (many) console.log(`${`OpenCV ${many.version} native, ${many.threads} threads (wall)`.padEnd(44)} ${many.wall.toFixed(1).padStart(9)} ${(1000 / many.wall).toFixed(1).padStart(9)}`);
      const simd = rows.find((r) => r.name.startsWith('vidwasm simd, one pair'))!;
      console.log(`vidwasm SIMD / OpenCV native (1 thread, one pair per call): ${(one.cpu / simd.ms).toFixed(2)}x the frame rate`);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
  return [];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runFlowSuite({ quick: process.argv.includes('--quick') });
}
