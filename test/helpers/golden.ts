// Loads golden values made by test/golden/gen_*.py (real PyTorch) and compares against them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor, type DType } from '../../ts/node.js';

export interface GoldenTensor { shape: number[]; dtype: DType; data: Float32Array | Int32Array | Uint8Array | Int8Array }
export interface GoldenCase {
  name: string;
  op: string;
  params: Record<string, any>;
  inputs: Record<string, GoldenTensor>;
  outputs: Record<string, GoldenTensor>;
  grads: Record<string, GoldenTensor>;
}

function decode(t: { shape: number[]; dtype: DType; b64: string }): GoldenTensor {
  const bytes = Buffer.from(t.b64, 'base64');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const data = t.dtype === 'i32' ? new Int32Array(buf) : t.dtype === 'u8' ? new Uint8Array(buf)
    : t.dtype === 'i8' ? new Int8Array(buf) : new Float32Array(buf);
  return { shape: t.shape, dtype: t.dtype, data };
}

export function loadGolden(family: string): GoldenCase[] {
  const path = fileURLToPath(new URL(`../golden/data/${family}.json`, import.meta.url));
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { cases: any[] };
  const dec = (o: Record<string, any>) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, decode(v)]));
  return raw.cases.map((c) => ({ ...c, inputs: dec(c.inputs), outputs: dec(c.outputs), grads: dec(c.grads) }));
}

/** A tensor holding a golden value (requiresGrad for f32 when asked). */
export function tensorOf(g: GoldenTensor, requiresGrad = false): Tensor {
  return Tensor.from(g.data, g.shape, { dtype: g.dtype, requiresGrad: requiresGrad && g.dtype === 'f32' });
}
