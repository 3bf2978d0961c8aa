// torch.nn.TransformerEncoderLayer / TransformerEncoder with PyTorch's state-dict keys
// (self_attn.in_proj_weight, linear1, linear2, norm1, norm2; layers.{i}.*). Post-norm by default:
// x = norm1(x + SA(x)); x = norm2(x + FF(x)); normFirst moves each norm inside its branch.
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';
import { MultiheadAttention } from './multihead_attention.js';

type Module = InstanceType<typeof nn.Module>;

export interface TransformerEncoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu';
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
}

export interface EncoderCallOptions { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null }

export class TransformerEncoderLayer extends nn.Module {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: InstanceType<typeof nn.Linear>;
  readonly drop: Module;
  readonly linear2: InstanceType<typeof nn.Linear>;
  readonly normFirst: boolean;
  readonly norm1: Module;
  readonly norm2: Module;
  readonly dropout1: Module;
  readonly dropout2: Module;
  readonly activation: 'relu' | 'gelu';
  readonly options: Required<TransformerEncoderLayerOptions>;
  constructor(readonly dModel: number, readonly nhead: number, o: TransformerEncoderLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false } = o;
    if (activation !== 'relu' && activation !== 'gelu') throw new ArgumentError(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got ${JSON.stringify(activation)}`);
    this.options = { dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst };
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { dropout, batchFirst }));
    this.linear1 = this.registerModule('linear1', new nn.Linear(dModel, dimFeedforward));
    this.drop = this.registerModule('dropout', new nn.Dropout(dropout));
    this.linear2 = this.registerModule('linear2', new nn.Linear(dimFeedforward, dModel));
    this.normFirst = normFirst;
    this.norm1 = this.registerModule('norm1', new nn.LayerNorm(dModel, { eps: layerNormEps }));
    this.norm2 = this.registerModule('norm2', new nn.LayerNorm(dModel, { eps: layerNormEps }));
    this.dropout1 = this.registerModule('dropout1', new nn.Dropout(dropout));
    this.dropout2 = this.registerModule('dropout2', new nn.Dropout(dropout));
    this.activation = activation;
  }

  private sa(x: Tensor, o: EncoderCallOptions): Tensor {
    const [y] = this.selfAttn.forward(x, x, x, { attnMask: o.srcMask ?? null, keyPaddingMask: o.srcKeyPaddingMask ?? null, needWeights: false });
    return this.dropout1.forward(y);
  }
  private ff(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    const a = this.activation === 'relu' ? ops.relu(h) : ops.gelu(h);
    return this.dropout2.forward(this.linear2.forward(this.drop.forward(a)));
  }
  override forward(src: Tensor, o: EncoderCallOptions = {}): Tensor {
    if (!(src instanceof Tensor) || src.rank !== 3 || src.shape[2] !== this.dModel) {
      throw new ShapeError(`TransformerEncoderLayer(d_model=${this.dModel}): src must be [${this.options.batchFirst ? 'N, S' : 'S, N'}, ${this.dModel}], got ${src instanceof Tensor ? fmtShape(src.shape) : typeof src}`);
    }
    let x = src;
    if (this.normFirst) {
      x = ops.add(x, this.sa(this.norm1.forward(x), o));
      return ops.add(x, this.ff(this.norm2.forward(x)));
    }
    x = this.norm1.forward(ops.add(x, this.sa(x, o)));
    return this.norm2.forward(ops.add(x, this.ff(x)));
  }
}

/** numLayers copies of encoderLayer (same initial weights, like copy.deepcopy), then an optional norm. The caller keeps ownership of encoderLayer (dispose it when unused). */
export class TransformerEncoder extends nn.Module {
  readonly layers: InstanceType<typeof nn.ModuleList>;
  readonly norm: Module | null;
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, o: { norm?: Module | null } = {}) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new ArgumentError('TransformerEncoder: encoderLayer must be a TransformerEncoderLayer');
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ArgumentError(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    const copies: TransformerEncoderLayer[] = [];
    for (let i = 0; i < numLayers; i++) {
      const c = new TransformerEncoderLayer(encoderLayer.dModel, encoderLayer.nhead, encoderLayer.options);
      c.loadStateDict(encoderLayer.stateDict());
      copies.push(c);
    }
    this.layers = this.registerModule('layers', new nn.ModuleList(copies));
    this.norm = this.registerModule('norm', o.norm ?? null);
  }
  override forward(src: Tensor, o: EncoderCallOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, o);
    return this.norm ? this.norm.forward(x) : x;
  }
}
