// `vidwasm info`: the device profile the runtime sees (wasm features, lowering, memory, engine: the
// key kernel choices are cached under), the kernel module, and which kernel variant this device
// would pick for representative layers (timed now, a fraction of a second).
import { cpus, totalmem } from 'node:os';
import { getBackend, getRelaxedPolicy, kernelNames, memoryBytes, fmtBytes } from '../runtime/wasm.js';
import { relaxedNotes } from '../runtime/relaxed.js';
import { relaxedWasmPath, wasmPath } from '../runtime/hosts/node.js';
import { chooseKernelDetailed, describeChoice, deviceProfile, representativeCalls, type DeviceProfile, type KernelChoice } from '../accelerator/device/index.js';

/** The device profile's fields (simd, relaxedSimd, threads, isa, memoryCap, engine, key) and the host's. */
export interface HostInfo extends DeviceProfile {
  host: string;
  cpu: string;
  cores: number;
  systemMemory: string;
  sharedMemory: boolean;
  backend: string;
  relaxedPolicy: string;
  wasmMemory: string;
  wasmMemoryMax: string;
  module: string;
  relaxedModule: string | null;
  /** Relaxed variants switched off on this host, and why. */
  relaxedNotes: string[];
  kernels: { total: number; simd: number; scalarTwins: number; isaVariants: number };
  /** What chooseKernel picks for representative layers, with the median ms of each variant. */
  choices: ({ layer: string; kernel: string } & KernelChoice)[];
}

export function hostInfo(timeChoices = true): HostInfo {
  const profile = deviceProfile();
  const names = kernelNames();
  const scalar = names.filter((n) => n.endsWith('_scalar')).length;
  const isa = names.filter((n) => /_(x86|arm)$/.test(n)).length;
  const cpu = cpus();
  const choices: HostInfo['choices'] = [];
  if (timeChoices) {
    for (const s of representativeCalls()) {
      try {
        const c = chooseKernelDetailed(s.call, profile, { budgetMs: 150 });
        choices.push({ layer: s.label, kernel: s.call.kernel, ...c });
      } finally { s.dispose(); }
    }
  }
  return {
    ...profile,
    host: `Node ${process.version} on ${process.platform}-${process.arch}`,
    cpu: cpu[0]?.model?.trim() ?? 'unknown',
    cores: cpu.length,
    systemMemory: fmtBytes(totalmem()),
    sharedMemory: typeof SharedArrayBuffer === 'function',
    backend: getBackend(),
    relaxedPolicy: getRelaxedPolicy(),
    wasmMemory: fmtBytes(memoryBytes()),
    wasmMemoryMax: fmtBytes(profile.memoryCap),
    module: wasmPath(),
    relaxedModule: profile.relaxedKernels ? relaxedWasmPath() : null,
    relaxedNotes: [...relaxedNotes],
    kernels: { total: names.length, simd: names.length - scalar - isa, scalarTwins: scalar, isaVariants: isa },
    choices,
  };
}

export function printInfo(json: boolean, timeChoices = true): void {
  const p = hostInfo(timeChoices), d = p;
  if (json) {
    console.log(JSON.stringify(p, null, 2));
    return;
  }
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const relaxed = !d.relaxedSimd ? 'no (plain SIMD kernels; Node 20 needs --experimental-wasm-relaxed-simd)'
    : d.relaxedKernels ? `yes, kernels loaded (${p.relaxedModule}); ops: setRelaxedPolicy('${p.relaxedPolicy}'), plans: by timing${
      p.relaxedNotes.length ? `; ${p.relaxedNotes.join('; ')}` : ''}`
      : 'yes, but vidwasm-relaxed.wasm is not loaded (make wasm-relaxed; none with threads on)';
  const rows: [string, string][] = [
    ['host', p.host],
    ['engine', d.engine],
    ['cpu', `${p.cpu} (${p.cores} cores, ${p.systemMemory})`],
    ['wasm SIMD', yes(d.simd)],
    ['relaxed SIMD', relaxed],
    ['threads', `${yes(d.threads)}, shared memory ${yes(p.sharedMemory)}`],
    ['ISA flavour', `${d.isa} (wasm SIMD variants tuned for ${d.isa === 'x86' ? 'x86 SSE/AVX' : 'arm NEON'} lowering)`],
    ['backend', p.backend],
    ['wasm memory', `${p.wasmMemory} now, grows to ${p.wasmMemoryMax}`],
    ['profile key', d.key],
    ['kernel module', p.module],
    ['kernels', `${p.kernels.total} exported: ${p.kernels.simd} SIMD, ${p.kernels.scalarTwins} scalar twins, ${p.kernels.isaVariants} ISA variants`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  if (!p.choices.length) return;
  console.log('\nkernel choice (fastest time per call of each variant, timed now):');
  const lw = Math.max(...p.choices.map((c) => c.layer.length));
  for (const c of p.choices) console.log(`  ${c.layer.padEnd(lw)}  -> ${describeChoice(c)}`);
}
