// The checkpoint reader against issue 15's hostile shapes (items 1-8, 21), each a regression
// test: a typed CheckpointError or a correct result, never a crash, a blow-up or a leak.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { Tensor, zoo, memoryStats, type Tensor as T } from '../../ts/node.js';
import { CheckpointError } from '../../ts/zoo/index.js';
import { crc32 as crc } from '../../ts/zoo/checkpoint/crc32.js';
import { loadGolden } from '../helpers/golden.js';
import { rejects } from '../helpers/checkpoint_content.js';
import { assertClose } from '../helpers/assert.js';
import { bytes, op, tensorOps, checkpointPickle, torchZip, craftZip, deflateBomb, type CraftEntry } from '../fuzz/checkpoint_craft.js';

const data = (f: string) => new URL(`../data/checkpoints/${f}`, import.meta.url).pathname;
const fixtures = new URL('../../../shared/fixtures/', import.meta.url).pathname;
const golden = loadGolden('checkpoint');


/** Runs fn and checks every wasm byte it allocated was freed (the reader cleans up on errors). */
async function noLeak(what: string, fn: () => Promise<void>): Promise<void> {
  const before = memoryStats();
  await fn();
  assert.equal(memoryStats(), before, `${what}: tensors left allocated`);
}

const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const dispose = (sd: Map<string, T>) => { for (const t of sd.values()) t.dispose(); };
const ok = (name: string, n = 4) => [name, tensorOps('0', { numel: n, shape: [n], stride: [1] })] as [string, number[]];

test('1. a legacy-looking pickle whose first value is not an integer is a CheckpointError', async () => {
  await rejects(zoo.readCheckpoint(data('legacy_str_first.pyth')), /not a PyTorch checkpoint \(bad magic number\)/, 'string first');
  await rejects(zoo.readCheckpoint(data('legacy_float_first.pyth')), /bad magic number/, 'float first');
  await rejects(zoo.readCheckpoint(bytes(op.proto, op.emptyList, op.stop)), /bad magic number/, 'list first');
  await rejects(zoo.readCheckpoint(bytes(op.proto, op.emptyDict, op.stop, 0, 0)), /bad magic number/, 'dict first');
});

/** Opcodes of lists (APPEND), dicts (SETITEM) or tuples (TUPLE1) nested `depth` deep. */
function nested(kind: 'list' | 'dict' | 'tuple', depth: number): number[] {
  if (kind === 'tuple') return [op.emptyTuple, ...new Array(depth).fill(op.tuple1)];
  if (kind === 'list') return [...new Array(depth + 1).fill(op.emptyList), ...new Array(depth).fill(op.append)];
  const key = op.str('k');
  return [op.emptyDict, ...Array.from({ length: depth }, () => [...key, op.emptyDict]).flat(), ...new Array(depth).fill(op.setitem)];
}

test('2. nesting 10^4..10^6 deep: refused past maxDepth, read iteratively when allowed', async () => {
  for (const [kind, depth] of [['list', 1e4], ['dict', 1e5], ['tuple', 1e5], ['list', 1e6]] as const) {
    const file = torchZip(checkpointPickle([], [['deep', nested(kind, depth)]]));
    await rejects(zoo.readCheckpoint(file), /nested more than 1000 deep \(limit maxDepth\)/, `${kind} ${depth}`);
    if (depth > 1e5) continue; // reading 10^6 levels (seconds on a loaded machine) is in test/fuzz/checkpoint.test.ts
    const top = await zoo.readTorchFile(file, { maxDepth: 2e6 }) as Map<string, unknown>;
    let v = top.get('deep'), levels = 0;
    while (v instanceof Map ? v.size : Array.isArray(v) && v.length) { v = v instanceof Map ? v.get('k') : (v as unknown[])[0]; levels++; }
    assert.is(levels, depth, `${kind} ${depth}`);
  }
  // APPENDS of a million items (once a call-stack overflow through push(...items))
  const million = [op.emptyList, op.mark, ...new Array(1e6).fill(0x4e), op.appends];
  const top = await zoo.readTorchFile(torchZip(checkpointPickle([], [['many', million]]))) as Map<string, unknown[]>;
  assert.is(top.get('many')!.length, 1e6);
});

test('3. memo-shared sub-objects stay shared: 2^27 (torch-written) and 2^60 paths read in linear work', async () => {
  const top = await zoo.readTorchFile(data('memo_paths.pyth')) as Map<string, any>;
  let v = top.get('shared'), levels = 0;
  while (v.length) { assert.ok(v[0] === v[1], 'shared, not copied'); v = v[0]; levels++; }
  assert.is(levels, 27);
  const sd = await zoo.readCheckpoint(data('memo_paths.pyth'));
  assert.equal([...sd.get('w')!.toArray()], [1, 1]);
  dispose(sd);
  // 60 levels of [x, x] with a tensor at the bottom: one tensor, shared
  const levels60 = [...tensorOps('0', { numel: 1, shape: [1], stride: [1] }), ...op.binput(0), op.pop,
    ...Array.from({ length: 60 }, (_, i) => [op.mark, ...op.binget(i), ...op.binget(i), op.list, ...op.binput(i + 1), op.pop]).flat(), ...op.binget(60)];
  await noLeak('60 levels', async () => {
    const t60 = await zoo.readTorchFile(torchZip(checkpointPickle([], [['x', levels60]]), { 0: f32([7]) })) as Map<string, any>;
    let x = t60.get('x');
    for (let i = 0; i < 60; i++) x = x[1];
    assert.ok(x instanceof Tensor);
    zoo.disposeTensors(t60);
  });
});

const storagePkl = (n: number) => checkpointPickle([['w', tensorOps('0', { numel: n, shape: [n], stride: [1] })]]);

test('4. zip bombs: unused entries never inflated, used ones bounded before and while inflating', async () => {
  const w = f32([1, 2, 3, 4]);
  // an unused entry inflating to 3.5 GiB (a 23 MB file): the state dict loads
  const unused = torchZip(storagePkl(4), { 0: w }, [{ name: 'archive/extra/bomb', data: deflateBomb(3.5 * 2 ** 30), deflated: true, size: 0xe0000000, crc: 0 }]);
  const sd = await zoo.readCheckpoint(unused);
  assert.equal([...sd.get('w')!.toArray()], [1, 2, 3, 4]);
  dispose(sd);
  // a used storage declaring 16 bytes that inflates to 50 MB: stopped at the first chunk
  const liar: CraftEntry = { name: 'archive/data/0', data: deflateBomb(50 << 20), deflated: true, size: 16 };
  await rejects(zoo.readCheckpoint(craftZip([{ name: 'archive/data.pkl', data: storagePkl(4) }, liar])), /inflates to more than the 16 bytes its header declares/, 'lying size');
  // a used storage honestly declaring more than maxEntryBytes: refused before inflating
  const n = 2 ** 28 + 16, big: CraftEntry = { name: 'archive/data/0', data: deflateBomb(4 * n), deflated: true, size: 4 * n };
  await rejects(zoo.readCheckpoint(craftZip([{ name: 'archive/data.pkl', data: storagePkl(n) }, big])), /limit maxEntryBytes/, 'entry too big');
  // ten used 1 GiB entries: the total is refused up front
  const ten = checkpointPickle(Array.from({ length: 10 }, (_, i) => [`w${i}`, tensorOps(String(i), { numel: 2 ** 28, shape: [2 ** 28], stride: [1] })]));
  const bomb = deflateBomb(2 ** 30);
  const tenFile = craftZip([{ name: 'archive/data.pkl', data: ten }, ...Array.from({ length: 10 }, (_, i) => ({ name: `archive/data/${i}`, data: bomb, deflated: true, size: 2 ** 30 }))]);
  await rejects(zoo.readCheckpoint(tenFile, { maxEntryBytes: 2 ** 31 }), /would take 10737418240 bytes \(limit maxInflatedBytes/, 'ten entries');
  // entry count, duplicates, overlap, names that disagree
  const many = torchZip(storagePkl(4), { 0: w }, Array.from({ length: 1000 }, (_, i) => ({ name: `archive/x${i}`, data: new Uint8Array(0) })));
  await rejects(zoo.readCheckpoint(many, { maxEntries: 1000 }), /1002 entries \(limit maxEntries = 1000\)/, 'entry count');
  dispose(await zoo.readCheckpoint(many));
  await rejects(zoo.readCheckpoint(torchZip(storagePkl(4), { 0: w }, [{ name: 'archive/data/0', data: w }])), /holds entry archive\/data\/0 twice/, 'duplicate');
  // an entry whose size runs into the next one (the overlapping-entries bomb)
  const lying = craftZip([{ name: 'archive/data.pkl', data: storagePkl(4) }, { name: 'archive/data/0', data: w, size: 60, compressedSize: 60 }, { name: 'archive/version', data: bytes(0x33) }]);
  await rejects(zoo.readCheckpoint(lying), /local and central sizes|overlap/, 'overlap');
  const renamed = torchZip(storagePkl(4), { 0: w });
  renamed[renamed.length - 22 - 'archive/data/0'.length + 'archive/data/'.length] = 0x39; // central name ...data/9
  await rejects(zoo.readCheckpoint(renamed), /local and central names/, 'names differ');
});

test('4b. deflate-compressed checkpoints (a re-zipped .pyth) still load, CRC-checked', async () => {
  const pkl = storagePkl(4), w = f32([1, 2, 3, 4]);
  const file = craftZip([{ name: 'archive/data.pkl', data: pkl }, { name: 'archive/data/0', data: deflateRawSync(w), deflated: true, size: 16, crc: crc(w) }]);
  const sd = await zoo.readCheckpoint(file);
  assert.equal([...sd.get('w')!.toArray()], [1, 2, 3, 4]);
  dispose(sd);
  const bad = craftZip([{ name: 'archive/data.pkl', data: pkl }, { name: 'archive/data/0', data: deflateRawSync(w), deflated: true, size: 16, crc: crc(w) ^ 1 }]);
  await rejects(zoo.readCheckpoint(bad), /entry archive\/data\/0 fails its CRC-32 check/, 'crc of an inflated entry');
});

test('5. a flipped byte in a stored entry fails its CRC-32, naming the entry', async () => {
  const pkl = storagePkl(4);
  const file = torchZip(pkl, { 0: f32([1, 2, 3, 4]) });
  file[30 + 'archive/data.pkl'.length + pkl.length + 30 + 'archive/data/0'.length + 7] ^= 0x10; // in the 2nd float
  await rejects(zoo.readCheckpoint(file), /entry archive\/data\/0 fails its CRC-32 check/, 'flip');
  // even in an entry the state dict does not use (torch's version record)
  const made = new Uint8Array(readFileSync(data('torch_made.pyth')));
  made[Buffer.from(made).indexOf('3\n', Buffer.from(made).indexOf('version'))] ^= 1;
  await rejects(zoo.readCheckpoint(made), /entry torch_made\/version fails its CRC-32 check/, 'version flip');
  if (existsSync(fixtures)) {
    const x3d = new Uint8Array(readFileSync(`${fixtures}x3d_xs/model.pyth`));
    x3d[x3d.length >> 1] ^= 0x80;
    await rejects(zoo.readCheckpoint(x3d), /entry model\/data\/\d+ fails its CRC-32 check/, 'x3d flip');
  }
});

test('6. broadcast views: small ones read as PyTorch gives their values, huge ones refused', async () => {
  const sd = await zoo.readCheckpoint(data('broadcast_small.pyth'));
  const g = golden[2].inputs.small;
  assert.equal([...sd.get('small')!.shape], g.shape);
  assertClose(sd.get('small')!.toArray(), g.data, { rtol: 0, atol: 0 }, 'broadcast');
  dispose(sd);
  await noLeak('huge', () => rejects(zoo.readCheckpoint(data('broadcast_huge.pyth')), /tensor \[268435456\] \(a view of 1 stored elements\) needs 1073741824 bytes, more than the file's tensors may take/, 'huge broadcast'));
  // many views of one storage count against the same budget
  const views = checkpointPickle(Array.from({ length: 200 }, (_, i) => [`v${i}`, tensorOps('0', { numel: 65536, shape: [65536], stride: [1] })]));
  await noLeak('views', () => rejects(zoo.readCheckpoint(torchZip(views, { 0: new Uint8Array(4 * 65536) })), /more than the file's tensors may take/, '200 views'));
  const raised = await zoo.readCheckpoint(torchZip(views, { 0: new Uint8Array(4 * 65536) }), { maxTensorBytes: 2 ** 28 });
  assert.is(raised.size, 200);
  dispose(raised);
});

test('7. a failure frees every tensor built before it', async () => {
  const good = tensorOps('0', { numel: 2 ** 18, shape: [2 ** 18], stride: [1] });
  const oob = tensorOps('1', { numel: 4, shape: [8], stride: [1] });
  const long = tensorOps('2', { type: 'LongStorage', numel: 2, shape: [2], stride: [1] });
  const storages = { 0: new Uint8Array(2 ** 20), 1: f32([1, 2, 3, 4]), 2: new Uint8Array(new BigInt64Array([1n, 1n << 40n]).buffer) };
  await noLeak('out of bounds', () => rejects(zoo.readCheckpoint(torchZip(checkpointPickle([['a', good], ['b', oob]]), storages)), /out of bounds/, 'oob second'));
  await noLeak('int64 overflow', () => rejects(zoo.readCheckpoint(torchZip(checkpointPickle([['a', good], ['c', long]]), storages)), /does not fit in int32/, 'int64 second'));
  await noLeak('refused call after tensors', () => rejects(zoo.readCheckpoint(torchZip(checkpointPickle([['a', good]], [['evil', [...op.global('os', 'system'), ...op.str('x'), op.tuple1, op.reduce]]]), storages)), /refusing to call os\.system/, 'evil after'));
  await noLeak('safetensors', async () => {
    const st64 = safetensors({ a: ['F32', [2 ** 16], new Uint8Array(2 ** 18)], b: ['I64', [1], new Uint8Array(new BigInt64Array([1n << 40n]).buffer)] });
    await rejects(zoo.readCheckpoint(st64), /int64 value 1099511627776 does not fit in int32/, 'safetensors int64 second');
  });
});

/** safetensors bytes with the given entries laid out in order (or a raw header object). */
function safetensors(entries: Record<string, [string, number[], Uint8Array]>, override?: (h: Record<string, any>) => void, tail = new Uint8Array(0)): Uint8Array {
  const header: Record<string, any> = {};
  let off = 0;
  for (const [k, [dtype, shape, d]] of Object.entries(entries)) { header[k] = { dtype, shape, data_offsets: [off, off + d.length] }; off += d.length; }
  override?.(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + off + tail.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const [, , d] of Object.values(entries)) { out.set(d, p); p += d.length; }
  out.set(tail, p);
  return out;
}

test('8. safetensors: the format\'s own rules', async () => {
  const a = f32([1, 2]), b = f32([3, 4]);
  const two = { a: ['F32', [2], a], b: ['F32', [2], b] } as Record<string, [string, number[], Uint8Array]>;
  const sd = await zoo.readCheckpoint(safetensors(two));
  assert.equal([...sd.get('b')!.toArray()], [3, 4]);
  dispose(sd);
  const cases: [string, Uint8Array, RegExp][] = [
    ['overlap', safetensors(two, (h) => { h.b.data_offsets = [4, 12]; }, new Uint8Array(0)), /data_offsets \[4, 12\] overlap another tensor/],
    ['gap', safetensors({ a: ['F32', [2], a], b: ['F32', [1], f32([5])] }, (h) => { h.b.data_offsets = [12, 16]; }, new Uint8Array(4)), /leave a gap after byte 8/],
    ['trailing bytes', safetensors(two, undefined, new Uint8Array(3)), /3 trailing bytes after the last tensor/],
    ['metadata array', safetensors(two, (h) => { h.__metadata__ = ['x']; }), /__metadata__ is not an object of strings/],
    ['metadata string', safetensors(two, (h) => { h.__metadata__ = 'x'; }), /__metadata__ is not an object of strings/],
    ['metadata numbers', safetensors(two, (h) => { h.__metadata__ = { epoch: 3 }; }), /__metadata__ is not an object of strings/],
    ['dtype mismatch', safetensors(two, (h) => { h.a.dtype = 'F64'; }), /tensor a \[2\] F64: data_offsets \[0, 8\] do not match its size \(16 bytes\)/],
    ['shape mismatch', safetensors(two, (h) => { h.a.shape = [3]; }), /do not match its size/],
    ['bad shape', safetensors(two, (h) => { h.a.shape = [-2]; }), /bad shape/],
    ['unknown dtype', safetensors(two, (h) => { h.a.dtype = 'Q4'; }), /unsupported dtype Q4/],
    ['offsets reversed', safetensors(two, (h) => { h.a.data_offsets = [8, 0]; }), /do not match its size/],
  ];
  for (const [what, file, re] of cases) await noLeak(what, () => rejects(zoo.readCheckpoint(file), re, what));
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 100_000_001n, true);
  huge[8] = 0x7b;
  await rejects(zoo.readSafetensors(huge), /header of 100000001 bytes is too large/, 'header too large');
  const notObject = new Uint8Array(8 + 4);
  new DataView(notObject.buffer).setBigUint64(0, 4n, true);
  notObject.set(new TextEncoder().encode('[1] '), 8);
  await rejects(zoo.readSafetensors(notObject), /header is not a JSON object/, 'array header');
});

test('21. {\'model_state\': {}} (a module without parameters, saved by PyTorch) reads as an empty state dict', async () => {
  const sd = await zoo.readCheckpoint(data('empty_state.pyth'));
  assert.is(sd.size, 0);
  assert.is((await zoo.readCheckpoint(zoo.serializeTorchFile(new Map()))).size, 0);
  await rejects(zoo.readCheckpoint(zoo.serializeTorchFile(new Map<string, any>([['epoch', 3]]))), /contains no tensors/, 'no state dict');
});

test('limits pass through zoo.load; errors elsewhere in the tree do not escape as TypeError/RangeError', async () => {
  const file = torchZip(storagePkl(4), { 0: f32([1, 2, 3, 4]) });
  await rejects(zoo.load('x3d_xs', { weights: file, limits: { maxEntries: 1 } }), /2 entries \(limit maxEntries = 1\)/, 'zoo.load limits');
  // a persistent id or global made of a deeply nested value is described, not stringified
  const deepPid = [...nested('list', 1e5), op.binpersid];
  await rejects(zoo.readCheckpoint(torchZip(checkpointPickle([['w', deepPid]]))), /unsupported persistent id/, 'deep pid');
  const deepGlobal = [...nested('list', 1e5), ...op.str('x'), 0x93];
  await rejects(zoo.readCheckpoint(torchZip(checkpointPickle([['w', deepGlobal]]))), /STACK_GLOBAL of something that is not a name/, 'deep global');
  const cyclic = [op.emptyList, ...op.binput(0), ...op.binget(0), op.append];
  await rejects(zoo.readCheckpoint(torchZip(checkpointPickle([], [['c', cyclic]]))), /contains itself/, 'cycle');
});

test('the README states the limits the reader applies', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const row = (k: string) => new RegExp(`\\| \`${k}\` \\| ([^|]+) \\|`).exec(readme)?.[1].trim();
  const bytes = (s: string | undefined) => { const m = /^(\d+) GiB$/.exec(s ?? ''); return m ? Number(m[1]) * 2 ** 30 : Number(s); };
  const d = zoo.DEFAULT_LIMITS;
  assert.is(Number(row('maxDepth')), d.maxDepth);
  assert.is(Number(row('maxEntries')), d.maxEntries);
  assert.is(bytes(row('maxEntryBytes')), d.maxEntryBytes);
  assert.is(bytes(row('maxInflatedBytes')), d.maxInflatedBytes);
  assert.is(row('maxTensorBytes'), `${d.tensorBytesPerStorageByte} x the file's storage bytes + ${d.tensorBytesSlack / 2 ** 20} MiB`);
});

test.run();
