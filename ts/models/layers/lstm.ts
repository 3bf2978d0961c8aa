// torch.nn.LSTM composed from linear / sigmoid / tanh ops (so autograd comes for free), with
// PyTorch's parameter names weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} (+ _reverse)
// and gate order i, f, g, o. `lengths` plays the role of a packed sequence
// (pack_padded_sequence): sample b only sees its first lengths[b] steps, its final state is the
// state after them (the reverse direction starts at step lengths[b] - 1), and its outputs beyond
// them are zero. Named TorchLSTM: `LSTM` is PyTorchVideo's masked wrapper (masked_multistream).
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';

export interface TorchLSTMOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
}

export class TorchLSTM extends nn.Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  constructor(readonly inputSize: number, readonly hiddenSize: number, o: TorchLSTMOptions = {}) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false } = o;
    if (!Number.isInteger(inputSize) || !Number.isInteger(hiddenSize) || inputSize <= 0 || hiddenSize <= 0 || !Number.isInteger(numLayers) || numLayers < 1) {
      throw new ArgumentError(`TorchLSTM: inputSize, hiddenSize and numLayers must be positive integers, got ${inputSize}, ${hiddenSize}, ${numLayers}`);
    }
    if (!(dropout >= 0 && dropout <= 1)) throw new ArgumentError(`TorchLSTM: dropout must be in [0, 1], got ${dropout}`);
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    // PyTorch's init: every weight and bias U(-1/sqrt(H), 1/sqrt(H)).
    const k = 1 / Math.sqrt(hiddenSize);
    const u = (shape: number[]) => nn.init.uniform_(Tensor.empty(shape), -k, k);
    const dirs = bidirectional ? 2 : 1;
    for (let l = 0; l < numLayers; l++) {
      const inSize = l === 0 ? inputSize : hiddenSize * dirs;
      for (const sfx of bidirectional ? ['', '_reverse'] : ['']) {
        this.registerParameter(`weight_ih_l${l}${sfx}`, u([4 * hiddenSize, inSize]));
        this.registerParameter(`weight_hh_l${l}${sfx}`, u([4 * hiddenSize, hiddenSize]));
        if (bias) {
          this.registerParameter(`bias_ih_l${l}${sfx}`, u([4 * hiddenSize]));
          this.registerParameter(`bias_hh_l${l}${sfx}`, u([4 * hiddenSize]));
        }
      }
    }
  }

  private p(name: string): Tensor | null { return (this.getAttr(name) as Tensor | null | undefined) ?? null; }

  /**
   * x: [T, B, inputSize] ([B, T, inputSize] with batchFirst). hx: optional [h0, c0], each
   * [numLayers * dirs, B, hiddenSize]. Returns [output [T, B, dirs * H] (or batch first), [hN, cN]].
   */
  override forward(x: Tensor, hx: [Tensor, Tensor] | null = null, o: { lengths?: readonly number[] | null } = {}): [Tensor, [Tensor, Tensor]] {
    const name = `TorchLSTM(${this.inputSize}, ${this.hiddenSize})`;
    if (!(x instanceof Tensor) || x.rank !== 3 || x.shape[2] !== this.inputSize) {
      throw new ShapeError(`${name}: input must be [${this.batchFirst ? 'B, T' : 'T, B'}, ${this.inputSize}], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    let seq = this.batchFirst ? x : ops.transpose(x, 0, 1);  // [B, T, F]
    const [B, T] = seq.shape, Hs = this.hiddenSize, dirs = this.bidirectional ? 2 : 1;
    const lengths = o.lengths ?? null;
    if (lengths && (lengths.length !== B || lengths.some((n) => !Number.isInteger(n) || n < 1 || n > T))) {
      throw new ShapeError(`${name}: lengths must hold ${B} integers in [1, ${T}] for input ${fmtShape(x.shape)}, got ${JSON.stringify(lengths)}`);
    }
    const stateShape = [this.numLayers * dirs, B, Hs];
    if (hx && (!Array.isArray(hx) || hx.length !== 2 || hx.some((t) => !(t instanceof Tensor) || t.rank !== 3 || t.shape.some((d, i) => d !== stateShape[i])))) {
      throw new ShapeError(`${name}: hx must be [h0, c0], each ${fmtShape(stateShape)}`);
    }
    // Per step t: 1 where step t is inside sample b's sequence ([B, 1] columns), and its complement.
    const live: (Tensor | null)[] = [], dead: (Tensor | null)[] = [];
    for (let t = 0; t < T; t++) {
      if (!lengths || lengths.every((n) => t < n)) { live.push(null); dead.push(null); continue; }
      const m = Float32Array.from(lengths, (n) => (t < n ? 1 : 0));
      live.push(Tensor.from(m, [B, 1]));
      dead.push(Tensor.from(m.map((v) => 1 - v), [B, 1]));
    }
    const hN: Tensor[] = [], cN: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const sfx = `l${l}${d === 1 ? '_reverse' : ''}`;
        const idx = l * dirs + d;
        let h = hx ? ops.squeeze(ops.slice(hx[0], 0, idx, idx + 1), 0) : Tensor.zeros([B, Hs]);
        let c = hx ? ops.squeeze(ops.slice(hx[1], 0, idx, idx + 1), 0) : Tensor.zeros([B, Hs]);
        // Input contributions for all steps at once: [B, T, 4H].
        const xw = ops.linear(seq, this.p(`weight_ih_${sfx}`)!, this.p(`bias_ih_${sfx}`));
        const whh = this.p(`weight_hh_${sfx}`)!, bhh = this.p(`bias_hh_${sfx}`);
        const stepOut: Tensor[] = new Array(T);
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s;
          const g = ops.add(ops.squeeze(ops.slice(xw, 1, t, t + 1), 1), ops.linear(h, whh, bhh));
          const gate = (i: number) => ops.slice(g, 1, i * Hs, (i + 1) * Hs);
          const ig = ops.sigmoid(gate(0)), fg = ops.sigmoid(gate(1)), gg = ops.tanh(gate(2)), og = ops.sigmoid(gate(3));
          let c2 = ops.add(ops.mul(fg, c), ops.mul(ig, gg));
          let h2 = ops.mul(og, ops.tanh(c2));
          const m = live[t];
          if (m) {
            // Outside the sequence the state is held (forward) or stays initial (reverse), and the output is 0.
            c2 = ops.add(ops.mul(c2, m), ops.mul(c, dead[t]!));
            const hNew = ops.add(ops.mul(h2, m), ops.mul(h, dead[t]!));
            stepOut[t] = ops.mul(h2, m);
            h2 = hNew;
          } else {
            stepOut[t] = h2;
          }
          h = h2;
          c = c2;
        }
        hN.push(h);
        cN.push(c);
        outs.push(ops.stack(stepOut, 1));  // [B, T, H]
      }
      seq = dirs === 2 ? ops.cat(outs, 2) : outs[0];
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) seq = nn.dropout(seq, this.dropout, true);
    }
    const out = this.batchFirst ? seq : ops.transpose(seq, 0, 1);
    return [out, [ops.stack(hN, 0), ops.stack(cN, 0)]];
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.numLayers !== 1 ? `, num_layers=${this.numLayers}` : ''}${this.batchFirst ? ', batch_first=True' : ''}${this.bidirectional ? ', bidirectional=True' : ''}`;
  }
}
