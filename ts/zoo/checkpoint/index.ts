// Checkpoint IO: PyTorch .pyth/.pt (zip and legacy) and safetensors, from a path, URL or bytes,
// the format recognised by content. Weights are never fetched implicitly: the caller names the file.
import { zipSync } from 'fflate';
import { Tensor } from '../../runtime/tensor.js';
import { CheckpointError } from '../errors.js';
import { parseTorchFile, type TorchValue } from './torch_file.js';
import { pickle, type Picklable } from './pickle_writer.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { heapU8 } from '../../runtime/wasm.js';
import { label } from './pickle.js';
import { sniffFormat } from './format.js';
import { resolveLimits, type ReadLimits } from './limits.js';
import { nodeBuiltin } from '../../runtime/hosts/node_builtins.js';

export type Source = string | URL | Uint8Array | ArrayBuffer;
export type StateDict = Map<string, Tensor>;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Bytes of a path (Node), an http(s)/file URL, or bytes given directly. */
export async function readSource(src: Source): Promise<{ bytes: Uint8Array; name: string }> {
  if (src instanceof Uint8Array) return { bytes: src, name: 'checkpoint bytes' };
  if (src instanceof ArrayBuffer) return { bytes: new Uint8Array(src), name: 'checkpoint bytes' };
  const s = String(src);
  if (/^(https?|blob|data):/.test(s) || (!isNode && typeof fetch === 'function')) {
    const res = await fetch(s).catch((e: Error) => { throw new CheckpointError(`${s}: cannot fetch (${e.message})`); });
    if (!res.ok) throw new CheckpointError(`${s}: HTTP ${res.status}`);
    return { bytes: new Uint8Array(await res.arrayBuffer()), name: s };
  }
  const fs = nodeBuiltin('node:fs/promises');
  const path = s.startsWith('file:') ? new URL(s) : s;
  try {
    return { bytes: new Uint8Array(await fs.readFile(path)), name: s };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(`${s}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

async function writeFile(path: string, bytes: Uint8Array): Promise<void> {
  if (!isNode) throw new CheckpointError(`cannot write ${path} outside Node: use the serialize* functions and save the bytes`);
  const fs = nodeBuiltin('node:fs/promises');
  await fs.writeFile(path, bytes);
}

/** Options of the readers: the limits of limits.ts, and for readCheckpoint the entry to take. */
export interface ReadOptions extends ReadLimits {
  /** Entry holding the state dict (default: 'model_state', 'state_dict' or 'model' when present). */
  key?: string;
}

/**
 * The whole value tree of a checkpoint (Maps, arrays, numbers, strings, Tensors): torch.save
 * zip or legacy, or safetensors (a Map of its tensors), told apart by content. Objects the file
 * shares stay shared (walk it with a seen-set); free it with disposeTensors.
 */
export async function readTorchFile(src: Source, opts: ReadLimits = {}): Promise<TorchValue> {
  const { bytes, name } = await readSource(src);
  return parseTorchFile(bytes, name, opts);
}

/**
 * A model state dict from a checkpoint of any format (torch.save zip or legacy, safetensors;
 * recognised by content, from a path, URL or bytes): a bare state dict, or one nested under
 * 'model_state' (PyTorchVideo / PySlowFast), 'state_dict' or 'model'. Other entries (optimizer
 * state, epoch) are disposed. Hostile or oversized files are refused within `opts`' limits
 * (see ReadLimits for them and their defaults). Use readTorchFile for everything.
 */
export async function readCheckpoint(src: Source, opts: ReadOptions = {}): Promise<StateDict> {
  const { bytes, name } = await readSource(src);
  const top = parseTorchFile(bytes, name, opts);
  return extractStateDict(top, name, opts.key);
}

export function extractStateDict(top: TorchValue, name: string, key?: string): StateDict {
  const fail = (msg: string): never => { disposeTensors(top); throw new CheckpointError(`${name}: ${msg}`); };
  if (!(top instanceof Map)) return fail(`holds ${describe(top)}, not a state dict`);
  const nestedKey = (key ? [key] : ['model_state', 'state_dict', 'model']).find((k) => top.get(k) instanceof Map);
  if (key && !nestedKey) fail(`has no '${key}' entry (keys: ${[...top.keys()].slice(0, 20).map((k) => label(k)).join(', ')})`);
  const sd = (nestedKey ? top.get(nestedKey) : top) as Map<unknown, unknown>;
  const out: StateDict = new Map();
  for (const [k, v] of sd) if (v instanceof Tensor && typeof k === 'string') out.set(k, v);
  // A module without parameters has an empty state dict ({'model_state': {}}); a dict of only
  // other values (an epoch, a config) is not a state dict.
  if (out.size === 0 && sd.size > 0) fail(`contains no tensors${nestedKey ? ` under '${nestedKey}'` : ''}`);
  disposeTensors(top, new Set(out.values())); // optimizer state and the like
  return out;
}

/**
 * Disposes every tensor in a value tree except those in `keep`. Iterative and visits each
 * shared object once, so any tree a file can produce (deep, or with 10^8 paths) is freed quickly.
 */
export function disposeTensors(root: unknown, keep: Set<Tensor> = new Set()): void {
  const seen = new Set<unknown>();
  const todo = [root];
  while (todo.length) {
    const v = todo.pop();
    if (v instanceof Tensor) { if (!keep.has(v)) v.dispose(); } else if ((v instanceof Map || Array.isArray(v)) && !seen.has(v)) {
      seen.add(v);
      for (const x of v.values()) if (x && typeof x === 'object') todo.push(x);
    }
  }
}

function describe(v: unknown): string {
  return v instanceof Tensor ? `a single tensor ${v.describe()}` : Array.isArray(v) ? 'a list' : `a ${typeof v}`;
}

/** torch.save bytes (zip format) of a value: a state dict, or {model_state: ..., epoch: ...}. */
export function serializeTorchFile(value: Picklable): Uint8Array {
  const { bytes, tensors } = pickle(value, (x): x is Tensor => x instanceof Tensor);
  const files: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  // A fixed local-time stamp keeps the bytes reproducible on any machine and time zone.
  const mtime = new Date(2020, 0, 1);
  const entry = (n: string, b: Uint8Array) => { files[`archive/${n}`] = [b, { level: 0, mtime }]; };
  entry('data.pkl', bytes);
  for (const { key, tensor } of tensors) entry(`data/${key}`, tensorBytes(tensor));
  entry('version', new TextEncoder().encode('3\n'));
  return zipSync(files as never);
}

/** Raw little-endian bytes in shape order (i32 widened to int64, as torch stores it). */
function tensorBytes(t: Tensor): Uint8Array {
  const c = t.layout === 'contiguous' ? t : t.contiguous();
  let out: Uint8Array;
  if (t.dtype === 'i32') {
    const src = c.data() as Int32Array;
    const wide = new BigInt64Array(src.length);
    for (let i = 0; i < src.length; i++) wide[i] = BigInt(src[i]);
    out = new Uint8Array(wide.buffer);
  } else out = heapU8().slice(c.ptr, c.ptr + c.nbytes);
  if (c !== t) c.dispose();
  return out;
}

interface HasStateDict { stateDict(): Map<string, Tensor> | Record<string, Tensor> }

/**
 * Writes a checkpoint torch.load reads: a model (saved as {model_state: state_dict}, as
 * PyTorchVideo does), a state dict, or any picklable value. Returns the bytes too.
 */
export async function saveCheckpoint(what: HasStateDict | Picklable, path?: string): Promise<Uint8Array> {
  const value = what && typeof (what as HasStateDict).stateDict === 'function'
    ? new Map([['model_state', toMap((what as HasStateDict).stateDict())]]) as Picklable
    : what as Picklable;
  const bytes = serializeTorchFile(value);
  if (path) await writeFile(path, bytes);
  return bytes;
}

function toMap(sd: Map<string, Tensor> | Record<string, Tensor>): Map<string, Picklable> {
  return sd instanceof Map ? sd : new Map(Object.entries(sd));
}

/** The tensors of a safetensors file (readCheckpoint reads it too, recognising it by content). */
export async function readSafetensors(src: Source, opts: ReadLimits = {}): Promise<StateDict> {
  const { bytes, name } = await readSource(src);
  return parseSafetensors(bytes, name, resolveLimits(opts)).tensors;
}

export async function saveSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, path?: string, metadata?: Record<string, string>): Promise<Uint8Array> {
  const bytes = serializeSafetensors(tensors, metadata);
  if (path) await writeFile(path, bytes);
  return bytes;
}

export { parseTorchFile, parseSafetensors, serializeSafetensors, sniffFormat };
export { DEFAULT_LIMITS } from './limits.js';
export type { Picklable, TorchValue, ReadLimits };
export type { CheckpointFormat } from './format.js';
