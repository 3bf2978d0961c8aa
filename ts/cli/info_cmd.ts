// `vidwasm info [--json] [--no-timing]`: the device profile and kernel choices (see info.ts).
import { parseArgs } from './args.js';

export const HELP = `usage: vidwasm info [--json] [--no-timing]

The device profile the runtime sees: wasm SIMD, relaxed SIMD, threads, the ISA flavour of the
kernels, the memory cap and the engine (with the key kernel choices are cached under), the
kernel module, and which kernel variant (plain SIMD, x86/arm lowering, relaxed SIMD) this device
would pick for representative layers, timed now (under a second).

options:
  --json        print it all as JSON
  --no-timing   skip the kernel timing`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('info', argv, { json: { kind: 'flag' }, 'no-timing': { kind: 'flag' } });
  (await import('./info.js')).printInfo(Boolean(p.opts.json), !p.opts['no-timing']);
  return 0;
}
