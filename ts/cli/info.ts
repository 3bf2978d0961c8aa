// `vidwasm info`: the device profile the runtime sees — wasm features, kernel module, backend.
import { cpus, totalmem } from 'node:os';
import { features, getBackend, getIsa, kernelNames, memoryBytes, fmtBytes, MAX_MEMORY_BYTES } from '../runtime/wasm.js';
import { wasmPath } from '../runtime/hosts/node.js';

export interface DeviceProfile {
  host: string;
  cpu: string;
  cores: number;
  systemMemory: string;
  simd: boolean;
  relaxedSimd: boolean;
  threads: boolean;
  sharedMemory: boolean;
  isa: string;
  backend: string;
  wasmMemory: string;
  wasmMemoryMax: string;
  module: string;
  kernels: { total: number; simd: number; scalarTwins: number; isaVariants: number };
}

export function deviceProfile(): DeviceProfile {
  const f = features();
  const names = kernelNames();
  const scalar = names.filter((n) => n.endsWith('_scalar')).length;
  const isa = names.filter((n) => /_(x86|arm)$/.test(n)).length;
  const cpu = cpus();
  return {
    host: `Node ${process.version} on ${process.platform}-${process.arch}`,
    cpu: cpu[0]?.model?.trim() ?? 'unknown',
    cores: cpu.length,
    systemMemory: fmtBytes(totalmem()),
    simd: f.simd,
    relaxedSimd: f.relaxedSimd,
    threads: f.threads,
    sharedMemory: f.sharedMemory,
    isa: getIsa(),
    backend: getBackend(),
    wasmMemory: fmtBytes(memoryBytes()),
    wasmMemoryMax: fmtBytes(MAX_MEMORY_BYTES),
    module: wasmPath(),
    kernels: { total: names.length, simd: names.length - scalar - isa, scalarTwins: scalar, isaVariants: isa },
  };
}

export function printInfo(json: boolean): void {
  const p = deviceProfile();
  if (json) {
    console.log(JSON.stringify(p, null, 2));
    return;
  }
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const rows: [string, string][] = [
    ['host', p.host],
    ['cpu', `${p.cpu} (${p.cores} cores, ${p.systemMemory})`],
    ['wasm SIMD', yes(p.simd)],
    ['relaxed SIMD', `${yes(p.relaxedSimd)} (not used by the kernels yet)`],
    ['threads', `${yes(p.threads)}, shared memory ${yes(p.sharedMemory)} (kernels run single-threaded)`],
    ['ISA flavour', `${p.isa} (wasm SIMD variants tuned for ${p.isa === 'x86' ? 'x86 SSE/AVX' : 'arm NEON'} lowering)`],
    ['backend', p.backend],
    ['wasm memory', `${p.wasmMemory} now, grows to ${p.wasmMemoryMax}`],
    ['kernel module', p.module],
    ['kernels', `${p.kernels.total} exported: ${p.kernels.simd} SIMD, ${p.kernels.scalarTwins} scalar twins, ${p.kernels.isaVariants} ISA variants`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}
