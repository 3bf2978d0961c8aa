// Checkpoint IO: PyTorch .pyth/.pt (zip and legacy) and safetensors, from a path, URL or bytes.
// Weights are never fetched implicitly: the caller names the file.
import { zipSync } from 'fflate';
import { Tensor } from '../../runtime/tensor.js';
import { CheckpointError } from '../errors.js';
import { parseTorchFile, type TorchValue } from './torch_file.js';
import { pickle, type Picklable } from './pickle_writer.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { heapU8 } from '../../runtime/wasm.js';

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
  const fs = await import('node:fs/promises');
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
  const fs = await import('node:fs/promises');
  await fs.writeFile(path, bytes);
}

/** The whole value tree of a torch.save file (Maps, arrays, numbers, strings, Tensors). */
export async function readTorchFile(src: Source): Promise<TorchValue> {
  const { bytes, name } = await readSource(src);
  return parseTorchFile(bytes, name);
}

/**
 * A model state dict from a checkpoint: a bare state dict, or one nested under
 * 'model_state' (PyTorchVideo / PySlowFast), 'state_dict' or 'model'. Other entries
 * (optimizer state, epoch) are disposed. Use readTorchFile for everything.
 */
export async function readCheckpoint(src: Source, opts: { key?: string } = {}): Promise<StateDict> {
  const { bytes, name } = await readSource(src);
  const top = parseTorchFile(bytes, name);
  return extractStateDict(top, name, opts.key);
}

export function extractStateDict(top: TorchValue, name: string, key?: string): StateDict {
  if (!(top instanceof Map)) {
    disposeTree(top);
    throw new CheckpointError(`${name}: holds a ${describe(top)}, not a state dict`);
  }
  const keys = key ? [key] : ['model_state', 'state_dict', 'model'];
  const nestedKey = keys.find((k) => top.get(k) instanceof Map);
  if (key && !nestedKey) {
    disposeTree(top);
    throw new CheckpointError(`${name}: has no '${key}' entry (keys: ${[...top.keys()].join(', ')})`);
  }
  const sd = (nestedKey ? top.get(nestedKey) : top) as Map<unknown, unknown>;
  const out: StateDict = new Map();
  for (const [k, v] of sd) {
    if (!(v instanceof Tensor)) continue;
    out.set(String(k), v);
  }
  // Free tensors that are not part of the state dict (optimizer state, ...).
  for (const [k, v] of top) if (k !== nestedKey && v !== sd) disposeTree(v, new Set(out.values()));
  if (out.size === 0) throw new CheckpointError(`${name}: contains no tensors${nestedKey ? ` under '${nestedKey}'` : ''}`);
  return out;
}

function disposeTree(v: unknown, keep = new Set<Tensor>()): void {
  if (v instanceof Tensor) { if (!keep.has(v)) v.dispose(); } else if (v instanceof Map) for (const x of v.values()) disposeTree(x, keep);
  else if (Array.isArray(v)) for (const x of v) disposeTree(x, keep);
}

function describe(v: unknown): string {
  return v instanceof Tensor ? `single tensor ${v.describe()}` : Array.isArray(v) ? 'list' : typeof v;
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

export async function readSafetensors(src: Source): Promise<StateDict> {
  const { bytes, name } = await readSource(src);
  return parseSafetensors(bytes, name).tensors;
}

export async function saveSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, path?: string, metadata?: Record<string, string>): Promise<Uint8Array> {
  const bytes = serializeSafetensors(tensors, metadata);
  if (path) await writeFile(path, bytes);
  return bytes;
}

export { parseTorchFile, parseSafetensors, serializeSafetensors };
export type { Picklable, TorchValue };
