// Per-layer profiles for `npm run bench -- models --profile`: vidwasm's (every leaf module's
// forward timed by main-thread CPU) and onnxruntime-node's own (`enableProfiling`, its JSON trace),
// both keyed the same way so the two tables line up: convs by kernel, channels and output size
// ('conv 1x3x3 64->64 @8x56x56'), everything else by op/module type.
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { nn, type Tensor } from '../../ts/node.js';
export { threadCpuNs } from '../stats.js';

type Module = InstanceType<typeof nn.Module>;
/** key -> { ms, calls } */
export type Profile = Map<string, { ms: number; calls: number }>;

function add(p: Profile, key: string, ms: number): void {
  const e = p.get(key) ?? { ms: 0, calls: 0 };
  e.ms += ms; e.calls++;
  p.set(key, e);
}

// Process CPU (getrusage: exact, where schedstat of a running thread only moves at scheduler
// ticks); profiles run at 1 thread, so this is the calling thread's time.
function cpuMs(): number {
  const u = process.cpuUsage(); return (u.user + u.system) / 1000;
}

/** 'conv 1x3x3 64->64 @8x56x56' (+ ' dw' when grouped); the output size tells strided convs apart. */
export function convKey(k: readonly number[], cin: number, cout: number, groups: number, out: readonly number[]): string {
  return `conv ${k.join('x')}${groups > 1 ? ' dw' : ''} ${cin}->${cout} @${out.join('x')}`;
}

/**
 * CPU ms per leaf module of one call of fn (convs keyed by convKey): each module counts with its
 * shortest time over `runs` calls (as the ORT side), and the total is the shortest call.
 */
export function profileVidwasm(net: Module, fn: () => void, runs: number): { layers: Profile; total: number } {
  const best = new Map<Module, { key: string; ms: number }>();
  const restore: (() => void)[] = [];
  for (const [, m] of net.namedModules()) {
    if (m.children().length > 0) continue;
    const self = m as any, orig = m.forward;
    const conv = m instanceof nn.Conv3d || m instanceof nn.Conv2d;
    self.forward = (...a: unknown[]) => {
      const c = cpuMs();
      const y = (orig as (...b: unknown[]) => Tensor).apply(m, a);
      const ms = cpuMs() - c, prev = best.get(m);
      const key = conv ? convKey(self.kernelSize, self.inChannels, self.outChannels, self.groups, y.shape.slice(2)) : m.typeName;
      if (!prev || ms < prev.ms) best.set(m, { key, ms });
      return y;
    };
    restore.push(() => { delete self.forward; if (self.forward !== orig) self.forward = orig; });
  }
  let total = Infinity;
  try {
    for (let i = 0; i < runs; i++) { const c0 = cpuMs(); fn(); total = Math.min(total, cpuMs() - c0); }
  } finally { for (const r of restore) r(); }
  const layers: Profile = new Map();
  for (const { key, ms } of best.values()) add(layers, key, ms);
  return { layers, total };
}

interface OrtEvent { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] } }

/**
 * Reads the trace onnxruntime-node wrote (the file that starts with prefix, deleted afterwards)
 * into the same keys: conv nodes (Conv, FusedConv, ...) by the weight shape and output size,
 * other nodes by op name. ORT records wall time, which on a shared machine includes other
 * processes' slices: on random nodes (so each node counts with its shortest duration over the
 * runs after the first `skip` warm-up runs) and on all of them when the machine is overloaded
 * (so the node times are then scaled to cpuMs, the CPU time the caller measured per run).
 */
export function readOrtProfile(prefix: string, skip: number, cpuMs: number): { layers: Profile; total: number } {
  const dir = dirname(prefix), file = readdirSync(dir).find((f) => f.startsWith(basename(prefix)) && f.endsWith('.json'));
  if (!file) throw new Error(`onnxruntime-node wrote no profile next to ${prefix}`);
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as OrtEvent[];
  unlinkSync(join(dir, file));
  const runs = events.filter((e) => e.name === 'model_run').map((e) => e.ts).sort((x, y) => x - y);
  const from = runs[Math.min(skip, runs.length - 1)];
  const best = new Map<string, { key: string; ms: number }>();  // node name -> its key and shortest time
  for (const e of events) {
    if (e.ts < from || e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    const op = e.args.op_name, ins = (e.args.input_type_shape ?? []).map((s) => Object.values(s)[0] ?? []);
    const out = (e.args.output_type_shape ?? []).map((s) => Object.values(s)[0] ?? [])[0] ?? [];
    const w = ins[1], cin = ins[0]?.[1] ?? 0;
    const key = /Conv$/.test(op) && w && w.length >= 3 ? convKey(w.slice(2), cin, w[0], Math.round(cin / w[1]), out.slice(2)) : op;
    const prev = best.get(e.name);
    if (!prev || e.dur / 1000 < prev.ms) best.set(e.name, { key, ms: e.dur / 1000 });
  }
  const layers: Profile = new Map();
  let total = 0;
  for (const { ms } of best.values()) total += ms;
  for (const { key, ms } of best.values()) add(layers, key, (ms * cpuMs) / total);
  return { layers, total: cpuMs };
}

/** Prints two profiles side by side (ms per call), biggest vidwasm entries first. */
export function printProfiles(title: string, ours: { layers: Profile; total: number }, theirs: { layers: Profile; total: number } | null): void {
  console.log(`\n  profile of ${title}, 1 thread: ms of one forward (vidwasm: CPU per leaf module, each its shortest of 3 runs; ` +
    `onnxruntime-node: its own per-node times from enableProfiling, each node's shortest of 5 runs, scaled to the run's CPU time)`);
  const keys = [...new Set([...ours.layers.keys(), ...(theirs ? theirs.layers.keys() : [])])]
    .sort((a, b) => (ours.layers.get(b)?.ms ?? 0) - (ours.layers.get(a)?.ms ?? 0) || (theirs?.layers.get(b)?.ms ?? 0) - (theirs?.layers.get(a)?.ms ?? 0));
  const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1)).padStart(9);
  console.log(`  ${'layer'.padEnd(40)} ${'calls'.padStart(5)} ${'vidwasm'.padStart(9)} ${'ORT-node'.padStart(9)} ${'ratio'.padStart(6)}`);
  for (const k of keys) {
    const a = ours.layers.get(k), b = theirs?.layers.get(k);
    const r = a && b && b.ms > 0 ? (a.ms / b.ms).toFixed(2) : '';
    console.log(`  ${k.padEnd(40)} ${String(a?.calls ?? b?.calls ?? '').padStart(5)} ${f(a?.ms)} ${f(b?.ms)} ${r.padStart(6)}`);
  }
  console.log(`  ${'total'.padEnd(40)} ${''.padStart(5)} ${f(ours.total)} ${f(theirs?.total)} ${theirs ? (ours.total / theirs.total).toFixed(2).padStart(6) : ''}`);
}
