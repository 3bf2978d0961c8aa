// The int8 layers a quantised model is made of. Each is an ordinary Module whose forward is int8
// kernel calls (ts/runtime/ops/quant*.ts) on parameters fixed at quantisation: activations stay
// int8 from the input's quantisation to the logits; an activation after a conv is its
// requantisation clamp (ReLU, identity) or a 256-entry lookup table (swish, hardswish). Only the
// squeeze-excitation gate (sigmoid) and the logits are f32. Each layer frees its own intermediates.
import { nn, ops, Tensor } from '../../runtime/index.js';
import type { QParams, QLinearWeights } from '../../runtime/ops/quant.js';
import type { QConv3dWeights } from '../../runtime/ops/quant_conv.js';

/** The int8 output of a layer: its path in the float model and its quantisation (for reports and probes). */
export interface QSite { readonly path: string; readonly output: QParams | null }

/** Activations an int8 layer can apply, as scalar functions (for lookup tables). */
export const ACTIVATIONS = {
  relu: (x: number) => (x > 0 ? x : 0),
  swish: (x: number) => x / (1 + Math.exp(-x)),
  hswish: (x: number) => x * Math.min(Math.max(x + 3, 0), 6) / 6,
  identity: (x: number) => x,
} as const;
export type ActName = keyof typeof ACTIVATIONS;

abstract class Int8Layer extends nn.Module implements QSite {
  constructor(readonly path: string, readonly output: QParams | null) { super(); }
}

/** Applies `table` (an int8 -> int8 function, e.g. swish between two quantisations). */
export class QuantizedLut extends Int8Layer {
  constructor(path: string, private readonly table: Tensor, output: QParams, readonly act: ActName) {
    super(path, output);
    this.registerBuffer('table', table, { persistent: false });
  }
  override forward(xq: Tensor): Tensor { return ops.qlut(xq, this.table); }
  override extraRepr(): string { return `${this.act}, lut=256`; }
}

/** int8 conv3d (dense or depthwise) with its activation: a clamp, or a lookup table after it. */
export class QuantizedConv3d extends Int8Layer {
  constructor(path: string, readonly weights: QConv3dWeights, readonly act: ActName, private readonly lut: Tensor | null, output: QParams) {
    super(path, output);
    if (lut) this.registerBuffer('lut', lut, { persistent: false });
  }
  override forward(xq: Tensor): Tensor {
    const y = ops.qconv3d(xq, this.weights);
    if (!this.lut) return y;
    const z = ops.qlut(y, this.lut);
    y.dispose();
    return z;
  }
  override dispose(): void {
    this.weights.dispose();
    super.dispose();
  }
  override extraRepr(): string {
    const w = this.weights;
    return `${w.inChannels}, ${w.outChannels}, kernel_size=(${w.kernelSize.join(', ')}), ${w.depthwise ? 'depthwise' : 'dense'}, act=${this.act}${this.lut ? ' (lut)' : ''}`;
  }
}

/** int8 linear on [N, in]: an int8 output (with a ReLU clamp if asked), or f32 when output is null. */
export class QuantizedLinear extends Int8Layer {
  constructor(path: string, readonly weights: QLinearWeights, readonly input: QParams, output: QParams | null, readonly relu: boolean) {
    super(path, output);
  }
  override forward(xq: Tensor): Tensor {
    const inp = { inputScale: this.input.scale, inputZeroPoint: this.input.zeroPoint };
    if (!this.output) return ops.qlinearF32(xq, inp, this.weights);
    const { scale, zeroPoint } = this.output;
    return ops.qlinear(xq, inp, this.weights, { outputScale: scale, outputZeroPoint: zeroPoint, qmin: this.relu ? zeroPoint : -128 });
  }
  override dispose(): void {
    this.weights.dispose();
    super.dispose();
  }
  override extraRepr(): string { return `${this.weights.inFeatures}, ${this.weights.outFeatures}${this.output ? (this.relu ? ', relu' : '') : ', f32 out'}`; }
}

/**
 * Squeeze-excitation on int8: int8 global pool -> int8 fc0 + ReLU -> fc1 with an f32 output ->
 * sigmoid (f32, [N, C] values only) -> the int8 input times the gate, requantised.
 */
export class QuantizedSqueezeExcitation extends Int8Layer {
  constructor(path: string, readonly input: QParams, readonly pooled: QParams, readonly fc0: QuantizedLinear,
    readonly fc1: QuantizedLinear, private readonly gate: nn.Module, output: QParams) {
    super(path, output);
    this.registerModule('fc0', fc0);
    this.registerModule('fc1', fc1);
    this.registerModule('gate', gate);
  }
  override forward(xq: Tensor): Tensor {
    const p = ops.qglobalAvgPool(xq, this.input, this.pooled);
    const a = this.fc0.forward(p);
    const z = this.fc1.forward(a);
    const g = this.gate.forward(z) as Tensor;
    const y = ops.qchannelMul(xq, this.input, g, this.output!);
    for (const t of [p, a, z, g]) t.dispose();
    return y;
  }
}

/** Global average pool: int8 [N, C, ...] -> int8 [N, C, 1, 1, 1]. */
export class QuantizedGlobalPool extends Int8Layer {
  constructor(path: string, readonly input: QParams, output: QParams) { super(path, output); }
  override forward(xq: Tensor): Tensor {
    const p = ops.qglobalAvgPool(xq, this.input, this.output!);
    const y = ops.reshape(p, [...p.shape, 1, 1, 1]);
    if (y !== p) p.dispose();
    return y;
  }
}

/** Flatten(1, -1) of an int8 tensor (its quantisation unchanged). */
export class QuantizedFlatten extends Int8Layer {
  override forward(xq: Tensor): Tensor {
    const x = ops.toLayout(xq, 'contiguous');
    const y = ops.reshape(x, [x.shape[0], x.size / Math.max(1, x.shape[0])]);
    if (x !== xq && y !== x) x.dispose();
    return y;
  }
}

/** Children in order, each on the previous one's output (intermediates freed). */
export class QuantizedSequential extends Int8Layer {
  readonly items: nn.Module[];
  constructor(path: string, items: [string, nn.Module][], output: QParams) {
    super(path, output);
    this.items = items.map(([name, m]) => this.registerModule(name, m));
  }
  override forward(xq: Tensor): Tensor {
    let y = xq;
    for (const m of this.items) {
      const z = m.forward(y) as Tensor;
      if (y !== xq && z !== y) y.dispose();
      y = z;
    }
    return y;
  }
}

/** X3D's bottleneck on int8: conv_0 -> conv_1 -> SE? -> act_func_1 (LUT) -> conv_2, + shortcut -> final act. */
export class QuantizedX3dBottleneck extends Int8Layer {
  constructor(path: string, readonly input: QParams, readonly branch: QuantizedSequential, readonly resProj: QuantizedConv3d | null,
    readonly sum: { act: ActName; lut: Tensor | null; pre: QParams }, output: QParams) {
    super(path, output);
    this.registerModule('layers', branch);
    if (resProj) this.registerModule('_res_proj', resProj);
    if (sum.lut) this.registerBuffer('final_act_lut', sum.lut, { persistent: false });
  }
  override forward(xq: Tensor): Tensor {
    const h = this.branch.forward(xq);
    const sc = this.resProj ? this.resProj.forward(xq) : xq;
    const scQ = this.resProj ? this.resProj.output! : this.input;
    const { act, lut, pre } = this.sum;
    const s = ops.qadd(h, this.branch.output!, sc, scQ, { ...pre, qmin: act === 'relu' ? pre.zeroPoint : -128 });
    h.dispose();
    if (sc !== xq) sc.dispose();
    if (!lut) return s;
    const y = ops.qlut(s, lut);
    s.dispose();
    return y;
  }
}

/** The efficient X3D on int8: quantise the clip, int8 stages and head, f32 logits. */
export class QuantizedEfficientX3d extends Int8Layer {
  constructor(readonly input: QParams, readonly stages: QuantizedSequential[], readonly conv5: QuantizedConv3d, readonly pooled: QParams,
    readonly lin5: QuantizedLinear, readonly projection: QuantizedLinear, readonly act: nn.Module) {
    super('', null);
    stages.forEach((s, i) => this.registerModule(`s${i + 1}`, s));
    this.registerModule('conv_5', conv5);
    this.registerModule('lin_5', lin5);
    this.registerModule('projection', projection);
    this.registerModule('act', act);
  }
  /** f32 [N, 3, T, H, W] -> f32 logits [N, numClasses]. */
  override forward(x: Tensor): Tensor {
    const xl = ops.toLayout(x, 'channels_last');
    let h = ops.quantize(xl, this.input);
    if (xl !== x) xl.dispose();
    for (const m of [...this.stages, this.conv5]) {
      const z = m.forward(h) as Tensor;
      h.dispose();
      h = z;
    }
    const p = ops.qglobalAvgPool(h, this.conv5.output!, this.pooled);
    const l = this.lin5.forward(p);
    const logits = this.projection.forward(l);
    for (const t of [h, p, l]) t.dispose();
    const y = this.act.forward(logits) as Tensor;
    if (y !== logits) logits.dispose();
    return y;
  }
}

/** Any other int8 body between a quantise (QuantStub) and a dequantise (DeQuantStub): f32 in, f32 out. */
export class QuantizedModel extends Int8Layer {
  constructor(readonly input: QParams, readonly body: Int8Layer) {
    super('', null);
    this.registerModule('model', body);
  }
  override forward(x: Tensor): Tensor {
    const xl = ops.toLayout(x, 'channels_last');
    const q = ops.quantize(xl, this.input);
    if (xl !== x) xl.dispose();
    const y = this.body.forward(q) as Tensor;
    q.dispose();
    const out = y.dtype === 'i8' ? ops.dequantize(y, this.body.output!) : y;
    if (out !== y) y.dispose();
    return out;
  }
}
