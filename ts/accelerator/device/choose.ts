// Per-call kernel choice by timing. A compiled plan records each kernel call (kernel name, its
// arguments in the plan's arena, the sizes that define its work); chooseKernel times the
// variants this host can run (plain SIMD, the _x86 / _arm lowerings, relaxed SIMD) on that very
// call, keeps the fastest, and caches it under (device profile key, call signature), so the next
// compile on the same device times nothing. Timing is bounded: a budget per call, and a
// TimeBudget a whole compile shares (10 s for X3D-XS); past it, calls get the default variant
// (what ops would use) without timing. A fixed table of choices (exported from any host)
// overrides timing, so a choice is reproducible across hosts: the non-relaxed variants compute
// the same bits on every engine.
import { ArgumentError, UnsupportedError, VidwasmError } from '../../runtime/errors.js';
import { KERNELS, type KernelName } from '../../runtime/kernels.gen.js';
import { boundVariant, kernelVariant, kernelVariants, type KernelVariant } from '../../runtime/wasm.js';
import { deviceProfile, type DeviceProfile } from './profile.js';

/** One kernel call: the kernel, its arguments (offsets into wasm memory and scalars), its work sizes. */
export interface KernelCall {
  kernel: string;
  args: readonly number[];
  /**
   * The numbers that define the work, pointers excluded (a GEMM's M, N, K and leading dimensions;
   * a conv's parameter block): with the kernel name, the cache key. The recorder of the call
   * knows them; the arguments alone do not say which numbers are offsets.
   */
  sizes: readonly number[];
}

export interface KernelChoice {
  variant: KernelVariant;
  /** Fastest time per call of each variant timed (ms). */
  ms: Partial<Record<KernelVariant, number>>;
  /** timed here; from the cache; fixed by a table; default (budget spent or one candidate). */
  source: 'timed' | 'cache' | 'fixed' | 'default';
}

/** A variant per call signature: what exportChoices gives and `fixed` takes. */
export type ChoiceTable = Record<string, KernelVariant>;

const VARIANTS: readonly KernelVariant[] = ['base', 'x86', 'arm', 'relaxed', 'scalar'];
const isVariant = (v: unknown): v is KernelVariant => VARIANTS.includes(v as KernelVariant);

/** Choices by profile key and call signature; serialisable (toJSON / KernelChoiceCache.fromJSON). */
export class KernelChoiceCache {
  private readonly byProfile = new Map<string, Map<string, { variant: KernelVariant; ms: KernelChoice['ms'] }>>();
  /** How many calls were timed through this cache (a second compile on the same device: 0 more). */
  timedCalls = 0;

  get(profileKey: string, signature: string): KernelChoice | undefined {
    const e = this.byProfile.get(profileKey)?.get(signature);
    return e && { variant: e.variant, ms: { ...e.ms }, source: 'cache' };
  }
  set(profileKey: string, signature: string, choice: Pick<KernelChoice, 'variant' | 'ms'>): void {
    let m = this.byProfile.get(profileKey);
    if (!m) this.byProfile.set(profileKey, (m = new Map()));
    m.set(signature, { variant: choice.variant, ms: { ...choice.ms } });
  }
  get size(): number { let n = 0; for (const m of this.byProfile.values()) n += m.size; return n; }

  /** The choices of one profile as a table (for `fixed` on another host). */
  exportChoices(profileKey = deviceProfile().key): ChoiceTable {
    return Object.fromEntries([...(this.byProfile.get(profileKey) ?? [])].map(([sig, e]) => [sig, e.variant]));
  }

  toJSON(): { version: 1; profiles: Record<string, Record<string, { variant: KernelVariant; ms: KernelChoice['ms'] }>> } {
    const profiles: Record<string, Record<string, { variant: KernelVariant; ms: KernelChoice['ms'] }>> = {};
    for (const [k, m] of this.byProfile) profiles[k] = Object.fromEntries(m);
    return { version: 1, profiles };
  }
  /** Parses what toJSON gave (object or JSON text); anything malformed is a typed error. */
  static fromJSON(data: unknown): KernelChoiceCache {
    const bad = (why: string): never => { throw new VidwasmError('E_FORMAT', `kernel choice cache: ${why}`); };
    let d = data;
    if (typeof d === 'string') { try { d = JSON.parse(d); } catch (e) { bad(`not JSON (${(e as Error).message})`); } }
    const o = d as { version?: unknown; profiles?: unknown };
    if (!o || typeof o !== 'object' || o.version !== 1 || !o.profiles || typeof o.profiles !== 'object') bad('expected {version: 1, profiles: {...}}');
    const cache = new KernelChoiceCache();
    for (const [key, sigs] of Object.entries(o.profiles as Record<string, unknown>)) {
      if (!sigs || typeof sigs !== 'object') bad(`profile ${key}: expected an object`);
      for (const [sig, e] of Object.entries(sigs as Record<string, { variant?: unknown; ms?: unknown }>)) {
        if (!e || !isVariant(e.variant)) bad(`${sig}: unknown variant ${JSON.stringify(e?.variant)}`);
        const ms = Object.fromEntries(Object.entries(e.ms && typeof e.ms === 'object' ? e.ms : {}).filter(([v, t]) => isVariant(v) && typeof t === 'number'));
        cache.set(key, sig, { variant: e.variant as KernelVariant, ms });
      }
    }
    return cache;
  }
}

/** A time allowance shared by many chooseKernel calls (a whole plan's compile). */
export class TimeBudget {
  private spent = 0;
  constructor(readonly totalMs: number) {}
  get remainingMs(): number { return Math.max(0, this.totalMs - this.spent); }
  charge(ms: number): void { this.spent += ms; }
}

export interface ChooseOptions {
  /** Time allowed for this call's timing (ms, default 100); each candidate runs at least twice. */
  budgetMs?: number;
  /** Shared across a compile: once spent, calls get the default variant untimed. */
  budget?: TimeBudget;
  cache?: KernelChoiceCache;
  /** Fixed choices by call signature (exportChoices of any host): used as given, never timed. */
  fixed?: ChoiceTable;
  /** Restrict the candidates (default: every variant this host has, except the scalar twin). */
  candidates?: readonly KernelVariant[];
}

/** The cache key of a call: kernel name and work sizes (pointers excluded: they change per run). */
export function callSignature(call: KernelCall): string {
  const k = kernelInfo(call.kernel);
  if (call.args.length !== k.params.length) {
    throw new ArgumentError(`kernel ${call.kernel} takes ${k.params.length} arguments, the call has ${call.args.length}`);
  }
  return `${call.kernel}(${call.sizes.join(',')})`;
}

/** The variants chooseKernel times for a kernel: its SIMD exports minus duplicates and the twin. */
export function candidateVariants(kernel: string): KernelVariant[] {
  const all = kernelVariants(kernel).filter((v) => v !== 'scalar');
  // The flavour-less export forwards to the x86 variant where ISA variants exist: timing it is timing x86 twice.
  return all.includes('x86') ? all.filter((v) => v !== 'base') : all;
}

/** One line for plan.explain() and `vidwasm info`: 'relaxed (timed: x86 0.390 ms, arm 0.528 ms, relaxed 0.354 ms)'. */
export function describeChoice(c: KernelChoice): string {
  const times = Object.entries(c.ms).map(([v, ms]) => `${v} ${ms!.toFixed(3)} ms`).join(', ');
  return `${c.variant} (${c.source}${times ? `: ${times}` : ''})`;
}

/** Full form of chooseKernel: the choice with its timings and where it came from. */
export function chooseKernelDetailed(call: KernelCall, profile: DeviceProfile = deviceProfile(), opts: ChooseOptions = {}): KernelChoice {
  const sig = callSignature(call);
  const candidates = (opts.candidates ?? candidateVariants(call.kernel)).filter((v) => kernelVariants(call.kernel).includes(v));
  const fixed = opts.fixed?.[sig];
  if (fixed !== undefined) {
    if (!kernelVariants(call.kernel).includes(fixed)) {
      throw new UnsupportedError(`the fixed choice for ${sig} is the ${fixed} variant, which this host cannot run ` +
        `(it has ${kernelVariants(call.kernel).join(', ')}; relaxed needs relaxed SIMD and vidwasm-relaxed.wasm)`);
    }
    return { variant: fixed, ms: {}, source: 'fixed' };
  }
  const cached = opts.cache?.get(profile.key, sig);
  if (cached && candidates.includes(cached.variant)) return cached;
  const fallback = candidates.includes(boundVariant(call.kernel)) ? boundVariant(call.kernel) : candidates[0];
  if (!fallback) throw new VidwasmError('E_NO_KERNEL', `kernel ${call.kernel} has no SIMD variant to choose from`);
  const budgetMs = Math.min(opts.budgetMs ?? 100, opts.budget?.remainingMs ?? Infinity);
  if (candidates.length < 2 || budgetMs <= 0) return { variant: fallback, ms: {}, source: 'default' };
  const t0 = performance.now();
  const ms = timeVariants(call, candidates, budgetMs, opts.budget?.remainingMs ?? Infinity);
  opts.budget?.charge(performance.now() - t0);
  const variant = candidates.reduce((best, v) => (ms[v]! < ms[best]! ? v : best));
  if (opts.cache) { opts.cache.set(profile.key, sig, { variant, ms }); opts.cache.timedCalls++; }
  return { variant, ms, source: 'timed' };
}

/**
 * The variant to run `call` with on this device: timed (bounded by opts), or from the cache or a
 * fixed table. Timing runs the call itself several times, so its output buffers are overwritten
 * (plans choose at compile time, before real data flows).
 */
export function chooseKernel(call: KernelCall, profile: DeviceProfile = deviceProfile(), opts: ChooseOptions = {}): KernelVariant {
  return chooseKernelDetailed(call, profile, opts).variant;
}

/**
 * Fastest ms per call of each variant: warmed up (see warm), then rounds over all of them (so
 * drift and other processes hit every variant alike) until the budget is spent (at least two).
 * The minimum, because a sample is only ever slowed down: by another process on the core, or by
 * the engine still running baseline code before its optimised tier arrives (V8 tiers wasm up in
 * the background). CPU time of this process where the host reports it, else wall time.
 */
function timeVariants(call: KernelCall, variants: readonly KernelVariant[], budgetMs: number, totalLeftMs: number): Partial<Record<KernelVariant, number>> {
  const fns = variants.map((v) => kernelVariant(call.kernel, v));
  const best = variants.map(() => Infinity);
  const warmUntil = performance.now() + Math.min(WARM_MAX_MS * fns.length, totalLeftMs);
  for (const f of fns) warm(f, call.args, warmUntil);
  const start = performance.now();
  for (let round = 0; round < 50 && (round < 2 || performance.now() - start < budgetMs); round++) {
    fns.forEach((f, i) => {
      const t = clockMs();
      f(...call.args);
      best[i] = Math.min(best[i], clockMs() - t);
    });
  }
  return Object.fromEntries(variants.map((v, i) => [v, best[i]]));
}

/**
 * Engines compile wasm in tiers (V8: baseline Liftoff code first, optimised TurboFan code later,
 * compiled in the background: on a busy machine, over a second later), so the first calls of a
 * kernel measure the baseline tier, several times slower. The first time a process times a
 * variant, it runs it until its fastest call has not improved by 5 % for WARM_STABLE_MS (at most
 * WARM_MAX_MS, and never past what the shared TimeBudget has left). Once per process and variant:
 * a plan's many GEMM calls share a few functions.
 */
const WARM_STABLE_MS = 150, WARM_MAX_MS = 1500;
const warmed = new WeakSet<object>();
function warm(f: (...a: number[]) => number, args: readonly number[], until: number): void {
  if (warmed.has(f)) return;
  const t0 = performance.now();
  let best = Infinity, since = t0;
  for (let now = t0; now - t0 < WARM_MAX_MS && now < until && now - since < WARM_STABLE_MS; ) {
    const t = clockMs();
    f(...args);
    const dt = clockMs() - t;
    now = performance.now();
    if (dt < 0.95 * best) { best = dt; since = now; }
  }
  warmed.add(f);
}

const proc = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
const clockMs = proc?.cpuUsage ? () => { const u = proc.cpuUsage!(); return (u.user + u.system) / 1000; } : () => performance.now();

function kernelInfo(name: string) {
  if (!Object.prototype.hasOwnProperty.call(KERNELS, name)) throw new VidwasmError('E_NO_KERNEL', `no kernel named ${name}`);
  return KERNELS[name as KernelName];
}
