// Late fusion over several modalities: one encoder per input (each maps its tensor to features
// [N, D_i]: a video net with a feature-sized head, a flow pathway, the IMU encoder...), the
// fusion layer of pytorchvideo.layers.fusion over the features (concat by default), and a
// linear classifier. forward takes the inputs as a list, in the encoders' order (how the
// Trainer passes a batch's `video` when it is a list, as for SlowFast's pathways).
import { nn, ArgumentError, type Tensor } from '../runtime/index.js';
import { makeFusionLayer, type FusionMethod } from './layers/fusion.js';

type Module = InstanceType<typeof nn.Module>;

export interface MultiModalNetOptions {
  /** One encoder per modality, each ending in features [N, featureDims[i]]. */
  encoders: Module[];
  featureDims: number[];
  numClasses: number;
  /** Default 'concat'. */
  fusion?: FusionMethod;
  dropoutRate?: number;
}

export class MultiModalNet extends nn.Module {
  private readonly encoders: InstanceType<typeof nn.ModuleList>;
  private readonly fusion: Module;
  private readonly dropout: Module | null;
  private readonly proj: InstanceType<typeof nn.Linear>;

  constructor(o: MultiModalNetOptions) {
    super();
    if (!o.encoders?.length || o.encoders.length !== o.featureDims?.length) {
      throw new ArgumentError(`MultiModalNet: one feature dim per encoder (got ${o.encoders?.length} encoders, ${o.featureDims?.length} dims)`);
    }
    this.encoders = this.registerModule('encoders', new nn.ModuleList(o.encoders));
    const fusion = makeFusionLayer(o.fusion ?? 'concat', o.featureDims) as Module & { outputDim: number };
    this.fusion = this.registerModule('fusion', fusion);
    this.dropout = o.dropoutRate ? this.registerModule('dropout', new nn.Dropout(o.dropoutRate)) : null;
    this.proj = this.registerModule('proj', new nn.Linear(fusion.outputDim, o.numClasses));
  }

  override forward(xs: Tensor[]): Tensor {
    const n = this.encoders.length;
    if (!Array.isArray(xs) || xs.length !== n) throw new ArgumentError(`MultiModalNet: expected a list of ${n} inputs (one per encoder), got ${Array.isArray(xs) ? xs.length : typeof xs}`);
    const feats = xs.map((x, i) => this.encoders.get(i).forward(x) as Tensor);
    let y = this.fusion.forward(feats) as Tensor;
    if (this.dropout) y = this.dropout.forward(y) as Tensor;
    return this.proj.forward(y) as Tensor;
  }
}
