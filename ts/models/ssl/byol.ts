// pytorchvideo.models.byol.BYOL: an online network (backbone [+ projector]) with a predictor,
// and a momentum copy of the online network that is never trained but follows it by EMA
// (updated inside forward, before the momentum projections, as PyTorchVideo does). The loss is
// the symmetric negative cosine similarity between each view's prediction and the other view's
// momentum projection.
import { nn, ops, noGrad, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';
import { injected, BatchNorm1d, type NormFactory } from '../factories.js';
import { normalize, deepCopyModule, emaUpdate } from './common.js';

type Module = InstanceType<typeof nn.Module>;

export interface BYOLOptions {
  backbone: Module;
  projector?: Module | null;
  predictor?: Module | null;
  featureDim?: number;
  predictorInner?: number;
  mmt?: number;
  /** Norm of the default predictor. PyTorchVideo's default is SyncBatchNorm, which is BatchNorm on one process. */
  norm?: NormFactory;
}

export class BYOL extends nn.Module {
  mmt: number;
  readonly featureDim: number;
  readonly backbone: Module;
  readonly backboneMmt: Module;
  readonly predictor: Module;
  constructor({ backbone, projector = null, predictor = null, featureDim = 2048, predictorInner = 4096, mmt = 0.99, norm = BatchNorm1d }: BYOLOptions) {
    super();
    if (!(mmt >= 0 && mmt <= 1)) throw new ArgumentError(`BYOL: mmt must be in [0, 1], got ${mmt}`);
    this.mmt = mmt;
    this.featureDim = featureDim;
    const online = projector ? new nn.Sequential(backbone, projector) : backbone;
    this.backbone = this.registerModule('backbone', online);
    // copy.deepcopy(backbone) with requires_grad off: same values at start, never trained.
    const target = deepCopyModule(online);
    for (const p of target.parameters()) p.requiresGrad = false;
    this.backboneMmt = this.registerModule('backbone_mmt', target);
    this.predictor = this.registerModule('predictor', predictor ?? new nn.Sequential(
      new nn.Linear(featureDim, predictorInner, { bias: false }),
      injected({ norm }).norm({ numFeatures: predictorInner }),
      new nn.ReLU(),
      new nn.Linear(predictorInner, featureDim, { bias: true }),
    ));
  }

  /** -mean_n <q_n, k_n> (einsum "nc,nc->n", then the mean). */
  simLoss(q: Tensor, k: Tensor): Tensor {
    if (q.rank !== 2 || !sameShape(q, k)) throw new ShapeError(`BYOL.simLoss: q and k must both be [N, C], got ${fmtShape(q.shape)} and ${fmtShape(k.shape)}`);
    return ops.neg(ops.mean(ops.sum(ops.mul(q, k), 1)));
  }

  /** Sets the momentum (for annealing schedules), as PyTorchVideo's update_mmt. */
  updateMmt(mmt: number): void {
    if (!(mmt >= 0 && mmt <= 1)) throw new ArgumentError(`BYOL.updateMmt: mmt must be in [0, 1], got ${mmt}`);
    this.mmt = mmt;
  }
  getMmt(): number { return this.mmt; }

  /** backbone_mmt = backbone_mmt * mmt + backbone * (1 - mmt), parameters only (buffers keep their own statistics). */
  momentumUpdateBackbone(): void {
    emaUpdate('BYOL', this.backbone, this.backboneMmt, this.mmt);
  }

  forwardBackboneMmt(x: Tensor): Tensor {
    return noGrad(() => normalize(this.backboneMmt.forward(x), 1));
  }

  forwardBackbone(x: Tensor): Tensor {
    return normalize(this.predictor.forward(this.backbone.forward(x)), 1);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    const pred1 = this.forwardBackbone(x1);
    const pred2 = this.forwardBackbone(x2);
    this.momentumUpdateBackbone();
    const mmt1 = this.forwardBackboneMmt(x1);
    const mmt2 = this.forwardBackboneMmt(x2);
    const a = this.simLoss(pred1, mmt2), b = this.simLoss(pred2, mmt1);
    return ops.div(ops.add(a, b), 2);
  }
  override extraRepr(): string { return `mmt=${this.mmt}, feature_dim=${this.featureDim}`; }
}

const sameShape = (a: Tensor, b: Tensor) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
