// The `vidwasm` command. Today: `info` (device profile) and `demo` (a placeholder that trains a
// tiny 3D CNN until the real demo lands). classify/train/eval/convert/bench/serve come later.
import { initNode } from '../runtime/hosts/node.js';
import { VidwasmError } from '../runtime/errors.js';

const VERSION = '0.1.0';
const HELP = `vidwasm ${VERSION} — PyTorchVideo as a portable WebAssembly SIMD runtime

usage: vidwasm <command> [options]

commands:
  info [--json]                     device profile: wasm SIMD, relaxed SIMD, threads, memory,
                                    kernel count, ISA flavour, backend
  demo [--steps N] [--seed S]       PLACEHOLDER demo: trains a tiny 3D CNN for N SGD steps
                                    (default 12) on random clips and prints the loss
  help                              this text

options:
  -h, --help                        this text
  -v, --version                     the version
  --scalar                          use the scalar kernel twins instead of SIMD

environment:
  VIDWASM_WASM                      path of vidwasm.wasm (default: next to this script)`;

class UsageError extends Error {}

function intOpt(args: string[], name: string, dflt: number, min: number): number {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const raw = args[i + 1];
  const v = Number(raw);
  if (raw === undefined || !Number.isInteger(v) || v < min) throw new UsageError(`${name} needs an integer >= ${min}, got ${raw ?? 'nothing'}`);
  args.splice(i, 2);
  return v;
}

function flag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

function noMore(cmd: string, args: string[]): void {
  if (args.length) throw new UsageError(`${cmd}: unknown argument${args.length > 1 ? 's' : ''} ${args.join(' ')}`);
}

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  if (args.length === 0 || flag(args, '-h') || flag(args, '--help') || args[0] === 'help') {
    console.log(HELP);
    return 0;
  }
  if (flag(args, '-v') || flag(args, '--version')) {
    console.log(VERSION);
    return 0;
  }
  const scalar = flag(args, '--scalar');
  const cmd = args.shift()!;
  const needsRuntime = () => {
    initNode();
    return import('../runtime/wasm.js').then((w) => { if (scalar) w.setBackend('scalar'); });
  };
  switch (cmd) {
    case 'info': {
      const json = flag(args, '--json');
      noMore('info', args);
      await needsRuntime();
      (await import('./info.js')).printInfo(json);
      return 0;
    }
    case 'demo': {
      const steps = intOpt(args, '--steps', 12, 1);
      const seed = intOpt(args, '--seed', 0, 0);
      noMore('demo', args);
      await needsRuntime();
      const losses = (await import('./demo.js')).runDemo({ steps, seed });
      const first = losses[0], last = losses[losses.length - 1];
      if (losses.length > 1 && !(last < first)) {
        console.error(`demo: the loss did not decrease (${first.toFixed(4)} -> ${last.toFixed(4)})`);
        return 1;
      }
      console.log(`loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${cmd}'`);
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  if (e instanceof UsageError) {
    console.error(`vidwasm: ${e.message}\nrun 'vidwasm --help' for usage`);
    process.exitCode = 2;
  } else if (e instanceof VidwasmError) {
    console.error(`vidwasm: ${e.message}`);
    process.exitCode = 1;
  } else if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') {
    const path = (e as NodeJS.ErrnoException).path;
    console.error(`vidwasm: cannot read ${path}: no such file (build it with \`make wasm\`, or fix VIDWASM_WASM)`);
    process.exitCode = 1;
  } else {
    console.error(e);
    process.exitCode = 1;
  }
});
