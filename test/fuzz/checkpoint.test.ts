// Fuzz suite, checkpoint half (issue 15): seeded mutants of real checkpoints (the shared
// PyTorchVideo fixtures, files torch.save wrote for the golden tests, our own writers' output)
// and the bomb and recursion shapes, each read in a child process under a time and memory bound.
// Every case must end in a typed error (a VidwasmError) or a correct result (for a zip mutant:
// exactly the original's, its CRC-32s protect the data), with no crash, hang, runaway memory,
// leaked tensor, or code run (the evil pickle's mutants never create their marker file).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { runCases, type FuzzCase, type FuzzResult, type Bounds } from './checkpoint_runner.js';
import { SHAPES } from './checkpoint_mutants.js';

const fixtures = new URL('../../../shared/fixtures/', import.meta.url).pathname;
const PWNED = '/tmp/vidwasm-pwned'; // what evil_os_system.pyth's pickle would write if it ran

/** [base, mutator, count, same-as-original-if-ok] */
const plan: [string, string, number, boolean?][] = [];
const zipBases = ['torch_made.pyth', 'torch_bare.pyth', 'ours.pyth', 'broadcast_small.pyth', 'memo_paths.pyth', 'empty_state.pyth', 'evil_os_system.pyth'];
for (const f of zipBases) plan.push([`data:${f}`, 'flip', 10, true], [`data:${f}`, 'truncate', 3, true], [`data:${f}`, 'zipEdit', 10, true], [`data:${f}`, 'zipPickleEdit', 12]);
plan.push(['data:torch_made_legacy.pyth', 'flip', 15], ['data:torch_made_legacy.pyth', 'truncate', 5], ['data:torch_made_legacy.pyth', 'legacyPickleEdit', 30]);
plan.push(['writer:torch_made.pyth', 'flip', 12], ['writer:torch_made.pyth', 'truncate', 4], ['writer:torch_made.pyth', 'safetensorsEdit', 30]);
const haveFixtures = existsSync(fixtures);
if (haveFixtures) {
  plan.push(['fixtures:x3d_xs/model.pyth', 'flip', 6, true], ['fixtures:x3d_xs/model.pyth', 'truncate', 2, true], ['fixtures:x3d_xs/model.pyth', 'zipEdit', 6, true], ['fixtures:x3d_xs/model.pyth', 'zipPickleEdit', 4]);
  plan.push(['fixtures:x3d_xs/model_legacy.pyth', 'flip', 3], ['fixtures:x3d_xs/model_legacy.pyth', 'legacyPickleEdit', 5]);
  plan.push(['fixtures:slow_r50_w16_small/model.pyth', 'flip', 3, true], ['fixtures:slow_r50_w16_small/model.pyth', 'zipEdit', 3, true]);
} else console.log(`SKIPPED (mutants of the shared fixtures): ${fixtures} not found`);

let id = 0;
const batch: FuzzCase[] = plan.flatMap(([base, mutate, n, same]) => Array.from({ length: n }, (_, i) => ({ id: id++, base, mutate, seed: 1000 * id + i, same })));
/** What each shape must give: the unused bomb and the shared lists load; the rest are refused. */
const shapeExpect: Record<string, 'ok' | 'typed'> = { 'unused 3.5 GiB entry': 'ok', 'memo sharing, 2^60 paths': 'ok' };
const shapes: FuzzCase[] = Object.keys(SHAPES).flatMap((mutate) => [{ id: id++, base: '', mutate, seed: 0, expect: shapeExpect[mutate] ?? 'typed' }]);
shapes.push({ id: id++, base: '', mutate: 'lists nested 10^6 deep', seed: 0, limits: { maxDepth: 2e6 }, expect: 'ok' });
shapes.push({ id: id++, base: '', mutate: 'ten 1 GiB entries', seed: 0, limits: { maxEntryBytes: 2 ** 31 }, expect: 'typed' });
shapes.push({ id: id++, base: 'data:broadcast_huge.pyth', mutate: 'asIs', seed: 0, expect: 'typed' }); // torch.save of a 1 GiB broadcast view
const all = [...batch, ...shapes];

// Bounds: far below what the unbounded reader took (the 3.5 GiB bomb: 3.65 GB RSS; the
// 10^8-path file: >60 s, then heap exhaustion), and generous in time: a hang never ends, while
// reading 10^6 nested lists (a few seconds on 2 free cores) took 60 s on a machine loaded 20x.
const BATCH: Bounds = { caseMs: 30_000, startMs: 90_000, heapMb: 512, rssMb: 1024 };
const SHAPE: Bounds = { caseMs: 150_000, startMs: 90_000, heapMb: 512, rssMb: 768 };

let results: FuzzResult[] = [];
test.before(async () => {
  const halves = [batch.filter((_, i) => i % 2 === 0), batch.filter((_, i) => i % 2 === 1)];
  // Two processes at a time (the CI machine has 2 cores): the batch halves, then one per shape.
  const queue = [...halves.map((h) => () => runCases(h, BATCH)), ...shapes.map((s) => () => runCases([s], SHAPE))];
  const worker = async () => { for (let job = queue.shift(); job; job = queue.shift()) results.push(...await job()); };
  await Promise.all([worker(), worker()]);
});

const byId = (i: number) => all[i];
const describe = (r: FuzzResult) => { const c = byId(r.id); return `case ${r.id} (${c.base || 'shape'} ${c.mutate} seed ${c.seed}): ${r.outcome} ${r.message ?? ''}`; };

test(`${all.length} cases: each is a typed error or a correct result, within its bounds, leaking nothing`, () => {
  // what the mutants reached, for the log: outcome counts per mutator, the slowest and largest case
  const table = new Map<string, Record<string, number>>();
  for (const r of results) {
    const k = byId(r.id).base ? byId(r.id).mutate : 'shapes';
    table.set(k, { ...table.get(k), [r.outcome]: (table.get(k)?.[r.outcome] ?? 0) + 1 });
  }
  for (const [k, v] of table) console.log(`  ${k.padEnd(18)} ${Object.entries(v).map(([o, n]) => `${o} ${n}`).join(', ')}`);
  const slow = results.reduce((a, r) => (r.ms > a.ms ? r : a));
  const big = results.reduce((a, r) => ((r.rssMb ?? 0) > (a.rssMb ?? 0) ? r : a));
  console.log(`  slowest: ${describe(slow)} ${slow.ms} ms; largest RSS: ${byId(big.id).mutate} ${big.rssMb} MiB`);
  assert.is(results.length, all.length, 'every case reported');
  const bad = results.filter((r) => !['ok', 'typed'].includes(r.outcome) || r.leaked !== 0
    || (byId(r.id).same && r.outcome === 'ok' && !r.same) || (byId(r.id).expect && r.outcome !== byId(r.id).expect));
  assert.equal(bad.map(describe), [], `${bad.length} bad cases`);
  assert.not.ok(existsSync(PWNED), 'a pickle ran code');
});

test('every shape is refused or read as the issue asks', () => {
  for (const s of shapes) {
    const r = results.find((x) => x.id === s.id)!;
    assert.is(r.outcome, s.expect, describe(r));
  }
});

test.run();
