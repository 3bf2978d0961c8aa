// safetensors: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {str: str}}, then raw bytes.
import { Tensor } from '../../runtime/tensor.js';
import type { DType } from '../../runtime/dtype.js';
import { heapU8 } from '../../runtime/wasm.js';
import { fmtShape } from '../../runtime/errors.js';
import { CheckpointError } from '../errors.js';

const ST_OF: Record<DType, string> = { f32: 'F32', i32: 'I32', u8: 'U8', i8: 'I8', f16: 'F16' };
const FROM_ST: Record<string, { dtype: DType; bytes: number; convert?: 'i64' | 'f64' | 'bf16' | 'bool' }> = {
  F32: { dtype: 'f32', bytes: 4 }, F16: { dtype: 'f16', bytes: 2 }, I32: { dtype: 'i32', bytes: 4 },
  U8: { dtype: 'u8', bytes: 1 }, I8: { dtype: 'i8', bytes: 1 }, BOOL: { dtype: 'u8', bytes: 1 },
  I64: { dtype: 'i32', bytes: 8, convert: 'i64' }, F64: { dtype: 'f32', bytes: 8, convert: 'f64' },
  BF16: { dtype: 'f32', bytes: 2, convert: 'bf16' },
};

export function parseSafetensors(bytes: Uint8Array, source = 'safetensors'): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const fail = (m: string): never => { throw new CheckpointError(`${source}: ${m}`); };
  if (bytes.length < 8) fail('file too short for a safetensors header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > bytes.length - 8 || n > 100 * 1024 * 1024) fail(`header length ${n} exceeds the file`);
  let header: Record<string, any>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    return fail('header is not valid JSON');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const body = bytes.subarray(8 + n);
  const tensors = new Map<string, Tensor>();
  try {
    for (const [name, info] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const t = FROM_ST[info?.dtype];
      if (!t) fail(`tensor ${name}: unsupported dtype ${String(info?.dtype)}`);
      const shape = info.shape;
      if (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0)) fail(`tensor ${name}: bad shape`);
      const [b, e] = info.data_offsets ?? [];
      const numel = shape.reduce((p: number, d: number) => p * d, 1);
      if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e > body.length || e - b !== numel * t.bytes) {
        fail(`tensor ${name} ${fmtShape(shape)}: data_offsets [${b}, ${e}] do not match its size or the file`);
      }
      const raw = body.subarray(b, e);
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
  return { tensors, metadata: ((header as Record<string, unknown>).__metadata__ as Record<string, string>) ?? {} };
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
