// Reads test/golden/data/nn.json (made by test/golden/gen_nn.py with PyTorch).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../../ts/node.js';

export interface T { shape: number[]; dtype: 'f32' | 'i32'; b64: string }
export interface OptimCase {
  name: string;
  optimizer: 'SGD' | 'AdamW';
  groups: ({ params: number[] } & Record<string, unknown>)[];
  params0: T[];
  grads: T[][];
  steps: T[][];
  state: Record<string, Record<string, T | number | null>>;
  param_groups: Record<string, unknown>[];
}
export interface ModelCase {
  name: string;
  state_dict: [string, number[], string][];
  named_parameters: string[];
  named_buffers: string[];
  named_modules: string[];
  repr: string;
}
export interface NnGolden {
  torch: string;
  optim: OptimCase[];
  models: ModelCase[];
  load: { name: string; state_dict: Record<string, T>; x: T; y_eval: T };
}

export const golden: NnGolden = JSON.parse(readFileSync(fileURLToPath(new URL('../golden/data/nn.json', import.meta.url)), 'utf8'));

export function values(t: T): Float32Array | Int32Array {
  const b = Buffer.from(t.b64, 'base64');
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  return t.dtype === 'i32' ? new Int32Array(buf) : new Float32Array(buf);
}

export function tensor(t: T, requiresGrad = false): Tensor {
  return Tensor.from(values(t), t.shape, { dtype: t.dtype, requiresGrad });
}
