// The rooms of ts/ (docs/ARCHITECTURE.md): the import graph of every module, as esbuild resolves
// it (runtime imports only: type-only imports are erased), must follow the dependency direction
//   runtime <- models, data <- accelerator <- zoo <- train <- demo <- cli
// (the package entries ts/*.ts sit above all rooms), Tensor must be a leaf (it reaches no module
// that imports it back), and no import circle may remain outside ts/runtime/ops, whose files
// still import each other (elementwise <-> reduce <-> shape).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const LEVEL: Record<string, number> = { runtime: 0, models: 1, data: 1, accelerator: 2, zoo: 3, train: 4, demo: 5, cli: 6 };

const walk = (d: string): string[] => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
});

let graph: Map<string, string[]>;
test.before(async () => {
  const r = await build({
    entryPoints: walk(join(root, 'ts')), absWorkingDir: root, bundle: true, splitting: true, format: 'esm', platform: 'node',
    packages: 'external', write: false, metafile: true, outdir: join(root, 'node_modules', '.cache', 'rooms'), logLevel: 'silent',
  });
  graph = new Map(Object.entries(r.metafile.inputs).filter(([f]) => f.startsWith('ts/'))
    .map(([f, v]) => [f, v.imports.filter((i) => i.path.startsWith('ts/')).map((i) => i.path)]));
});

const roomOf = (f: string) => (f.split('/').length > 2 ? f.split('/')[1] : null);

test('every import goes down the room order (runtime <- models, data <- accelerator <- zoo <- train <- demo <- cli)', () => {
  assert.ok(graph.size > 100, `${graph.size} modules`);
  const wrong: string[] = [];
  for (const [f, deps] of graph) {
    const a = roomOf(f);
    if (a === null) continue; // a package entry (ts/node.ts, ...)
    assert.ok(a in LEVEL, `${f}: ts/${a} is not a room of docs/ARCHITECTURE.md`);
    for (const d of deps) {
      const b = roomOf(d);
      // The browser demo page's bundle entry loads the browser package entry.
      if (b === null) { if (f !== 'ts/demo/page_main.ts') wrong.push(`${f} -> ${d}`); continue; }
      if (a !== b && !(LEVEL[b] < LEVEL[a])) wrong.push(`${f} -> ${d}`);
    }
  }
  assert.equal(wrong, []);
});

/** Modules reachable from `from` (itself excluded unless a path returns to it). */
function reach(from: string): Set<string> {
  const seen = new Set<string>(), todo = [...(graph.get(from) ?? [])];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(graph.get(f) ?? []));
  }
  return seen;
}

test('Tensor is a leaf: ts/runtime/tensor.ts reaches no module that imports it back', () => {
  const down = reach('ts/runtime/tensor.ts');
  assert.not.ok(down.has('ts/runtime/tensor.ts'));
  for (const f of down) assert.not.ok(graph.get(f)!.includes('ts/runtime/tensor.ts'), `${f} imports tensor.ts`);
  assert.not.ok([...down].some((f) => f.startsWith('ts/runtime/ops/')), 'tensor.ts reaches no op');
});

test('no import circle outside ts/runtime/ops', () => {
  const circles = [...graph.keys()].filter((f) => reach(f).has(f));
  assert.equal(circles.filter((f) => !f.startsWith('ts/runtime/ops/')), []);
});

test.run();
