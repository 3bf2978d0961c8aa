// The accelerator's golden file (test/golden/gen_accelerator.py, real PyTorchVideo) and shared checks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as assert from 'uvu/assert';
import { Tensor, type DType } from '../../ts/node.js';

type Enc = { shape: number[]; dtype: DType; b64: string };
export interface BlockCase {
  name: string; cls: string; args: unknown[]; state: Record<string, Enc>; x: Enc; y_eval: Enc; ptv_deploy_rel_err: number;
  y_train: Enc; gy: Enc; grads: Record<string, Enc>;
}
export interface Golden {
  blocks: BlockCase[];
  efficient_x3d: { keys: [string, number[]][]; params: number } & Record<'xs' | 's', { input_shape: number[]; logits: Enc; logits_deploy: Enc }>;
  transmuter: { replaced: { name: string; from: string; to: string }[]; keys: string[] };
}

export const golden = JSON.parse(readFileSync(fileURLToPath(new URL('../golden/data/accelerator.json', import.meta.url)), 'utf8')) as Golden;

/** The gzipped torch.save of PyTorchVideo's EfficientX3d state dict (formula weights; see the generator). */
export const efficientX3dCheckpoint = (): Uint8Array =>
  new Uint8Array(gunzipSync(readFileSync(fileURLToPath(new URL('../data/accelerator/efficient_x3d_original_form.pyth.gz', import.meta.url)))));

export function decode(e: Enc): Float32Array | Int32Array {
  const b = Buffer.from(e.b64, 'base64');
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  return e.dtype === 'i32' ? new Int32Array(buf) : new Float32Array(buf);
}
export const tensorOf = (e: Enc, requiresGrad = false): Tensor => Tensor.from(decode(e), e.shape, { dtype: e.dtype, requiresGrad });
export const stateOf = (s: Record<string, Enc>): Record<string, Tensor> => Object.fromEntries(Object.entries(s).map(([k, e]) => [k, tensorOf(e)]));

/** The clip of gen_accelerator.formula_input: 0.5 sin(0.37 i) + 0.5 cos(0.011 i) over the C-order index. */
export function formulaInput(shape: number[]): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 0.5 * Math.sin(0.37 * i) + 0.5 * Math.cos(0.011 * i);
  return Tensor.from(a, shape);
}

/**
 * max |actual - expected| <= tol * scale, scale = max |expected| unless given (the deploy-form
 * criterion: error relative to the output's scale). Returns the relative error.
 */
export function assertRelClose(actual: Tensor | ArrayLike<number>, expected: Tensor | ArrayLike<number>, tol: number, msg: string, scaleOf?: number): number {
  const a = actual instanceof Tensor ? actual.toArray() : actual, e = expected instanceof Tensor ? expected.toArray() : expected;
  assert.is(a.length, e.length, `${msg}: length`);
  let err = 0, scale = 0;
  for (let i = 0; i < e.length; i++) { err = Math.max(err, Math.abs(a[i] - e[i])); scale = Math.max(scale, Math.abs(e[i])); }
  if (scaleOf !== undefined) scale = scaleOf;
  assert.ok(scale > 0 && Number.isFinite(err), `${msg}: expected values are all zero or results are not finite`);
  assert.ok(err <= tol * scale, `${msg}: max error ${err} > ${tol} x ${scale}`);
  return err / scale;
}

/** max |value| over tensors. */
export function maxAbs(ts: ArrayLike<number>[]): number {
  let m = 0;
  for (const t of ts) for (let i = 0; i < t.length; i++) m = Math.max(m, Math.abs(t[i]));
  return m;
}
