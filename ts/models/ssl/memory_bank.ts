// pytorchvideo.models.memory_bank.MemoryBank: non-parametric instance discrimination (NPID).
// A bank of one L2-normalised embedding per training sample; each sample is contrasted with
// its own bank entry (the positive, column 0) and negSize entries drawn at random, with a
// cross-entropy over (similarity / temperature); in training mode the sample's entry moves
// toward the new embedding by momentum and is re-normalised.
import { nn, ops, noGrad, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';
import { random } from '../../runtime/random.js';
import { normalize, indexValues } from './common.js';

type Module = InstanceType<typeof nn.Module>;

export interface MemoryBankOptions {
  backbone: Module;
  mlp?: Module | null;
  negSize?: number;
  temperature?: number;
  /** Number of entries: the training-set size. */
  bankSize?: number;
  dim?: number;
  mmt?: number;
}

export class MemoryBank extends nn.Module {
  readonly negSize: number;
  temperature: number;
  readonly bankSize: number;
  readonly dim: number;
  mmt: number;
  readonly backbone: Module;
  readonly mlp: Module | null;
  constructor({ backbone, mlp = null, negSize = 4096, temperature = 0.07, bankSize = 1280000, dim = 2048, mmt = 0.999 }: MemoryBankOptions) {
    super();
    for (const [k, v] of [['negSize', negSize], ['bankSize', bankSize], ['dim', dim]] as const) {
      if (!(Number.isInteger(v) && v > 0)) throw new ArgumentError(`MemoryBank: ${k} must be a positive integer, got ${v}`);
    }
    if (!(temperature > 0)) throw new ArgumentError(`MemoryBank: temperature must be > 0, got ${temperature}`);
    this.backbone = this.registerModule('backbone', backbone);
    this.mlp = this.registerModule('mlp', mlp);
    this.negSize = negSize; this.temperature = temperature; this.bankSize = bankSize; this.dim = dim; this.mmt = mmt;
    // Uniform in [-stdv, stdv), stdv = 1 / sqrt(dim / 3), as _init_mem_bank.
    const stdv = 1 / Math.sqrt(dim / 3);
    this.registerBuffer('memory', Tensor.rand([bankSize, dim], -stdv, stdv));
  }
  get memory(): Tensor { return this.getAttr('memory') as Tensor; }

  /**
   * The NCE-style loss of a batch x with dataset indices xInd (i32 [B]). `negatives` (i32
   * [B, negSize + 1], column 0 ignored) replaces the random draw — for reproducing a run.
   */
  override forward(x: Tensor, xInd: Tensor, opts: { negatives?: Tensor } = {}): Tensor {
    const b = x.shape[0];
    let h = this.backbone.forward(x);
    if (this.mlp) h = this.mlp.forward(h);
    const z = normalize(h, 1);
    if (z.rank !== 2 || z.shape[1] !== this.dim) throw new ShapeError(`MemoryBank: embeddings must be [B, ${this.dim}], got ${fmtShape(z.shape)}`);
    const pos = indexValues('MemoryBank', 'xInd', xInd, this.bankSize);
    if (xInd.rank !== 1 || pos.length !== b) throw new ShapeError(`MemoryBank: xInd must be [${b}], got ${fmtShape(xInd.shape)}`);
    const k = this.negSize + 1;
    let idx: Int32Array;
    if (opts.negatives) {
      if (!(opts.negatives.rank === 2 && opts.negatives.shape[0] === b && opts.negatives.shape[1] === k)) {
        throw new ShapeError(`MemoryBank: negatives must be [${b}, ${k}], got ${fmtShape(opts.negatives.shape)}`);
      }
      idx = indexValues('MemoryBank', 'negatives', opts.negatives, this.bankSize).slice();
    } else {
      idx = new Int32Array(b * k);
      for (let i = 0; i < idx.length; i++) idx[i] = random.int(this.bankSize);
    }
    for (let i = 0; i < b; i++) idx[i * k] = pos[i];       // the positive goes first
    const idxT = Tensor.from(idx, [b * k], { dtype: 'i32' });
    // weight [B, K+1, C] (detached: the bank is a buffer); out[b, j] = <weight[b, j], z[b]> / T.
    const weight = noGrad(() => ops.reshape(ops.indexSelect(this.memory, 0, idxT), [b, k, this.dim]));
    idxT.dispose();
    const out = ops.div(ops.reshape(ops.bmm(weight, ops.unsqueeze(z, 2)), [b, k]), this.temperature);
    const loss = ops.crossEntropy(out, Tensor.zeros([b], { dtype: 'i32' }));
    if (this.training) this.updateMemory(z, pos);
    return loss;
  }

  /** memory[i] = normalize(memory[i] * mmt + z * (1 - mmt)) for each sample, f32 rounding as torch. */
  private updateMemory(z: Tensor, pos: Int32Array): void {
    const mem = this.memory.data() as Float32Array;
    const zv = z.toArray() as Float32Array;
    const m = Math.fround(this.mmt), r = Math.fround(1 - this.mmt), c = this.dim;
    // All rows are gathered before any is written (index_select, then index_copy_).
    const rows = Array.from(pos, (p, i) => {
      const row = new Float32Array(c);
      for (let j = 0; j < c; j++) row[j] = Math.fround(mem[p * c + j] * m) + Math.fround(zv[i * c + j] * r);
      let ss = 0;
      for (let j = 0; j < c; j++) ss = Math.fround(ss + Math.fround(row[j] * row[j]));
      const norm = Math.fround(Math.sqrt(ss));
      for (let j = 0; j < c; j++) row[j] = row[j] / norm;
      return row;
    });
    pos.forEach((p, i) => mem.set(rows[i], p * c));
  }
  override extraRepr(): string { return `neg_size=${this.negSize}, temperature=${this.temperature}, bank_size=${this.bankSize}, dim=${this.dim}, mmt=${this.mmt}`; }
}
