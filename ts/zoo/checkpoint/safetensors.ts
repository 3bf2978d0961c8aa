// safetensors: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {str: str}}, then raw bytes.
import { Tensor } from '../../runtime/tensor.js';
import { DTYPE_BYTES, type DType } from '../../runtime/dtype.js';
import { heapU8 } from '../../runtime/wasm.js';
import { fmtShape } from '../../runtime/errors.js';
import { CheckpointError } from '../errors.js';
import { resolveLimits, tensorBudget, type Limits } from './limits.js';

const ST_OF: Record<DType, string> = { f32: 'F32', i32: 'I32', u8: 'U8', i8: 'I8', f16: 'F16' };
const FROM_ST: Record<string, { dtype: DType; bytes: number; convert?: 'i64' | 'f64' | 'bf16' | 'bool' }> = {
  F32: { dtype: 'f32', bytes: 4 }, F16: { dtype: 'f16', bytes: 2 }, I32: { dtype: 'i32', bytes: 4 },
  U8: { dtype: 'u8', bytes: 1 }, I8: { dtype: 'i8', bytes: 1 }, BOOL: { dtype: 'u8', bytes: 1 },
  I64: { dtype: 'i32', bytes: 8, convert: 'i64' }, F64: { dtype: 'f32', bytes: 8, convert: 'f64' },
  BF16: { dtype: 'f32', bytes: 2, convert: 'bf16' },
};

/** The format's own header limit (safetensors' MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Reads safetensors bytes, enforcing the format's rules: a JSON object header of at most 100 MB,
 * string-to-string `__metadata__`, and tensors whose byte ranges match their dtype and shape and
 * tile the data area exactly (no overlap, no gap, no trailing bytes).
 */
export function parseSafetensors(bytes: Uint8Array, source = 'safetensors', limits: Limits = resolveLimits()): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const fail = (m: string): never => { throw new CheckpointError(`${source}: ${m}`); };
  if (bytes.length < 8) fail('file too short for a safetensors header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header of ${n} bytes is too large (the format allows ${MAX_HEADER_BYTES})`);
  if (n > BigInt(bytes.length - 8)) fail(`header length ${n} exceeds the file`);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + Number(n)));
  let header: unknown;
  try {
    header = text.startsWith('{') ? JSON.parse(text) : null;
  } catch {
    header = null;
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return fail('header is not a JSON object');
  const { __metadata__: meta = null, ...entries } = header as Record<string, unknown>;
  if (meta !== null && (typeof meta !== 'object' || Array.isArray(meta) || Object.values(meta).some((v) => typeof v !== 'string'))) {
    fail('__metadata__ is not an object of strings');
  }
  const body = bytes.subarray(8 + Number(n));
  const specs = Object.entries(entries).map(([name, info]) => checkEntry(name, info, fail));
  // The data area is tiled exactly, in offset order, as the format requires.
  let covered = 0;
  for (const s of [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (s.begin !== covered) fail(`tensor ${s.name}: data_offsets [${s.begin}, ${s.end}] ${s.begin < covered ? 'overlap another tensor' : `leave a gap after byte ${covered}`}`);
    covered = s.end;
  }
  if (covered > body.length) fail(`its tensors need ${covered} bytes of data, the file holds ${body.length} (truncated)`);
  if (covered < body.length) fail(`${body.length - covered} trailing bytes after the last tensor`);
  const total = specs.reduce((sum, s) => sum + s.numel * DTYPE_BYTES[s.t.dtype], 0);
  if (total > tensorBudget(limits, body.length)) fail(`its tensors would take ${total} bytes (limit maxTensorBytes = ${limits.maxTensorBytes})`);
  const tensors = new Map<string, Tensor>();
  try {
    for (const { name, t, shape, numel, begin, end } of specs) {
      const raw = body.subarray(begin, end);
      const out = Tensor.empty(shape, t.dtype);
      tensors.set(name, out);
      if (!t.convert || t.convert === 'bool') heapU8().set(raw, out.ptr);
      else {
        const d = new DataView(raw.buffer, raw.byteOffset, raw.byteLength), dst = out.data();
        const f = new Float32Array(1), u = new Uint32Array(f.buffer);
        for (let i = 0; i < numel; i++) {
          if (t.convert === 'f64') dst[i] = d.getFloat64(i * 8, true);
          else if (t.convert === 'bf16') { u[0] = d.getUint16(i * 2, true) << 16; dst[i] = f[0]; } else {
            const v = d.getBigInt64(i * 8, true);
            if (v > 2147483647n || v < -2147483648n) fail(`tensor ${name}: int64 value ${v} does not fit in int32`);
            dst[i] = Number(v);
          }
        }
      }
    }
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
  return { tensors, metadata: (meta ?? {}) as Record<string, string> };
}

/** One header entry, checked: a known dtype, a shape, and data_offsets of exactly its size. */
function checkEntry(name: string, info: unknown, fail: (m: string) => never) {
  const i = (info && typeof info === 'object' ? info : {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const t = typeof i.dtype === 'string' && Object.hasOwn(FROM_ST, i.dtype) ? FROM_ST[i.dtype] : fail(`tensor ${name}: unsupported dtype ${String(i.dtype)}`);
  const isDims = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!isDims(i.shape)) return fail(`tensor ${name}: bad shape`);
  const shape = i.shape;
  const numel = shape.reduce((p, d) => p * d, 1);
  const offs = i.data_offsets;
  if (!isDims(offs) || offs.length !== 2 || offs[1] < offs[0] || offs[1] - offs[0] !== numel * t.bytes) {
    fail(`tensor ${name} ${fmtShape(shape)} ${String(i.dtype)}: data_offsets ${isDims(offs) ? `[${offs.join(', ')}]` : 'missing'} do not match its size (${numel * t.bytes} bytes)`);
  }
  return { name, t, shape, numel, begin: (offs as number[])[0], end: (offs as number[])[1] };
}

export function serializeSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let off = 0;
  const parts: Tensor[] = [];
  for (const [name, t] of entries) {
    const c = t.layout === 'contiguous' ? t : t.contiguous();
    parts.push(c);
    header[name] = { dtype: ST_OF[t.dtype], shape: [...t.shape], data_offsets: [off, off + c.nbytes] };
    off += c.nbytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8; // keep the data 8-byte aligned, as the format recommends
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  parts.forEach((c, i) => {
    out.set(heapU8().subarray(c.ptr, c.ptr + c.nbytes), p);
    p += c.nbytes;
    if (c !== entries[i][1]) c.dispose();
  });
  return out;
}
