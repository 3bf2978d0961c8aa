// Per-layer profiles for `npm run bench -- models --profile`: vidwasm's (every leaf module's
// forward timed by main-thread CPU) and onnxruntime-node's own (`enableProfiling`, its JSON trace),
// both keyed the same way so the two tables line up: convs by kernel, channels and output size
// ('conv 1x3x3 64->64 @8x56x56'), everything else by op/module type.
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { nn, type Tensor } from '../../ts/node.js';

type Module = InstanceType<typeof nn.Module>;
/** key -> { ms, calls } */
export type Profile = Map<string, { ms: number; calls: number }>;

function add(p: Profile, key: string, ms: number): void {
  const e = p.get(key) ?? { ms: 0, calls: 0 };
  e.ms += ms; e.calls++;
  p.set(key, e);
}

/** CPU nanoseconds of every thread of this process (Linux /proc; empty elsewhere). */
export function threadCpuNs(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try { out.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0])); } catch { /* thread ended */ }
    }
  } catch { /* not Linux */ }
  return out;
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

/** CPU ms per leaf module of one call of fn (convs keyed by convKey), and the total. */
export function profileVidwasm(net: Module, fn: () => void): { layers: Profile; total: number } {
  const layers: Profile = new Map();
  const restore: (() => void)[] = [];
  for (const [, m] of net.namedModules()) {
    if (m.children().length > 0) continue;
    const self = m as any, orig = m.forward;
    const conv = m instanceof nn.Conv3d || m instanceof nn.Conv2d;
    self.forward = (...a: unknown[]) => {
      const c = cpuMs();
      const y = (orig as (...b: unknown[]) => Tensor).apply(m, a);
      const key = conv ? convKey(self.kernelSize, self.inChannels, self.outChannels, self.groups, y.shape.slice(2)) : m.typeName;
      add(layers, key, cpuMs() - c);
      return y;
    };
    restore.push(() => { delete self.forward; if (self.forward !== orig) self.forward = orig; });
  }
  const c0 = cpuMs();
  try { fn(); } finally { for (const r of restore) r(); }
  return { layers, total: cpuMs() - c0 };
}

interface OrtEvent { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] } }

/**
 * Reads the last run of the trace onnxruntime-node wrote (the file that starts with prefix,
 * deleted afterwards) into the same keys: conv nodes (Conv, FusedConv, NchwcConv) by the
 * weight shape and output size, other nodes by op name. ORT records wall time; on a shared
 * machine that counts other processes' slices too, so the durations are scaled to cpuMs, the
 * CPU time the caller measured for that run (at 1 thread the same thread's time).
 */
export function readOrtProfile(prefix: string, cpuMs: number): { layers: Profile; total: number } {
  const dir = dirname(prefix), file = readdirSync(dir).find((f) => f.startsWith(basename(prefix)) && f.endsWith('.json'));
  if (!file) throw new Error(`onnxruntime-node wrote no profile next to ${prefix}`);
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as OrtEvent[];
  unlinkSync(join(dir, file));
  const layers: Profile = new Map();
  const lastRun = Math.max(...events.filter((e) => e.name === 'model_run').map((e) => e.ts));
  let total = 0;
  for (const e of events) {
    if (e.ts < lastRun || e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    const op = e.args.op_name, ins = (e.args.input_type_shape ?? []).map((s) => Object.values(s)[0] ?? []);
    const out = (e.args.output_type_shape ?? []).map((s) => Object.values(s)[0] ?? [])[0] ?? [];
    const ms = e.dur / 1000;
    total += ms;
    const w = ins[1];
    if (/Conv$/.test(op) && w && w.length >= 3) {
      const k = w.slice(2), sp = out.slice(2);
      const cin = ins[0]?.[1] ?? w[1];
      add(layers, convKey(k, cin, w[0], Math.round(cin / w[1]), sp), ms);
    } else add(layers, op, ms);
  }
  for (const e of layers.values()) e.ms *= cpuMs / total;
  return { layers, total: cpuMs };
}

/** Prints two profiles side by side (ms per call), biggest vidwasm entries first. */
export function printProfiles(title: string, ours: { layers: Profile; total: number }, theirs: { layers: Profile; total: number } | null): void {
  console.log(`\n  profile of ${title}, 1 thread: CPU ms of one forward (vidwasm: per leaf module; ` +
    `onnxruntime-node: its own per-node times from enableProfiling, scaled from wall to the run's CPU time)`);
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
