// Training benchmark: clips/s of an X3D-XS training step (createX3d at 4x160², 400 classes,
// random weights), batch 8: train-mode forward + cross-entropy + backward + SGD step with
// momentum 0.9, one tidy() scope per step (as the Trainer runs it), next to the eval-mode
// forward-only rate (noGrad) at the same batch; at 1 thread and at 2 threads (setNumThreads).
// `npx tsx bench/run.ts train [--quick] [--json]`  (`npm run bench -- train`)
//
// Timing: per call, the wall time, the CPU time of the whole process (process.cpuUsage, every
// thread) and the CPU time of the busiest thread (/proc/self/task/*/schedstat: the critical
// path; at 1 thread that is the main thread). The machine this runs on is shared, so the
// figures (clips/s, step/forward ratio, speed-up) come from the busiest thread's CPU time,
// which other processes' time slices do not inflate; on idle cores the wall time approaches it.
// Medians over the timed calls, after warm-up calls (V8 runs a wasm function at its baseline
// tier for the first calls, several times slower than the optimised code that follows).
//
// Threads: setNumThreads(2) must come before any tensor exists (it swaps in the shared-memory
// module vidwasm-mt.wasm), so the suite switches first and then runs both thread counts on that
// module (same kernels). Where threads are unavailable it says why and reports 1 thread only.
//
// `--profile` (e.g. `npm run bench -- train --quick --profile`) adds, at 1 thread, where the
// time of one eval forward and one training step goes: main-thread CPU per leaf module class in
// the forwards (convs by kernel shape) and per gradient rule in the backward (autograd's own
// gradient accumulation is the rest), convs joined forward vs backward.
import { median, threadCpuNs } from './stats.js';
import { readFileSync } from 'node:fs';
import { Tensor, models, optim, ops, tidy, noGrad, manualSeed, memoryStats, gradRules, nn } from '../ts/node.js';
import { setNumThreads, getNumThreads, threadsAvailable } from '../ts/runtime/threads/index.js';
import { countMacs } from './flops.js';

const BATCH = 8, T = 4, CROP = 160, CLASSES = 400;



interface Timing { wall: number; cpu: number; busiest: number }

/** Wall, process-CPU and busiest-thread-CPU milliseconds of one call. */
function timeOnce(fn: () => void): Timing {
  const t0 = threadCpuNs(), c0 = process.cpuUsage(), w0 = performance.now();
  fn();
  const wall = performance.now() - w0, d = process.cpuUsage(c0), t1 = threadCpuNs();
  const cpu = (d.user + d.system) / 1000;
  let busiest = 0;
  for (const [tid, ns] of t1) busiest = Math.max(busiest, (ns - (t0.get(tid) ?? 0)) / 1e6);
  return { wall, cpu, busiest: t1.size > 0 ? busiest : cpu };
}

function timeRuns(fn: () => void, warmups: number, iters: number): Timing {
  for (let i = 0; i < warmups; i++) fn();
  const runs = Array.from({ length: iters }, () => timeOnce(fn));
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)), busiest: median(runs.map((r) => r.busiest)) };
}

/** Main-thread CPU ms (this thread's schedstat), for the phases of one step. */
function mainCpuMs(): number {
  try { return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6; } catch {
    const u = process.cpuUsage(); return (u.user + u.system) / 1000;
  }
}

type Module = InstanceType<typeof nn.Module>;
type Acc = Map<string, { ms: number; calls: number }>;

function add(acc: Acc, key: string, ms: number): void {
  const e = acc.get(key) ?? { ms: 0, calls: 0 };
  e.ms += ms; e.calls++;
  acc.set(key, e);
}

/** 'conv 1x3x3 s2' / 'conv 3x3x3 dw': a conv's category from its weight shape, groups and stride. */
function convKey(w: readonly number[], groups: number, stride: readonly number[]): string {
  return `conv ${w.slice(2).join('x')}${groups > 1 ? ' dw' : ''}${stride.some((s) => s > 1) ? ` s${stride.join('')}` : ''}`;
}

/** Runs fn with every leaf module's forward and every gradient rule timed (main-thread CPU ms). */
function profile(net: Module, fn: () => void): { fwd: Acc; bwd: Acc; total: number } {
  const fwd: Acc = new Map(), bwd: Acc = new Map();
  const restore: (() => void)[] = [];
  for (const [, m] of net.namedModules()) {
    if (m.children().length > 0) continue;
    const self = m as any, orig = m.forward;
    const key = m instanceof nn.Conv3d ? convKey(self.weight.shape, self.groups, self.stride) : m.typeName;
    self.forward = (...a: unknown[]) => { const c = mainCpuMs(); const y = (orig as (...b: unknown[]) => unknown).apply(m, a); add(fwd, key, mainCpuMs() - c); return y; };
    restore.push(() => { delete self.forward; if (self.forward !== orig) self.forward = orig; });
  }
  for (const op of Object.keys(gradRules)) {
    const orig = gradRules[op];
    gradRules[op] = (gy, node, out) => {
      const c = mainCpuMs();
      const r = orig(gy, node, out);
      const w = node.inputs[1], g = node.saved.g as { G: number; s: number[] } | undefined;
      const key = op.startsWith('conv') && w && g ? convKey(w.shape, g.G, g.s) : op;
      add(bwd, key, mainCpuMs() - c);
      return r;
    };
    restore.push(() => { gradRules[op] = orig; });
  }
  const c0 = mainCpuMs();
  try { fn(); } finally { for (const r of restore) r(); }
  return { fwd, bwd, total: mainCpuMs() - c0 };
}

interface Phases { forward: number[]; backward: number[]; sgd: number[] }

const doProfile = process.argv.includes('--profile');

interface Profiled { n: number; ev: ReturnType<typeof profile>; tr: ReturnType<typeof profile>; ph: { forward: number; backward: number; sgd: number } }

/** The profile table: one column group per thread count (main-thread CPU ms of one call). */
function printProfile(runs: Profiled[]): void {
  const f = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1)).padStart(8);
  const pct = (v: number, of: number) => `${(100 * v / of).toFixed(0)}%`.padStart(5);
  const sum = (a: Acc) => [...a.values()].reduce((t, e) => t + e.ms, 0);
  const head = (cols: string[]) => runs.map((r) => cols.map((c) => `${c}@${r.n}`.padStart(c === '%' ? 5 : 8)).join(' ')).join(' ');
  console.log('\nprofile: main-thread CPU ms of one call per thread count (wrappers add a little; at 2 threads the main ' +
    'thread also sleeps while a worker finishes its share, which is not counted)');
  for (const r of runs) {
    console.log(`${r.n} thread(s): eval forward ${r.ev.total.toFixed(0)}; train step ${r.tr.total.toFixed(0)} = forward+loss ` +
      `${r.ph.forward.toFixed(0)} + backward ${r.ph.backward.toFixed(0)} + zero_grad/SGD ${r.ph.sgd.toFixed(0)}`);
  }
  const first = runs[0];
  console.log(`${'forward, by leaf module'.padEnd(30)} ${'calls'.padStart(5)} ${head(['eval', 'train'])}`);
  const keys = [...new Set([...first.ev.fwd.keys(), ...first.tr.fwd.keys()])].sort((a, b) => (first.tr.fwd.get(b)?.ms ?? 0) - (first.tr.fwd.get(a)?.ms ?? 0));
  for (const k of keys) {
    if (runs.every((r) => (r.ev.fwd.get(k)?.ms ?? 0) < 0.05 && (r.tr.fwd.get(k)?.ms ?? 0) < 0.05)) continue;
    console.log(`${k.padEnd(30)} ${String(first.tr.fwd.get(k)?.calls ?? first.ev.fwd.get(k)?.calls).padStart(5)} ` +
      runs.map((r) => `${f(r.ev.fwd.get(k)?.ms)} ${f(r.tr.fwd.get(k)?.ms)}`).join(' '));
  }
  console.log(`${'(outside leaf modules: SE mul, residual add, loss)'.padEnd(36)} ` + runs.map((r) => `${f(r.ev.total - sum(r.ev.fwd))} ${f(r.ph.forward - sum(r.tr.fwd))}`).join(' '));
  console.log(`${'backward, by gradient rule'.padEnd(30)} ${'calls'.padStart(5)} ${head(['ms', '%'])}`);
  for (const [k, e] of [...first.tr.bwd].sort((a, b) => b[1].ms - a[1].ms)) {
    if (e.ms < 0.05) continue;
    console.log(`${k.padEnd(30)} ${String(e.calls).padStart(5)} ` + runs.map((r) => { const v = r.tr.bwd.get(k)?.ms ?? 0; return `${f(v)} ${pct(v, r.ph.backward)}`; }).join(' '));
  }
  console.log(`${'(autograd: gradient sums, leaves)'.padEnd(36)} ` + runs.map((r) => { const v = r.ph.backward - sum(r.tr.bwd); return `${f(v)} ${pct(v, r.ph.backward)}`; }).join(' '));
  console.log(`${'convs: train forward, backward'.padEnd(36)} ` + runs.map((r) => ['fwd', 'bwd', 'ratio'].map((c) => `${c}@${r.n}`.padStart(8)).join(' ')).join(' '));
  for (const k of keys.filter((k) => k.startsWith('conv'))) {
    console.log(`${k.padEnd(36)} ` + runs.map((r) => {
      const a = r.tr.fwd.get(k)?.ms ?? NaN, b = r.tr.bwd.get(k)?.ms ?? NaN;
      return `${f(a)} ${f(b)} ${`${(b / a).toFixed(1)}x`.padStart(8)}`;
    }).join(' '));
  }
}

export async function runTrainSuite({ quick = false, filter }: { quick?: boolean; filter?: string } = {}): Promise<Record<string, unknown>[]> {
  if (filter && !'X3D-XS train step forward'.toLowerCase().includes(filter.toLowerCase())) return [];
  // ---- threads first: the switch to the shared-memory module needs no live tensor ----
  let threadCounts = [1];
  let noThreads: string | null = null;
  const avail = threadsAvailable();
  if (!avail.ok) noThreads = avail.reason ?? 'unavailable';
  else {
    try { await setNumThreads(2); threadCounts = [1, 2]; } catch (e) { noThreads = (e as Error).message; }
  }
  const warmups = 2, fwdIters = quick ? 3 : 8, stepIters = quick ? 3 : 6;
  console.log(`train: X3D-XS (createX3d ${T}x${CROP}², ${CLASSES} classes, random init), batch ${BATCH}, f32, SIMD kernels; ` +
    `step = train-mode forward + crossEntropy + backward + SGD (momentum 0.9) in one tidy(); forward = eval + noGrad.`);
  console.log(`threads: ${noThreads ? `1 only — 2 threads unavailable: ${noThreads}` : '1 and 2 (both on vidwasm-mt.wasm)'}; ` +
    `${warmups} warm-up calls, then the median of ${fwdIters} forwards / ${stepIters} steps${quick ? ' (--quick)' : ''}. ` +
    `ms = busiest thread's CPU per call (the critical path) [process CPU, all threads | wall]; clips/s = ${BATCH} / busiest.`);

  manualSeed(0);
  const net = models.createX3d({ inputClipLength: T, inputCropSize: CROP, modelNumClass: CLASSES, headActivation: null }) as unknown as Module;
  const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = Tensor.randn([BATCH, 3, T, CROP, CROP]);
  const labels = Tensor.from(Int32Array.from({ length: BATCH }, (_, i) => (i * 53) % CLASSES), [BATCH]);

  const forward = () => { noGrad(() => tidy(() => { net.forward(x); })); };
  let phases: Phases = { forward: [], backward: [], sgd: [] };
  const step = () => {
    tidy(() => {
      const c0 = mainCpuMs();
      opt.zeroGrad();
      const loss = ops.crossEntropy(net.forward(x) as Tensor, labels, {});
      const c1 = mainCpuMs();
      loss.backward();
      const c2 = mainCpuMs();
      opt.step();
      loss.item();
      const c3 = mainCpuMs();
      phases.forward.push(c1 - c0); phases.backward.push(c2 - c1); phases.sgd.push(c3 - c2);
    });
  };

  net.eval();
  const macs = countMacs(net, forward).macs;  // per batch; also the first warm-up forward
  const gflop = (2 * macs) / 1e9;  // forward FLOPs per batch (2 per MAC); a step counts 3x (forward, grad input, grad weight)
  const rows: Record<string, unknown>[] = [];
  const res = new Map<number, { fwd: Timing; step: Timing; phases: Phases }>();
  try {
    for (const n of threadCounts) {
      await setNumThreads(n);
      net.eval();
      const fwd = timeRuns(forward, n === 1 ? warmups - 1 : warmups, fwdIters);
      net.train();
      phases = { forward: [], backward: [], sgd: [] };
      const st = timeRuns(step, warmups, stepIters);
      const ph = { forward: phases.forward.slice(warmups), backward: phases.backward.slice(warmups), sgd: phases.sgd.slice(warmups) };
      res.set(n, { fwd, step: st, phases: ph });
      const fmt = (t: Timing) => `${t.busiest.toFixed(0).padStart(5)} ms [${t.cpu.toFixed(0)} | ${t.wall.toFixed(0)}]`;
      const ratio = st.busiest / fwd.busiest;
      console.log(`${n} thread${n > 1 ? 's' : ' '}: forward ${fmt(fwd)} = ${(BATCH / fwd.busiest * 1e3).toFixed(2)} clips/s | ` +
        `train step ${fmt(st)} = ${(BATCH / st.busiest * 1e3).toFixed(2)} clips/s | step/forward ${ratio.toFixed(2)}x ` +
        `(target <= 3x: ${ratio <= 3 ? 'met' : 'NOT met'})`);
      console.log(`           step phases (main-thread CPU, median ms): forward+loss ${median(ph.forward).toFixed(0)}, ` +
        `backward ${median(ph.backward).toFixed(0)}, zero_grad+SGD ${median(ph.sgd).toFixed(0)}; train forward / eval forward ${(median(ph.forward) / fwd.busiest).toFixed(2)}x`);
      const thr = n === 1 ? '1 thread' : `${n} threads`;
      rows.push({ name: `X3D-XS b${BATCH} eval forward, ${thr}: ${(BATCH / fwd.busiest * 1e3).toFixed(2)} clips/s`, backend: 'simd', shape: `${BATCH}x3x${T}x${CROP}x${CROP}`,
        gflops: gflop / (fwd.busiest / 1e3), clipsPerSecond: BATCH / fwd.busiest * 1e3, ms: fwd.busiest, cpuMs: fwd.cpu, wallMs: fwd.wall, threads: n });
      rows.push({ name: `X3D-XS b${BATCH} train step, ${thr}: ${(BATCH / st.busiest * 1e3).toFixed(2)} clips/s (${ratio.toFixed(2)}x fwd)`, backend: 'simd', shape: `${BATCH}x3x${T}x${CROP}x${CROP}`,
        gflops: (3 * gflop) / (st.busiest / 1e3), clipsPerSecond: BATCH / st.busiest * 1e3, ms: st.busiest, cpuMs: st.cpu, wallMs: st.wall, ratioToForward: ratio, threads: n });
    }
    if (doProfile) {
      const runs: Profiled[] = [];
      for (const n of threadCounts) {
        await setNumThreads(n);
        net.eval();
        const ev = profile(net, forward);
        net.train();
        const tr = profile(net, step);
        runs.push({ n, ev, tr, ph: { forward: phases.forward.at(-1)!, backward: phases.backward.at(-1)!, sgd: phases.sgd.at(-1)! } });
      }
      printProfile(runs);
    }
  } finally {
    opt.dispose(); net.dispose(); x.dispose(); labels.dispose();
    if (getNumThreads() !== 1) await setNumThreads(1);
  }
  const one = res.get(1)!, two = res.get(2);
  if (two) {
    const su = (a: Timing, b: Timing) => `${(a.busiest / b.busiest).toFixed(2)}x (wall ${(a.wall / b.wall).toFixed(2)}x, process CPU ${(b.cpu / a.cpu).toFixed(2)}x of 1 thread)`;
    console.log(`2-thread speed-up: train step ${su(one.step, two.step)}; forward ${su(one.fwd, two.fwd)}. ` +
      `Speed-up = busiest-thread CPU ratio (what 2 idle cores would give, hand-off latency aside); wall is inflated by the machine's other load.`);
  } else {
    console.log(`2-thread speed-up: not measured (${noThreads})`);
  }
  console.log(`GFLOP/s in the table: forward ${gflop.toFixed(2)} GFLOP per batch (conv + linear MACs x 2, bench/flops.ts), a step counted as 3x that. ` +
    `Live tensors after the suite: ${memoryStats().liveTensors}.`);
  return rows;
}
