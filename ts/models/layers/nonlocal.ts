// pytorchvideo.layers.nonlocal_net: NonLocal (every position attends to every position of a
// pooled copy; softmax or dot-product affinity) and create_nonlocal.
import { nn, ops, ArgumentError, ShapeError, fmtShape, type Tensor } from '../../runtime/index.js';
import { injected, BatchNorm3d, maybe, type NormFactory } from '../factories.js';

type Module = InstanceType<typeof nn.Module>;
type Conv = InstanceType<typeof nn.Conv3d>;
export type NonlocalInstantiation = 'dot_product' | 'softmax';

export class NonLocal extends nn.Module {
  readonly convTheta: Conv;
  readonly convPhi: Conv;
  readonly convG: Conv;
  readonly convOut: Conv;
  readonly pool: Module | null;
  readonly norm: Module | null;
  readonly instantiation: NonlocalInstantiation;
  constructor({ convTheta, convPhi, convG, convOut, pool = null, norm = null, instantiation = 'dot_product' }: {
    convTheta: Conv; convPhi: Conv; convG: Conv; convOut: Conv; pool?: Module | null; norm?: Module | null; instantiation?: NonlocalInstantiation;
  }) {
    super();
    if (instantiation !== 'dot_product' && instantiation !== 'softmax') {
      throw new ArgumentError(`NonLocal: unknown instantiation ${JSON.stringify(instantiation)} (use 'dot_product' or 'softmax')`);
    }
    const dims = new Set([convTheta.outChannels, convPhi.outChannels, convG.outChannels, convOut.inChannels]);
    if (dims.size !== 1) {
      throw new ArgumentError(`NonLocal: conv_theta/conv_phi/conv_g outputs (${convTheta.outChannels}, ${convPhi.outChannels}, ${convG.outChannels}) and conv_out input (${convOut.inChannels}) must be equal`);
    }
    this.convTheta = this.registerModule('conv_theta', convTheta);
    this.convPhi = this.registerModule('conv_phi', convPhi);
    this.convG = this.registerModule('conv_g', convG);
    this.convOut = this.registerModule('conv_out', convOut);
    this.pool = this.registerModule('pool', pool);
    this.norm = this.registerModule('norm', norm);
    this.instantiation = instantiation;
  }
  override forward(x: Tensor): Tensor {
    const cin = this.convTheta.inChannels;
    if (x.rank !== 5 || x.shape[1] !== cin) throw new ShapeError(`NonLocal(${cin}): expected input [N, ${cin}, T, H, W], got ${fmtShape(x.shape)}`);
    const d = this.convTheta.outChannels;
    const [N, , T, H, W] = x.shape;
    const theta = ops.reshape(this.convTheta.forward(x), [N, d, -1]);
    const pooled = maybe(this.pool, x);
    const phi = ops.reshape(this.convPhi.forward(pooled), [N, d, -1]);
    const g = ops.reshape(this.convG.forward(pooled), [N, d, -1]);
    // (N, d, L)^T x (N, d, P) -> (N, L, P) affinities.
    let affinity = ops.bmm(ops.transpose(theta, 1, 2), phi);
    affinity = this.instantiation === 'softmax'
      ? ops.softmax(ops.mul(affinity, d ** -0.5), 2)
      : ops.div(affinity, affinity.shape[2]);
    // (N, d, P) x (N, P, L) -> (N, d, L) -> (N, d, T, H, W).
    const y = ops.reshape(ops.bmm(g, ops.transpose(affinity, 1, 2)), [N, d, T, H, W]);
    return ops.add(x, maybe(this.norm, this.convOut.forward(y)));
  }
}

export interface NonlocalOptions {
  dimIn: number; dimInner: number; poolSize?: number[] | null; instantiation?: NonlocalInstantiation;
  norm?: NormFactory | null; normEps?: number; normMomentum?: number;
}

/** create_nonlocal: 1x1x1 theta/phi/g/out convs (with bias), max pool when poolSize > 1, norm on the output. */
export function createNonlocal(o: NonlocalOptions): NonLocal {
  const { dimIn, dimInner, instantiation = 'softmax', norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1 } = injected(o);
  const poolSize = o.poolSize ?? [1, 1, 1];
  if (instantiation !== 'dot_product' && instantiation !== 'softmax') {
    throw new ArgumentError(`createNonlocal: unknown instantiation ${JSON.stringify(instantiation)} (use 'dot_product' or 'softmax')`);
  }
  const conv = (a: number, b: number) => new nn.Conv3d(a, b, 1, { stride: 1, padding: 0 });
  return new NonLocal({
    convTheta: conv(dimIn, dimInner), convPhi: conv(dimIn, dimInner), convG: conv(dimIn, dimInner), convOut: conv(dimInner, dimIn),
    pool: poolSize.some((s) => s > 1) ? new nn.MaxPool3d(poolSize, { stride: poolSize, padding: [0, 0, 0] }) : null,
    norm: norm ? norm({ numFeatures: dimIn, eps: normEps, momentum: normMomentum }) : null,
    instantiation,
  });
}
