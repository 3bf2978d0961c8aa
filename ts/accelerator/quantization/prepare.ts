// The calibration graph of a deploy-form model (torch.ao's prepare step): one node per layer
// that will be int8, each running the layer in f32 while its observers record the values of the
// tensors that will be int8, and later building the int8 layer from those observations.
//
// Supported: EfficientX3d and nn.Sequential models of the mobile_cpu efficient blocks (conv
// blocks, X3dBottleneckBlock with squeeze-excitation, the global pool, FullyConnected) with
// Flatten and Linear, in deploy form. Anything else is a
// QuantizationError that names the layer: no silent fp32 fallback.
import { nn, ops, Tensor } from '../../runtime/index.js';
import { QLinearWeights, type QParams } from '../../runtime/ops/quant.js';
import { QConv3dWeights } from '../../runtime/ops/quant_conv.js';
import { EfficientBlockBase } from '../efficient_blocks.js';
import { QuantizationError } from '../errors.js';
import {
  Conv3d3x1x1BnAct, Conv3d3x3x3DwBnAct, Conv3d5x1x1BnAct, Conv3dPwBnAct, Conv3dTemporalKernel1BnAct,
} from '../mobile_cpu/convolutions.js';
import { _PointwiseGemm, _SkipConnectMul } from '../mobile_cpu/conv_helper.js';
import { X3dBottleneckBlock } from '../mobile_cpu/residual_blocks.js';
import { EfficientX3d } from '../mobile_cpu/efficient_x3d.js';
import { AdaptiveAvgPool3dOutSize1 } from '../mobile_cpu/pool.js';
import { FullyConnected } from '../mobile_cpu/fully_connected.js';
import { createObserver, type Observer, type ObserverOptions } from './observers.js';
import {
  ACTIVATIONS, QuantizedConv3d, QuantizedEfficientX3d, QuantizedFlatten, QuantizedGlobalPool, QuantizedLinear, QuantizedLut, QuantizedModel, QuantizedSequential,
  QuantizedSqueezeExcitation, QuantizedX3dBottleneck, type ActName, type QSite,
} from './int8_layers.js';

type Conv3d = InstanceType<typeof nn.Conv3d>;
type Linear = InstanceType<typeof nn.Linear>;
type ConvBlock = Conv3dPwBnAct | Conv3d3x3x3DwBnAct | Conv3dTemporalKernel1BnAct | Conv3d3x1x1BnAct | Conv3d5x1x1BnAct;

/**
 * Shared by the nodes of one model: observer options, the observers by tensor, what stays f32.
 * Once `probe` is set, observers stop observing and hand each tensor to it instead (the float
 * side of the per-layer error measurement).
 */
export class Context {
  readonly observers = new Map<string, Observer>();
  readonly fp32: string[] = [];
  probe: ((path: string, x: Tensor) => void) | null = null;
  constructor(readonly opts: ObserverOptions) {}
  observer(path: string): Observer {
    const o = createObserver(path, this.opts);
    this.observers.set(path, o);
    const ctx = this;
    return {
      observe(x: Tensor) { if (ctx.probe) ctx.probe(path, x); else o.observe(x); },
      qparams: () => o.qparams(),
      get min() { return o.min; },
      get max() { return o.max; },
    };
  }
}

interface Node {
  /** f32 forward of the layer, feeding its observers. */
  calibrate(x: Tensor): Tensor;
  /** The int8 layer, for an input quantised with `input`. */
  build(input: QParams): nn.Module & QSite;
}

/** Activation name of an activation module (efficient block or plain layer); null when there is no int8 form. */
function activationName(m: nn.Module): ActName | null {
  const names: Record<string, ActName> = { ReLU: 'relu', Swish: 'swish', SiLU: 'swish', HardSwish: 'hswish', Hardswish: 'hswish', Identity: 'identity' };
  return names[m.typeName] ?? null;
}

function isConvBlock(m: nn.Module): m is ConvBlock {
  return m instanceof Conv3dPwBnAct || m instanceof Conv3d3x3x3DwBnAct || m instanceof Conv3dTemporalKernel1BnAct
    || m instanceof Conv3d3x1x1BnAct || m instanceof Conv3d5x1x1BnAct;
}

function requireDeploy(m: nn.Module, path: string): void {
  if (m instanceof EfficientBlockBase && !m.convertFlag) {
    throw new QuantizationError(`quantize: ${path || 'the model'} (${m.typeName}) is in its original form; quantize the deploy form (convertToDeployableForm(model, exampleInput))`);
  }
}

/** The conv of a deploy-form conv block as f32 [Cout, Cin/groups, kt, kh, kw] weights + options. */
function convWeights(blk: ConvBlock): { weight: Tensor; bias: Tensor | null; opts: ops.ConvOptions } {
  const conv = blk.kernel.getAttr('conv') as nn.Module;
  if (conv instanceof _PointwiseGemm) {
    const bias = (conv.getAttr('bias') as Tensor | null | undefined) ?? null;
    return { weight: ops.reshape(conv.getAttr('weight') as Tensor, [conv.outChannels, conv.inChannels, 1, 1, 1]), bias, opts: {} };
  }
  const c = conv as Conv3d;
  return { weight: c.weight, bias: c.bias, opts: { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups } };
}

/** A conv block (conv, BN folded, activation): int8 conv with the activation as clamp or table. */
class ConvNode implements Node {
  private readonly act: ActName;
  private readonly pre: Observer | null;
  private readonly out: Observer;
  constructor(private readonly blk: ConvBlock, private readonly path: string, ctx: Context) {
    requireDeploy(blk, path);
    this.act = blk.activation;
    // swish / hardswish: the conv requantises to the pre-activation range, then the table maps it.
    this.pre = this.act === 'swish' || this.act === 'hswish' ? ctx.observer(`${path}:pre_act`) : null;
    this.out = ctx.observer(path);
  }
  calibrate(x: Tensor): Tensor {
    const k = this.blk.kernel;
    const h = (k.getAttr('conv') as nn.Module).forward(x) as Tensor;
    this.pre?.observe(h);
    const y = (k.getAttr('act') as nn.Module).forward(h) as Tensor;
    this.out.observe(y);
    return y;
  }
  build(input: QParams): QuantizedConv3d {
    const { weight, bias, opts } = convWeights(this.blk);
    const out = this.out.qparams();
    if (!this.pre) {
      const w = new QConv3dWeights(weight, bias, opts, input, { ...out, qmin: this.act === 'relu' ? out.zeroPoint : -128 });
      return new QuantizedConv3d(this.path, w, this.act, null, out);
    }
    const pre = this.pre.qparams();
    return new QuantizedConv3d(this.path, new QConv3dWeights(weight, bias, opts, input, pre), this.act, ops.lutTable(ACTIVATIONS[this.act], pre, out), out);
  }
  /** The block's pointwise weights as a Linear [Cout, Cin] (the head's lin_5 runs on pooled [N, C]). */
  linear(input: QParams): QuantizedLinear {
    const { weight, bias } = convWeights(this.blk);
    if (weight.size !== weight.shape[0] * weight.shape[1] || (this.act !== 'relu' && this.act !== 'identity')) {
      throw new QuantizationError(`quantize: ${this.path} must be a pointwise conv with relu or identity to run as an int8 linear`);
    }
    const w2 = ops.reshape(weight, [weight.shape[0], weight.shape[1]]);
    return new QuantizedLinear(this.path, QLinearWeights.fromFloat(w2, bias), input, this.out.qparams(), this.act === 'relu');
  }
}

/** A standalone activation: a lookup table from its input's quantisation to its output's. */
class ActNode implements Node {
  private readonly out: Observer;
  constructor(private readonly m: nn.Module, private readonly act: ActName, private readonly path: string, ctx: Context) {
    this.out = ctx.observer(path);
  }
  calibrate(x: Tensor): Tensor {
    const y = this.m.forward(x) as Tensor;
    this.out.observe(y);
    return y;
  }
  build(input: QParams): QuantizedLut {
    const out = this.out.qparams();
    return new QuantizedLut(this.path, ops.lutTable(ACTIVATIONS[this.act], input, out), out, this.act);
  }
}

/** Squeeze-excitation (deploy form: x * reshape(sigmoid(fc1(act(fc0(pool(x))))))). */
class SeNode implements Node {
  private readonly fc0: Linear;
  private readonly fc1: Linear;
  private readonly act: nn.Module;
  private readonly gate: nn.Module;
  private readonly pooled: Observer;
  private readonly hidden: Observer;
  private readonly out: Observer;
  constructor(se: EfficientBlockBase, private readonly path: string, ctx: Context) {
    requireDeploy(se, path);
    const seq = ((se as unknown as { se: nn.Module }).se as _SkipConnectMul).layer as InstanceType<typeof nn.Sequential>;
    [this.fc0, this.act, this.fc1, this.gate] = [seq.get(2) as Linear, seq.get(3), seq.get(4) as Linear, seq.get(5)];
    if (activationName(this.act) !== 'relu' || this.gate.typeName !== 'Sigmoid') {
      throw new QuantizationError(`quantize: ${path}: squeeze-excitation needs ReLU and Sigmoid for its int8 form, got ${this.act.typeName} and ${this.gate.typeName}`);
    }
    this.pooled = ctx.observer(`${path}:pool`);
    this.hidden = ctx.observer(`${path}:fc0`);
    this.out = ctx.observer(path);
    ctx.fp32.push(`${path}: the sigmoid gate ([N, C] values, from fc1's f32 output) is f32; pool, fc0, fc1 and the multiply are int8`);
  }
  calibrate(x: Tensor): Tensor {
    const [n, c] = x.shape;
    const p = ops.mean(x, [2, 3, 4]);
    this.pooled.observe(p);
    const h = this.act.forward(this.fc0.forward(p)) as Tensor;
    this.hidden.observe(h);
    const g = this.gate.forward(this.fc1.forward(h)) as Tensor;
    const y = ops.mul(x, ops.reshape(g, [n, c, 1, 1, 1]));
    this.out.observe(y);
    return y;
  }
  build(input: QParams): QuantizedSqueezeExcitation {
    const pooled = this.pooled.qparams(), hidden = this.hidden.qparams();
    const fc0 = new QuantizedLinear(`${this.path}.fc0`, QLinearWeights.fromFloat(this.fc0.weight, this.fc0.bias), pooled, hidden, true);
    const fc1 = new QuantizedLinear(`${this.path}.fc1`, QLinearWeights.fromFloat(this.fc1.weight, this.fc1.bias), hidden, null, false);
    return new QuantizedSqueezeExcitation(this.path, input, pooled, fc0, fc1, this.gate, this.out.qparams());
  }
}

/** Children in order (an nn.Sequential, or the named layers of a block). */
class SeqNode implements Node {
  constructor(private readonly path: string, private readonly nodes: [string, Node][]) {}
  calibrate(x: Tensor): Tensor {
    for (const [, n] of this.nodes) x = n.calibrate(x);
    return x;
  }
  build(input: QParams): QuantizedSequential {
    const items: [string, nn.Module & QSite][] = [];
    let q = input;
    for (const [name, n] of this.nodes) {
      const m = n.build(q);
      items.push([name, m]);
      q = m.output!;
    }
    return new QuantizedSequential(this.path, items, q);
  }
}

/** X3D bottleneck: the branch, the shortcut (input or _res_proj), the int8 sum with the final activation. */
class BottleneckNode implements Node {
  private readonly branch: SeqNode;
  private readonly resProj: ConvNode | null;
  private readonly finalAct: ActName;
  private readonly pre: Observer;
  private readonly out: Observer | null;
  constructor(private readonly blk: X3dBottleneckBlock, private readonly path: string, ctx: Context) {
    requireDeploy(blk, path);
    if (!blk.useResidual) throw new QuantizationError(`quantize: ${path}: X3dBottleneckBlock without a residual has no int8 form yet`);
    const nodes: [string, Node][] = blk.layers.namedChildren().map(([name, m]) => [name, nodeOf(m, `${path}.layers.${name}`, ctx)]);
    this.branch = new SeqNode(`${path}.layers`, nodes);
    this.resProj = blk.resProj ? new ConvNode(blk.resProj, `${path}._res_proj`, ctx) : null;
    this.finalAct = blk.finalActName;
    // relu / identity: one requantisation of the sum (clamped); others: the sum, then a table.
    const clamp = this.finalAct === 'relu' || this.finalAct === 'identity';
    this.pre = ctx.observer(clamp ? path : `${path}:sum`);
    this.out = clamp ? null : ctx.observer(path);
  }
  calibrate(x: Tensor): Tensor {
    const h = this.branch.calibrate(x);
    const s = ops.add(this.resProj ? this.resProj.calibrate(x) : x, h);
    const y = this.blk.finalAct.forward(s) as Tensor;
    this.pre.observe(this.out ? s : y);
    this.out?.observe(y);
    return y;
  }
  build(input: QParams): QuantizedX3dBottleneck {
    const branch = this.branch.build(input);
    const resProj = this.resProj ? this.resProj.build(input) : null;
    const pre = this.pre.qparams();
    const out = this.out ? this.out.qparams() : pre;
    const lut = this.out ? ops.lutTable(ACTIVATIONS[this.finalAct], pre, out) : null;
    return new QuantizedX3dBottleneck(this.path, input, branch, resProj, { act: this.finalAct, lut, pre }, out);
  }
}

/** Global average pool (AdaptiveAvgPool3dOutSize1): int8 [N, C, 1, 1, 1]. */
class PoolNode implements Node {
  private readonly out: Observer;
  constructor(m: EfficientBlockBase, private readonly path: string, ctx: Context) {
    requireDeploy(m, path);
    this.out = ctx.observer(path);
  }
  calibrate(x: Tensor): Tensor {
    const y = ops.mean(x, [2, 3, 4], true);
    this.out.observe(y);
    return y;
  }
  build(input: QParams): QuantizedGlobalPool { return new QuantizedGlobalPool(this.path, input, this.out.qparams()); }
}

/** nn.Flatten from dim 1: a reshape of the int8 tensor (same quantisation). */
class FlattenNode implements Node {
  constructor(private readonly m: InstanceType<typeof nn.Flatten>, private readonly path: string) {
    if (m.startDim !== 1 || m.endDim !== -1) throw new QuantizationError(`quantize: ${path}: only Flatten(1, -1) has an int8 form`);
  }
  calibrate(x: Tensor): Tensor { return this.m.forward(x); }
  build(input: QParams): QuantizedFlatten { return new QuantizedFlatten(this.path, input); }
}

/** A Linear (or FullyConnected) on [N, in]: int8 in, int8 out. */
class LinearNode implements Node {
  private readonly out: Observer;
  constructor(private readonly lin: Linear, private readonly path: string, ctx: Context) {
    this.out = ctx.observer(path);
  }
  calibrate(x: Tensor): Tensor {
    const y = this.lin.forward(x);
    this.out.observe(y);
    return y;
  }
  build(input: QParams): QuantizedLinear {
    return new QuantizedLinear(this.path, QLinearWeights.fromFloat(this.lin.weight, this.lin.bias), input, this.out.qparams(), false);
  }
}

/** The node of one layer of a supported model. */
function nodeOf(m: nn.Module, path: string, ctx: Context): Node {
  if (isConvBlock(m)) return new ConvNode(m, path, ctx);
  if (m instanceof X3dBottleneckBlock) return new BottleneckNode(m, path, ctx);
  if (m.typeName === 'SqueezeExcitation' && m instanceof EfficientBlockBase) return new SeNode(m, path, ctx);
  const act = activationName(m) ?? (m instanceof EfficientBlockBase && 'act' in m ? activationName((m as unknown as { act: nn.Module }).act) : null);
  if (act) return new ActNode(m, act, path, ctx);
  if (m instanceof AdaptiveAvgPool3dOutSize1) return new PoolNode(m, path, ctx);
  if (m instanceof nn.Flatten) return new FlattenNode(m, path);
  if (m instanceof nn.Linear) return new LinearNode(m, path, ctx);
  if (m instanceof FullyConnected) return new LinearNode(m.model as Linear, path, ctx);
  if (m instanceof nn.Sequential) return new SeqNode(path, m.namedChildren().map(([name, c]) => [name, nodeOf(c, path ? `${path}.${name}` : name, ctx)]));
  throw new QuantizationError(`quantize: ${path || 'the model'} (${m.typeName}) has no int8 form (supported: EfficientX3d, and nn.Sequential of mobile_cpu efficient blocks, Flatten and Linear)`);
}

/** EfficientX3d: stages and head as int8, the logits f32. */
class EfficientX3dNode implements Node {
  private readonly input: Observer;
  private readonly stages: SeqNode[];
  private readonly conv5: ConvNode;
  private readonly pooled: Observer;
  private readonly lin5: ConvNode;
  constructor(private readonly model: EfficientX3d, ctx: Context) {
    if (!model.head || !model.projection) throw new QuantizationError('quantize: EfficientX3d without its head (enableHead: false) has no int8 form yet');
    this.input = ctx.observer('input');
    this.stages = model.stages.map((s, i) => nodeOf(s, `s${i + 1}`, ctx) as SeqNode);
    const head = model.head as InstanceType<typeof nn.Sequential>;
    this.conv5 = new ConvNode(head.getAttr('conv_5') as ConvBlock, 'head.conv_5', ctx);
    requireDeploy(head.getAttr('avg_pool') as nn.Module, 'head.avg_pool');
    this.pooled = ctx.observer('head.avg_pool');
    this.lin5 = new ConvNode(head.getAttr('lin_5') as ConvBlock, 'head.lin_5', ctx);
    ctx.fp32.push('projection: int8 GEMM with an f32 output (the logits)');
    if (activationName(model.act!) !== 'identity') ctx.fp32.push(`act (${model.act!.typeName}): applied to the f32 logits`);
  }
  calibrate(x: Tensor): Tensor {
    this.input.observe(x);
    for (const s of this.stages) x = s.calibrate(x);
    const p = ops.mean(this.conv5.calibrate(x), [2, 3, 4], true);
    this.pooled.observe(p);
    const l = this.lin5.calibrate(p);
    const logits = this.model.projection!.forward(ops.reshape(l, [l.shape[0], l.shape[1]])) as Tensor;
    return this.model.act!.forward(logits) as Tensor;
  }
  build(): QuantizedEfficientX3d {
    const input = this.input.qparams();
    const stages: QuantizedSequential[] = [];
    let q = input;
    for (const s of this.stages) {
      stages.push(s.build(q));
      q = stages[stages.length - 1].output!;
    }
    const conv5 = this.conv5.build(q);
    const pooled = this.pooled.qparams();
    const lin5 = this.lin5.linear(pooled);
    const lin = (this.model.projection!.model as Linear);
    const projection = new QuantizedLinear('projection', QLinearWeights.fromFloat(lin.weight, lin.bias), lin5.output!, null, false);
    return new QuantizedEfficientX3d(input, stages, conv5, pooled, lin5, projection, this.model.act!);
  }
}

/** A generic model: quantise its input, int8 body, dequantise its output. */
class ModelNode implements Node {
  private readonly input: Observer;
  private readonly body: Node;
  constructor(model: nn.Module, ctx: Context) {
    this.input = ctx.observer('input');
    this.body = nodeOf(model, '', ctx);
    ctx.fp32.push('output: dequantised to f32');
  }
  calibrate(x: Tensor): Tensor {
    this.input.observe(x);
    return this.body.calibrate(x);
  }
  build(): QuantizedModel {
    const input = this.input.qparams();
    return new QuantizedModel(input, this.body.build(input));
  }
}

/** The calibration graph of a deploy-form model. */
export function prepare(model: nn.Module, ctx: Context): { calibrate(x: Tensor): Tensor; build(): nn.Module & QSite } {
  return model instanceof EfficientX3d ? new EfficientX3dNode(model, ctx) : new ModelNode(model, ctx);
}
