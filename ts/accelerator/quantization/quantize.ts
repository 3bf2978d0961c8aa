// Post-training int8 quantisation (static, as torch.ao.quantization's prepare -> calibrate ->
// convert on the qnnpack/fbgemm backends): per-output-channel symmetric int8 weights (qc8),
// asymmetric per-tensor int8 activations (qs8) whose ranges come from observers fed by
// calibration batches. The result is a new model whose layers run on int8 kernels end to end.
import { nn, ops, noGrad, tidy, ArgumentError, Tensor } from '../../runtime/index.js';
import { QuantizationError } from '../errors.js';
import type { ObserverOptions } from './observers.js';
import { Context, prepare } from './prepare.js';
import { QuantizedConv3d, QuantizedLinear, QuantizedLut, QuantizedSqueezeExcitation, QuantizedX3dBottleneck, type QSite } from './int8_layers.js';

export interface QuantizeOptions extends ObserverOptions {
  /** Calibration data: a DataLoader, or any (async) iterable of batches. Batches are disposed after use, as the Trainer does. */
  calibration: AsyncIterable<unknown> | Iterable<unknown>;
  /** At most this many batches are used (default: all the iterable gives). */
  batches?: number;
  /** The model input of a batch (default: the batch itself if a Tensor, batch.video, or batch[0]). */
  input?: (batch: unknown) => Tensor;
}

/** What a quantised model runs in int8, what stays f32, and every activation's quantisation. */
export interface QuantizationReport {
  observer: string;
  batches: number;
  /** Each int8 layer: its path in the float model and what it runs. */
  int8: { path: string; kind: string }[];
  /** What is computed in f32, and why. */
  fp32: string[];
  /** Every int8 activation: the range its observer chose and the resulting parameters. */
  activations: { tensor: string; min: number; max: number; scale: number; zeroPoint: number }[];
  /**
   * Error of each int8 layer's output (dequantised) against the f32 model's, both run on the
   * first calibration batch (so errors accumulate from the input on, as in use): relative RMS
   * error, and the largest difference in units of the layer's output scale.
   */
  layerErrors: { path: string; relRms: number; maxLsb: number }[];
}

export type QuantizedModule = nn.Module & QSite & { readonly report: QuantizationReport };

function defaultInput(batch: unknown): Tensor {
  if (batch instanceof Tensor) return batch;
  if (Array.isArray(batch) && batch[0] instanceof Tensor) return batch[0];
  const video = (batch as { video?: unknown } | null)?.video;
  if (video instanceof Tensor) return video;
  throw new ArgumentError('quantize: cannot find the model input in a calibration batch (a Tensor, [input, ...] or { video }); pass options.input');
}

function disposeAll(x: unknown): void {
  if (x instanceof Tensor) { if (!x.isDisposed) x.dispose(); return; }
  if (Array.isArray(x)) { x.forEach(disposeAll); return; }
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) Object.values(x).forEach(disposeAll);
}

/** One line per int8 layer kind, for the report. */
function kindOf(m: nn.Module): string | null {
  if (m instanceof QuantizedConv3d) {
    const w = m.weights;
    const how = w.depthwise ? 'depthwise (direct kernel)' : w.kernelSize.every((k) => k === 1) ? 'pointwise (GEMM)' : 'dense (vol2col + GEMM)';
    return `conv ${w.kernelSize.join('x')} ${how}, ${m.act === 'relu' ? 'ReLU as clamp' : m.act === 'identity' ? 'no activation' : `${m.act} as LUT`}`;
  }
  if (m instanceof QuantizedLinear) return `linear ${m.weights.inFeatures}->${m.weights.outFeatures}${m.output ? (m.relu ? ', ReLU as clamp' : '') : ', f32 output'}`;
  if (m instanceof QuantizedLut) return `${m.act} as LUT`;
  if (m instanceof QuantizedSqueezeExcitation) return 'squeeze-excitation: global pool and channel multiply';
  if (m instanceof QuantizedX3dBottleneck) return `residual add, ${m.sum.act === 'relu' ? 'ReLU as clamp' : m.sum.act === 'identity' ? 'no activation' : `${m.sum.act} as LUT`}`;
  return null;
}

/**
 * An int8 copy of a deploy-form model (convertToDeployableForm), calibrated on `calibration`:
 *
 *   const int8 = await acc.quantize(deploy, { calibration: loader, batches: 16 });
 *   int8.forward(clip); console.log(int8.report);
 *
 * Supported: EfficientX3d, and nn.Sequential models of mobile_cpu efficient blocks; anything else
 * is a QuantizationError naming the layer. The float model is left as it was (eval mode).
 */
export async function quantize(model: nn.Module, opts: QuantizeOptions): Promise<QuantizedModule> {
  if (!(model instanceof nn.Module)) throw new ArgumentError('quantize: model must be an nn.Module');
  const source = opts?.calibration as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | undefined;
  if (!source || (typeof source[Symbol.asyncIterator] !== 'function' && typeof source[Symbol.iterator] !== 'function')) {
    throw new ArgumentError('quantize: options.calibration must be a DataLoader or an (async) iterable of batches');
  }
  const limit = opts.batches ?? Infinity;
  if (!(limit === Infinity || (Number.isInteger(limit) && limit > 0))) throw new ArgumentError(`quantize: batches must be a positive integer, got ${opts.batches}`);
  const input = opts.input ?? defaultInput;
  const ctx = new Context(opts);
  const graph = prepare(model, ctx);
  model.eval();
  let used = 0;
  let first: Tensor | null = null;
  try {
    for await (const batch of source as AsyncIterable<unknown>) {
      try {
        const x = input(batch);
        first ??= ops.clone(x);
        noGrad(() => tidy(() => { graph.calibrate(x); }));
      } finally {
        disposeAll(batch);
      }
      if (++used >= limit) break;
    }
    if (!first) throw new QuantizationError('quantize: the calibration data gave no batch');
    const q = noGrad(() => graph.build()) as QuantizedModule;
    return finish(q, {
      observer: opts.observer ?? 'minmax',
      batches: used,
      int8: q.namedModules().flatMap(([, m]) => { const k = kindOf(m); return k ? [{ path: (m as unknown as QSite).path, kind: k }] : []; }),
      fp32: ctx.fp32,
      activations: [...ctx.observers].map(([tensor, o]) => ({ tensor, min: o.min, max: o.max, ...o.qparams() })),
      layerErrors: layerErrors(graph, ctx, q, first),
    });
  } finally {
    first?.dispose();
  }
}

function finish(q: QuantizedModule, report: QuantizationReport): QuantizedModule {
  Object.defineProperty(q, 'report', { value: report, enumerable: false });
  return q.eval();
}

/** Runs the f32 graph (observers probing) and the int8 model (forwards wrapped) on x; compares per path. */
function layerErrors(graph: { calibrate(x: Tensor): Tensor }, ctx: Context, q: QuantizedModule, x: Tensor): QuantizationReport['layerErrors'] {
  const float = new Map<string, Float32Array>();
  ctx.probe = (path, t) => { float.set(path, t.toArray() as Float32Array); };
  try {
    noGrad(() => tidy(() => { graph.calibrate(x); }));
  } finally {
    ctx.probe = null;
  }
  const out: QuantizationReport['layerErrors'] = [];
  const sites = q.namedModules().map(([, m]) => m as nn.Module & QSite).filter((m) => m.output && float.has(m.path));
  const saved = sites.map((m) => {
    const forward = m.forward;
    Object.defineProperty(m, 'forward', {
      configurable: true,
      value: (...args: unknown[]) => {
        const y = forward.apply(m, args) as Tensor;
        const f = float.get(m.path)!, v = y.toArray() as Int8Array, { scale, zeroPoint } = m.output!;
        let se = 0, sf = 0, mx = 0;
        for (let i = 0; i < v.length; i++) {
          const d = (v[i] - zeroPoint) * scale - f[i];
          se += d * d;
          sf += f[i] * f[i];
          mx = Math.max(mx, Math.abs(d));
        }
        out.push({ path: m.path, relRms: Math.sqrt(se / Math.max(sf, 1e-30)), maxLsb: mx / scale });
        return y;
      },
    });
    return m;
  });
  try {
    noGrad(() => tidy(() => { q.forward(x); }));
  } finally {
    for (const m of saved) delete (m as { forward?: unknown }).forward;
  }
  return out;
}

