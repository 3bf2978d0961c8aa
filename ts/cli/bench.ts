// `vidwasm bench [kernels|models|data] [--json]`: runs the tinybench suites of bench/run.ts.
// The suites live in the source tree (bench/ is not shipped in the npm package) and are
// TypeScript, so they run from a checkout through tsx; elsewhere this says so in one line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, CliError } from './args.js';

export const HELP = `usage: vidwasm bench [kernels|models|data ...] [--json] [--quick] [--filter TEXT]

Runs the benchmark suites (tinybench, single thread, SIMD kernels next to their scalar twins):
  kernels    GEMM, conv, norm, shape and int8 kernels (default)
  models     X3D-XS / X3D-S / Slow-R50 / SlowFast-R50 eval latency (+ onnxruntime-web)
  data       decoding and the transform chain

The suites are in the source repository (bench/), not in the npm package: run this from a
checkout (npm ci done) so bench/run.ts and tsx are found.

options:
  --json          machine-readable results
  --quick         shorter runs
  --filter TEXT   only cases whose name contains TEXT`;

const SUITES = ['kernels', 'models', 'data'];

/** The checkout holding bench/run.ts: next to this file's tree (source or dist/), or the working dir. */
function findRoot(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const root of [resolve(here, '../..'), resolve(here, '..'), process.cwd()]) {
    if (existsSync(join(root, 'bench', 'run.ts'))) return root;
  }
  return null;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('bench', argv, { json: { kind: 'flag' }, quick: { kind: 'flag' }, filter: { kind: 'string' } }, SUITES.length);
  for (const s of p.positionals) if (!SUITES.includes(s)) throw new CliError(`bench: unknown suite '${s}' (suites: ${SUITES.join(', ')})`);
  const root = findRoot();
  if (!root) throw new CliError('bench: the benchmark suites (bench/) are not part of the npm package; run `vidwasm bench` from a source checkout (git clone, npm ci), or `npx tsx bench/run.ts` there');
  let tsx: string;
  try {
    tsx = createRequire(join(root, 'package.json')).resolve('tsx');
  } catch {
    throw new CliError(`bench: tsx is not installed in ${root} (run npm ci there): the suites are TypeScript`);
  }
  void tsx;
  const args = ['--import', 'tsx', join(root, 'bench', 'run.ts'), ...(p.positionals.length ? p.positionals : ['kernels'])];
  if (p.opts.json) args.push('--json');
  if (p.opts.quick) args.push('--quick');
  if (typeof p.opts.filter === 'string') args.push(`--filter=${p.opts.filter}`);
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });
    child.on('error', rej);
    child.on('close', (code) => res(code ?? 1));
  });
}
