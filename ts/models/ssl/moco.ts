// MoCo v2 (Chen et al. 2020, "Improved Baselines with Momentum Contrastive Learning"; the
// recipe of facebookresearch/moco's builder). PyTorchVideo has no MoCo module in models/: this
// is the MoCo v2 module in PyTorch-compatible form — query encoder (backbone + MLP projector),
// key encoder = its momentum copy, a queue of K normalised negative keys ([dim, K] buffer) with
// a write pointer, and the InfoNCE loss (positive logit first, temperature 0.2 by default).
// Single process: no shuffled BN across GPUs and no all-gather before enqueueing.
import { nn, ops, noGrad, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';
import { random } from '../../runtime/random.js';
import { normalize, deepCopyModule, emaUpdate } from './common.js';

type Module = InstanceType<typeof nn.Module>;

export interface MoCoV2Options {
  backbone: Module;
  /** MLP projector after the backbone (MoCo v2's 2-layer head); null to use the backbone's output. */
  projector?: Module | null;
  /** Embedding dim (the key encoder's output size). */
  dim?: number;
  /** Queue length: the number of negatives. Must be a multiple of the batch size. */
  queueSize?: number;
  /** Key-encoder momentum. */
  mmt?: number;
  temperature?: number;
}

export class MoCoV2 extends nn.Module {
  readonly dim: number;
  readonly queueSize: number;
  mmt: number;
  temperature: number;
  readonly encoderQ: Module;
  readonly encoderK: Module;
  constructor({ backbone, projector = null, dim = 128, queueSize = 65536, mmt = 0.999, temperature = 0.2 }: MoCoV2Options) {
    super();
    if (!(Number.isInteger(queueSize) && queueSize > 0)) throw new ArgumentError(`MoCoV2: queueSize must be a positive integer, got ${queueSize}`);
    if (!(mmt >= 0 && mmt <= 1)) throw new ArgumentError(`MoCoV2: mmt must be in [0, 1], got ${mmt}`);
    if (!(temperature > 0)) throw new ArgumentError(`MoCoV2: temperature must be > 0, got ${temperature}`);
    this.dim = dim; this.queueSize = queueSize; this.mmt = mmt; this.temperature = temperature;
    const q = projector ? new nn.Sequential(backbone, projector) : backbone;
    this.encoderQ = this.registerModule('encoder_q', q);
    const k = deepCopyModule(q);
    for (const p of k.parameters()) p.requiresGrad = false;
    this.encoderK = this.registerModule('encoder_k', k);
    // queue = normalize(randn(dim, K), dim=0); queue_ptr = zeros(1) (long in PyTorch).
    const g = Tensor.empty([dim, queueSize]);
    const v = g.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = random.normal();
    this.registerBuffer('queue', noGrad(() => normalize(g, 0)));
    g.dispose();
    this.registerBuffer('queue_ptr', Tensor.zeros([1], { dtype: 'i32' }));
  }
  get queue(): Tensor { return this.getAttr('queue') as Tensor; }
  get queuePtr(): number { return (this.getAttr('queue_ptr') as Tensor).data()[0]; }

  /** encoder_k = encoder_k * m + encoder_q * (1 - m). */
  momentumUpdateKeyEncoder(): void {
    emaUpdate('MoCoV2', this.encoderQ, this.encoderK, this.mmt);
  }

  /** Writes keys [N, dim] into the queue's columns ptr..ptr+N-1 and advances the pointer mod K. */
  dequeueAndEnqueue(keys: Tensor): void {
    const n = keys.shape[0];
    if (keys.rank !== 2 || keys.shape[1] !== this.dim) throw new ShapeError(`MoCoV2: keys must be [N, ${this.dim}], got ${fmtShape(keys.shape)}`);
    if (this.queueSize % n !== 0) throw new ArgumentError(`MoCoV2: the queue size ${this.queueSize} must be a multiple of the batch size ${n}`);
    const ptrT = this.getAttr('queue_ptr') as Tensor;
    const ptr = ptrT.data()[0];
    const kv = keys.toArray() as Float32Array;
    const q = this.queue.data() as Float32Array;
    for (let i = 0; i < n; i++) for (let c = 0; c < this.dim; c++) q[c * this.queueSize + ptr + i] = kv[i * this.dim + c];
    ptrT.data()[0] = (ptr + n) % this.queueSize;
  }

  /** The InfoNCE logits [N, 1 + K] (positive first, / T) and the key batch, without the loss. */
  logits(imQ: Tensor, imK: Tensor): { logits: Tensor; keys: Tensor } {
    const q = normalize(this.encoderQ.forward(imQ), 1);
    if (q.rank !== 2 || q.shape[1] !== this.dim) throw new ShapeError(`MoCoV2: the query encoder must output [N, ${this.dim}], got ${fmtShape(q.shape)}`);
    const k = noGrad(() => {
      this.momentumUpdateKeyEncoder();
      return normalize(this.encoderK.forward(imK), 1);
    });
    const lPos = ops.sum(ops.mul(q, k), 1, true);            // einsum nc,nc->n, unsqueezed
    // einsum nc,ck->nk against a copy of the queue (the reference's queue.clone().detach()):
    // the enqueue below rewrites the queue in place before backward runs.
    const lNeg = ops.matmul(q, this.queue.detach());
    const logits = ops.div(ops.cat([lPos, lNeg], 1), this.temperature);
    return { logits, keys: k };
  }

  /** The contrastive loss of a batch (cross-entropy with target 0), then the keys are enqueued. */
  override forward(imQ: Tensor, imK: Tensor): Tensor {
    const { logits, keys } = this.logits(imQ, imK);
    const labels = Tensor.zeros([logits.shape[0]], { dtype: 'i32' });
    const loss = ops.crossEntropy(logits, labels);
    this.dequeueAndEnqueue(keys);
    return loss;
  }
  override extraRepr(): string { return `dim=${this.dim}, K=${this.queueSize}, m=${this.mmt}, T=${this.temperature}`; }
}
