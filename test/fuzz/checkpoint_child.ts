// Child process of the checkpoint fuzz suite: runs the cases of the JSON file it is given, one
// after the other, and prints one JSON line per case (outcome, leak, time). See checkpoint_runner.ts.
import { readFileSync } from 'node:fs';
import { zoo, memoryStats, Tensor, VidwasmError } from '../../ts/node.js';
import { rng, flip, truncate, zipEdit, zipPickleEdit, legacyPickleEdit, safetensorsEdit, SHAPES } from './checkpoint_mutants.js';
import type { FuzzCase, FuzzResult } from './checkpoint_runner.js';

const MUTATORS = { flip, truncate, zipEdit, zipPickleEdit, legacyPickleEdit, safetensorsEdit, asIs: (b: Uint8Array) => b };
const bases = new Map<string, Uint8Array>();

async function base(name: string): Promise<Uint8Array> {
  if (!bases.has(name)) {
    const [kind, path] = name.split(':');
    let b: Uint8Array;
    if (kind === 'data') b = readFileSync(new URL(`../data/checkpoints/${path}`, import.meta.url));
    else if (kind === 'fixtures') b = readFileSync(new URL(`../../../shared/fixtures/${path}`, import.meta.url));
    else { // writer:<file>: our safetensors writer's output for that file's state dict
      const sd = await zoo.readCheckpoint(new URL(`../data/checkpoints/${path}`, import.meta.url));
      b = await zoo.saveSafetensors(sd, undefined, { format: 'pt' });
      zoo.disposeTensors(sd);
    }
    bases.set(name, new Uint8Array(b));
  }
  return bases.get(name)!;
}

/** Every tensor and plain value of a tree, in walk order (each shared object once). */
function summary(root: unknown): string {
  const out: string[] = [], seen = new Set<unknown>(), todo = [root];
  while (todo.length) {
    const v = todo.pop();
    if (v instanceof Tensor) {
      const b = new Uint8Array(v.toArray().buffer);
      let h = 0x811c9dc5;
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
      out.push(`${v.dtype}[${v.shape}]#${h >>> 0}`);
    } else if ((v instanceof Map || Array.isArray(v)) && !seen.has(v)) {
      seen.add(v);
      if (v instanceof Map) for (const [k, x] of v) { out.push(typeof k === 'string' ? k : typeof k); todo.push(x); } else todo.push(...v.slice(0, 1000));
    } else if (typeof v !== 'object') out.push(String(v));
  }
  return out.join('|');
}

const originals = new Map<string, string>();
async function originalSummary(name: string): Promise<string> {
  if (!originals.has(name)) {
    try { // a base the reader refuses (the evil pickle) must stay refused
      const tree = await zoo.readTorchFile(await base(name));
      originals.set(name, summary(tree));
      zoo.disposeTensors(tree);
    } catch (e) {
      originals.set(name, `refused: ${(e as Error).message}`);
    }
  }
  return originals.get(name)!;
}

async function run(c: FuzzCase): Promise<FuzzResult> {
  const bytes = c.mutate in SHAPES ? SHAPES[c.mutate]() : MUTATORS[c.mutate as keyof typeof MUTATORS](await base(c.base), rng(c.seed));
  const original = c.same ? await originalSummary(c.base) : undefined;
  const before = memoryStats().liveBytes;
  const t0 = performance.now();
  let r: Omit<FuzzResult, 'id' | 'ms' | 'leaked'>;
  try {
    const tree = await zoo.readTorchFile(bytes, c.limits);
    r = { outcome: 'ok', same: original === undefined ? undefined : summary(tree) === original };
    zoo.disposeTensors(tree);
  } catch (e) {
    const err = e as Error;
    r = { outcome: e instanceof VidwasmError ? 'typed' : 'untyped', message: `${err?.name}: ${String(err?.message).slice(0, 300)}` };
  }
  return { id: c.id, ...r, leaked: memoryStats().liveBytes - before, ms: Math.round(performance.now() - t0) };
}

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8')) as FuzzCase[];
console.log(JSON.stringify({ ready: true }));
for (const c of cases) console.log(JSON.stringify(await run(c)));
