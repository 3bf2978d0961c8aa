// pytorchvideo.models.masked_multistream against the plain-torch reference (test/golden/gen_models_masked.py;
// nn.MultiheadAttention / nn.LSTM with packed sequences / nn.TransformerEncoder are real torch): (x, mask)
// forwards, strict state-dict loading with PyTorch's keys and order, gradients of named parameters and of
// the input, and typed errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, nn, zoo, tidy, noGrad, memoryStats, ShapeError, ArgumentError } from '../../ts/node.js';
import { assertClose, throwsTyped } from '../helpers/assert.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';

const M = models;
const BUILD: Record<string, () => any> = {
  pool_max: () => new M.MaskedTemporalPooling('max'),
  pool_avg: () => new M.MaskedTemporalPooling('avg'),
  pool_sum: () => new M.MaskedTemporalPooling('sum'),
  pool_avg_nomask: () => new M.MaskedTemporalPooling('avg'),
  mha: () => new M.TransposeMultiheadAttention(8, 2),
  mha_nomask: () => new M.TransposeMultiheadAttention(8),
  learn_default: () => new M.LearnMaskedDefault(6),
  lstm: () => new M.LSTM(5, 4),
  lstm_bi: () => new M.LSTM(5, 3, 0, true),
  transformer: () => new M.TransposeTransformerEncoder(8, 2, 2),
  sequential: () => new M.MaskedSequential(new M.PositionalEncoding(8, 16), new nn.Dropout(0.1), new M.TransposeMultiheadAttention(8),
    new M.MaskedTemporalPooling('avg'), new nn.LayerNorm(8), new M.LearnMaskedDefault(8)),
  multipathway: () => new M.MaskedMultiPathWay({
    multipathwayBlocks: [
      new M.MaskedSequential(new M.LSTM(5, 4, 0, true), new nn.Linear(8, 6)),
      new M.MaskedSequential(new M.TransposeTransformerEncoder(8, 2), new nn.ReLU()),
    ],
    multipathwayFusion: M.makeFusionLayer('concat', [6, 8]),
  }),
};

for (const c of loadGolden('models_masked')) {
  test(`masked ${c.name}: PyTorch keys, (x, mask) forward and gradients match PyTorchVideo`, async () => {
    const net = BUILD[c.name]();
    assert.equal(Object.keys(net.stateDict()), c.params.keys, 'state-dict keys and order');
    if (c.params.keys.length > 0) {  // (stateless modules: the reader rightly refuses a file without tensors)
      const sd = await zoo.readCheckpoint(new URL(`../data/models/masked_${c.name}.pyth`, import.meta.url).pathname);
      net.loadStateDict(sd);
      for (const t of sd.values()) t.dispose();
    }
    net.eval();
    tidy(() => {
      const inp = (k: string) => (c.inputs[k] ? tensorOf(c.inputs[k], k.startsWith('x')) : null);
      const xs: Tensor[] = [];
      let y: Tensor;
      if (c.inputs.x0) {
        const pairs = [0, 1].map((i) => [inp(`x${i}`)!, inp(`mask${i}`)!] as [Tensor, Tensor]);
        xs.push(...pairs.map((p) => p[0]));
        y = net.forward(pairs);
      } else {
        xs.push(inp('x')!);
        const mask = inp('mask');
        y = mask ? net.forward(xs[0], mask) : net.forward(xs[0]);
      }
      assert.equal([...y.shape], c.outputs.y.shape, 'output shape');
      assertClose(y, c.outputs.y.data as any, { rtol: 1e-4, atol: 1e-5 }, `${c.name} output`);
      y.backward(tensorOf(c.inputs.gy));
      const check = (what: string, g: Tensor | null) => {
        const e = c.grads[what];
        assert.ok(g, `${what} has a gradient`);
        assert.equal([...g!.shape], e.shape, `${what} gradient shape`);
        let scale = 0;
        for (let i = 0; i < e.data.length; i++) scale = Math.max(scale, Math.abs(e.data[i]));
        assertClose(g!, e.data as any, { rtol: 1e-4, atol: 1e-5 * Math.max(scale, 1e-3) }, `${c.name} ${what}`);
      };
      for (const n of c.params.names as string[]) check(n, net.getParameter(n).grad);
      xs.forEach((x, i) => { if (c.grads[`input_x${c.inputs.x0 ? i : ''}`]) check(`input_x${c.inputs.x0 ? i : ''}`, x.grad); });
    });
    net.zeroGrad();
    net.dispose();
  });
}

// The torch layers on the paths the wrappers do not take (batch-first, attn masks, per-head weights, two
// bidirectional LSTM layers with h0 / c0, a pre-norm GELU encoder layer).
const LAYERS: Record<string, { build: () => any; run: (m: any, i: Record<string, Tensor>) => Record<string, Tensor> }> = {
  torch_mha_bf_bool: {
    build: () => new M.MultiheadAttention(6, 3, { batchFirst: true }),
    run: (m, i) => { const [y, w] = m.forward(i.x, i.x, i.x, { attnMask: i.attn_mask, keyPaddingMask: i.kpm, averageAttnWeights: false }); return { y, w }; },
  },
  torch_mha_float_mask: {
    build: () => new M.MultiheadAttention(6, 2),
    run: (m, i) => { const [y, w] = m.forward(i.x, i.xk, i.xk, { attnMask: i.attn_mask }); return { y, w }; },
  },
  torch_lstm_2l_bi: {
    build: () => new M.TorchLSTM(3, 4, { numLayers: 2, bidirectional: true }),
    run: (m, i) => { const [y, [h, c]] = m.forward(i.x, [i.h0, i.c0]); return { y, h, c }; },
  },
  torch_encoder_layer_prenorm: {
    build: () => new M.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', batchFirst: true, normFirst: true }),
    run: (m, i) => ({ y: m.forward(i.x, { srcKeyPaddingMask: i.kpm }) }),
  },
};
for (const c of loadGolden('models_masked_layers')) {
  test(`torch layer ${c.name}: keys, outputs and gradients match torch`, async () => {
    const spec = LAYERS[c.name];
    const net = spec.build();
    assert.equal(Object.keys(net.stateDict()), c.params.keys, 'state-dict keys and order');
    const sd = await zoo.readCheckpoint(new URL(`../data/models/masked_${c.name}.pyth`, import.meta.url).pathname);
    net.loadStateDict(sd);
    for (const t of sd.values()) t.dispose();
    net.eval();
    tidy(() => {
      const ins = Object.fromEntries(Object.entries(c.inputs).filter(([k]) => !k.startsWith('gy_')).map(([k, g]) => [k, tensorOf(g, k.startsWith('x'))]));
      const outs = spec.run(net, ins);
      let loss: Tensor | null = null;
      for (const [k, e] of Object.entries(c.outputs)) {
        assert.equal([...outs[k].shape], e.shape, `${k} shape`);
        assertClose(outs[k], e.data as any, { rtol: 1e-4, atol: 1e-5 }, `${c.name} ${k}`);
        const term = (outs[k] as Tensor).mul(tensorOf(c.inputs[`gy_${k}`])).sum();
        loss = loss ? loss.add(term) : term;
      }
      loss!.backward();
      const grad = (k: string) => (k.startsWith('input_') ? ins[k.slice(6)].grad : net.getParameter(k).grad);
      for (const [k, e] of Object.entries(c.grads)) {
        let scale = 0;
        for (let i = 0; i < e.data.length; i++) scale = Math.max(scale, Math.abs(e.data[i]));
        assertClose(grad(k)!, e.data as any, { rtol: 1e-4, atol: 1e-5 * Math.max(scale, 1e-3) }, `${c.name} grad ${k}`);
      }
    });
    net.zeroGrad();
    net.dispose();
  });
}

test('TransposeMultiheadAttention sets mask[:, 0] in place, as PyTorchVideo does; attentionWeights', () => {
  const a = new M.TransposeMultiheadAttention(4);
  noGrad(() => tidy(() => {
    const mask = Tensor.from(new Uint8Array([0, 1, 0, 0, 0, 1]), [2, 3], { dtype: 'u8' });
    a.forward(Tensor.randn([2, 3, 4]), mask);
    assert.equal(Array.from(mask.toArray() as Uint8Array), [1, 1, 0, 1, 0, 1]);
    assert.equal([...a.attentionWeights!.shape], [2, 3, 3], 'head-averaged weights [B, T, T]');
  }));
  // The weights outlive the caller's tidy scope; each call replaces (frees) the previous ones.
  const w = a.attentionWeights!;
  assert.ok(!w.isDisposed);
  const rows = w.toArray() as Float32Array;
  for (let r = 0; r < 6; r++) assert.ok(Math.abs(rows[r * 3] + rows[r * 3 + 1] + rows[r * 3 + 2] - 1) < 1e-5, 'rows sum to 1');
  // Sample 0 (mask [1, 1, 0] after the in-place guard), query 0: key 2 is invalid.
  assert.is(rows[2], 0, 'masked key has weight 0');
  const live = memoryStats().liveTensors;
  noGrad(() => tidy(() => { a.forward(Tensor.randn([2, 3, 4])); }));
  assert.ok(w.isDisposed, 'previous weights freed');
  assert.is(memoryStats().liveTensors, live, 'no growth across calls');
  a.dispose();
  assert.is(a.attentionWeights, null);
});

test('TorchLSTM: torch.nn.LSTM keys (two layers, bidirectional), shapes, lengths freeze the state', () => {
  noGrad(() => tidy(() => {
    const l = new M.TorchLSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    assert.equal(Object.keys(l.stateDict()), [
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    assert.equal([...l.getParameter('weight_ih_l1').shape], [16, 8]);
    const x = Tensor.randn([2, 5, 3]);
    const [out, [h, c]] = l.forward(x, null, { lengths: [5, 2] });
    assert.equal([[...out.shape], [...h.shape], [...c.shape]], [[2, 5, 8], [4, 2, 4], [4, 2, 4]]);
    const o = out.toArray() as Float32Array;
    // Sample 1 has length 2: its outputs at steps 2..4 are zero.
    for (let t = 2; t < 5; t++) for (let j = 0; j < 8; j++) assert.is(o[(5 + t) * 8 + j], 0);
    // Its state equals a run over its first 2 steps alone.
    const x1 = Tensor.from((x.toArray() as Float32Array).slice(15, 21), [1, 2, 3]);
    const [, [h1]] = l.forward(x1);
    const hv = h.toArray() as Float32Array, h1v = h1.toArray() as Float32Array;
    for (let layer = 0; layer < 4; layer++) for (let j = 0; j < 4; j++) assert.ok(Math.abs(hv[layer * 8 + 4 + j] - h1v[layer * 4 + j]) < 1e-6);
    l.dispose();
  }));
});

test('bad inputs raise typed errors naming the module and the shapes', () => {
  noGrad(() => tidy(() => {
    const x = Tensor.zeros([2, 4, 6]);
    const good = Tensor.from(new Uint8Array(8).fill(1), [2, 4], { dtype: 'u8' });
    throwsTyped(() => new M.MaskedTemporalPooling('median' as any), ArgumentError, /method/, 'pool method');
    throwsTyped(() => new M.MaskedTemporalPooling('max').forward(Tensor.zeros([2, 6])), ShapeError, /MaskedTemporalPooling\(max\).*\[2, 6\]/, 'pool rank');
    throwsTyped(() => new M.MaskedTemporalPooling('avg').forward(x, Tensor.zeros([2, 5], { dtype: 'u8' })), ShapeError, /mask must be a \[2, 4\].*\[2, 4, 6\].*\[2, 5\]/, 'pool mask');
    throwsTyped(() => new M.TransposeMultiheadAttention(8, 2).forward(x, good), ShapeError, /TransposeMultiheadAttention\(8, heads=2\).*\[2, 4, 6\]/, 'mha dim');
    throwsTyped(() => new M.TransposeMultiheadAttention(6, 4), ArgumentError, /divisible/, 'mha heads');
    throwsTyped(() => new M.LearnMaskedDefault(5).forward(x, good), ShapeError, /LearnMaskedDefault\(5\).*\[2, 4, 6\]/, 'default dim');
    throwsTyped(() => new M.LearnMaskedDefault(5, 'uniform' as any), ArgumentError, /not available/, 'default init');
    throwsTyped(() => new M.LSTM(5, 3).forward(x, good), ShapeError, /LSTM\(5, 3\).*\[2, 4, 6\]/, 'lstm dim');
    throwsTyped(() => new M.TorchLSTM(6, 3).forward(x, null, { lengths: [4, 0] }), ShapeError, /lengths/, 'lstm lengths');
    throwsTyped(() => new M.TransposeTransformerEncoder(4).forward(x, good), ShapeError, /TransposeTransformerEncoder\(4, heads=1\).*\[2, 4, 6\]/, 'encoder dim');
    const mp = new M.MaskedMultiPathWay({ multipathwayBlocks: [new M.MaskedSequential(new M.MaskedTemporalPooling('sum'))], multipathwayFusion: null });
    throwsTyped(() => mp.forward([[x, good], [x, good]]), ArgumentError, /expected 1 \(x, mask\) pairs.*\(\[2, 4, 6\], \[2, 4\]\)/, 'pathways');
    assert.equal([...(mp.forward([[x, good]]) as Tensor[])[0].shape], [2, 6], 'no fusion: the list of outputs');
    throwsTyped(() => new M.MaskedSequential(new M.MaskedTemporalPooling('sum')).forward(x), ArgumentError, /\(input, mask\)/, 'sequential without mask');
    const mha = new M.MultiheadAttention(6, 2);
    throwsTyped(() => mha.forward(Tensor.zeros([4, 2, 6]), Tensor.zeros([4, 2, 6]), Tensor.zeros([4, 2, 6]), { keyPaddingMask: Tensor.zeros([4, 2], { dtype: 'u8' }) }),
      ShapeError, /keyPaddingMask must be \[2, 4\].*\[4, 2\]/, 'key padding mask');
  }));
});


test('dispose() runs every child\'s own dispose(): kept attention weights inside MaskedSequential are freed', () => {
  const before = memoryStats();
  const seq = new M.MaskedSequential(new M.TransposeMultiheadAttention(8, 2), new M.MaskedTemporalPooling('avg'));
  tidy(() => {
    const x = Tensor.randn([2, 5, 8]);
    const mask = Tensor.from(new Uint8Array([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]), [2, 5], { dtype: 'u8' });
    noGrad(() => seq.forward(x, mask));
  });
  assert.ok((seq[0] as InstanceType<typeof M.TransposeMultiheadAttention>).attentionWeights, 'the attention weights are kept');
  seq.dispose();
  assert.equal(memoryStats(), before, 'live tensors and bytes back to where they were');
});

test.run();
