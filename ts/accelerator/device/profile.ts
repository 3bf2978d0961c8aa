// The device profile: what a wasm host offers the kernels. A "device" for vidwasm is a wasm host
// (an engine on a CPU): SIMD, relaxed SIMD, threads, the x86-or-arm lowering of wasm SIMD, its
// memory cap and the engine itself, since kernel speed depends on the engine's code generator.
import { features, getIsa, hasRelaxed, MAX_MEMORY_BYTES, type IsaFlavour } from '../../runtime/wasm.js';

export interface DeviceProfile {
  simd: boolean;
  /** The host validates relaxed SIMD. */
  relaxedSimd: boolean;
  /** vidwasm-relaxed.wasm is loaded, so relaxed variants can run (false without the file or with threads on). */
  relaxedKernels: boolean;
  threads: boolean;
  /** The lowering the ISA variants are picked for. */
  isa: IsaFlavour;
  /** Largest wasm memory the module may grow to (bytes). */
  memoryCap: number;
  /** Engine and version, e.g. 'V8 11.3' (Node 20), 'SpiderMonkey 115', 'JavaScriptCore 17'. */
  engine: string;
  /** A stable string of all of the above: the key kernel choices are cached under. */
  key: string;
}

export function deviceProfile(): DeviceProfile {
  const f = features();
  const p = {
    simd: f.simd, relaxedSimd: f.relaxedSimd, relaxedKernels: hasRelaxed(), threads: f.threads, isa: getIsa(),
    memoryCap: MAX_MEMORY_BYTES, engine: engineName(),
  };
  const feats = ['simd', p.relaxedKernels && 'relaxed', p.threads && 'threads'].filter(Boolean).join('+');
  return { ...p, key: `${p.engine}|${p.isa}|${feats}|${p.memoryCap / 1024 ** 3}GiB` };
}

/** The JavaScript engine (its family and major.minor version) from the host's own reports. */
export function engineName(): string {
  const g = globalThis as { process?: { versions?: Record<string, string> }; navigator?: { userAgent?: string }; Bun?: unknown; Deno?: { version?: { v8?: string } } };
  const mm = (v: string) => v.split('.').slice(0, 2).join('.');
  if (g.Deno?.version?.v8) return `V8 ${mm(g.Deno.version.v8)}`;
  if (g.Bun) return `JavaScriptCore (Bun ${g.process?.versions?.bun ?? ''})`.replace(' ()', '');
  if (g.process?.versions?.v8) return `V8 ${mm(g.process.versions.v8)}`;
  const ua = g.navigator?.userAgent ?? '';
  let m: RegExpMatchArray | null;
  if ((m = ua.match(/Firefox\/(\d+)/))) return `SpiderMonkey ${m[1]}`;
  if ((m = ua.match(/Chrom(?:e|ium)\/(\d+)/))) return `V8 (Chromium ${m[1]})`;
  if ((m = ua.match(/Version\/(\d+)[\d.]* .*Safari/)) || (m = ua.match(/AppleWebKit\/(\d+)/))) return `JavaScriptCore ${m[1]}`;
  return 'unknown engine';
}
