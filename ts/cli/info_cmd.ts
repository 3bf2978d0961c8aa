// `vidwasm info [--json]`: the device profile (see info.ts).
import { parseArgs } from './args.js';

export const HELP = `usage: vidwasm info [--json]

The device profile the runtime sees: wasm SIMD, relaxed SIMD, threads and shared memory, the
ISA flavour of the kernels, the backend, wasm memory, the kernel module and its kernel count.

options:
  --json    print the profile as JSON`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('info', argv, { json: { kind: 'flag' } });
  (await import('./info.js')).printInfo(Boolean(p.opts.json));
  return 0;
}
