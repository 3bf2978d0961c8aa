// The `vidwasm` command: dispatches to one file per command (each exports HELP and run), and
// turns every failure into one line on stderr and a non-zero exit (2: usage, 1: input/runtime).
import { initNode } from '../runtime/hosts/node.js';
import { VidwasmError } from '../runtime/errors.js';
import { UsageError } from './args.js';
import { setQuiet } from './progress.js';

const VERSION = '0.1.0';
const HELP = `vidwasm ${VERSION} — PyTorchVideo as a portable WebAssembly SIMD runtime

usage: vidwasm <command> [options]        (vidwasm <command> --help for a command's options)

commands:
  demo [--out DIR] [--quick]        make a labelled mp4 dataset with ffmpeg.wasm, train a small X3D
                                    from scratch, report held-out top-1, save a .pyth, classify a clip
  info [--json]                     device profile: wasm SIMD, relaxed SIMD, threads, memory, kernels
  classify CLIP --model NAME --weights FILE [--topk K]
                                    classify a video with a zoo model (Kinetics-400 labels)
  deploy --model NAME [--weights FILE] --out FILE.vwplan
                                    deploy form + compiled inference plan (classify CLIP --plan FILE)
  train --data CSV --val CSV --model NAME --num-classes N [--epochs E] --out DIR
                                    train a model on "path label" csv lists of videos
  eval --data CSV --model NAME --weights FILE [--num-classes N]
                                    top-1 / top-5 / mAP of a checkpoint on a csv list
  convert IN OUT                    checkpoint format by extension: .pyth/.pt/.pth <-> .safetensors
  bench [kernels|models|data] [--json]
                                    run the benchmark suites (from a source checkout)
  serve [--port 8080] [--host H] [--dir DIR]
                                    the browser demo page on a local server: train in the tab,
                                    drop a video to classify it
  help                              this text

options:
  -h, --help                        help
  -v, --version                     the version
  --scalar                          use the scalar kernel twins instead of SIMD
  --quiet                           no progress bars or summaries on stderr

environment:
  VIDWASM_WASM                      path of vidwasm.wasm (default: next to this script)`;

interface Command { HELP: string; run(argv: string[]): Promise<number> }
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: () => import('./demo_cmd.js'),
  info: () => import('./info_cmd.js'),
  classify: () => import('./classify.js'),
  deploy: () => import('./deploy.js'),
  train: () => import('./train_cmd.js'),
  eval: () => import('./eval_cmd.js'),
  convert: () => import('./convert.js'),
  bench: () => import('./bench.js'),
  serve: () => import('./serve.js'),
};

function flag(args: string[], ...names: string[]): boolean {
  let found = false;
  for (const n of names) {
    const i = args.indexOf(n);
    if (i >= 0) { args.splice(i, 1); found = true; }
  }
  return found;
}

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  if (args.length === 0 || args[0] === 'help' || ((args[0] === '-h' || args[0] === '--help'))) {
    console.log(HELP);
    return 0;
  }
  if (flag(args, '-v', '--version')) {
    console.log(VERSION);
    return 0;
  }
  const scalar = flag(args, '--scalar');
  if (flag(args, '--quiet')) setQuiet(true);
  const name = args.shift()!;
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`unknown command '${name}'`);
  const cmd = await load();
  if (flag(args, '-h', '--help')) {
    console.log(cmd.HELP);
    return 0;
  }
  initNode();
  if (scalar) (await import('../runtime/wasm.js')).setBackend('scalar');
  return cmd.run(args);
}

/** One line for any error: usage mistakes, library errors, missing files; a trace only for bugs. */
export function report(e: unknown): number {
  if (e instanceof UsageError) {
    console.error(`vidwasm: ${e.message}\nrun 'vidwasm --help' for usage`);
    return 2;
  }
  if (e instanceof VidwasmError) {
    console.error(`vidwasm: ${e.message.split('\n')[0]}`);
    return 1;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') {
    console.error(`vidwasm: cannot read ${err.path}: no such file${/\.wasm$/.test(String(err.path)) ? ' (build it with `make wasm`, or fix VIDWASM_WASM)' : ''}`);
    return 1;
  }
  if (err?.code === 'EACCES' || err?.code === 'EISDIR' || err?.code === 'ENOTDIR' || err?.code === 'ENOSPC') {
    console.error(`vidwasm: ${err.message}`);
    return 1;
  }
  // Anything else is a bug in vidwasm: show one line, the trace only when asked for.
  console.error(`vidwasm: internal error: ${err instanceof Error ? err.message : String(e)}${process.env.VIDWASM_DEBUG ? `\n${err?.stack}` : ' (set VIDWASM_DEBUG=1 for the stack trace)'}`);
  return 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => { process.exitCode = report(e); });
