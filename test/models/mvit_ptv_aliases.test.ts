// MViT state dicts saved by the real, current PyTorchVideo (test/golden/gen_mvit_ptv_aliases.py):
// every pool/norm of MultiScaleAttention appears twice (`pool_q.*` and `_attention_pool_q.pool.*`).
// vidwasm loads them strictly (and the older form without aliases too), gives PyTorchVideo's logits,
// and saves the older form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, zoo, tidy, noGrad, StateDictError } from '../../ts/node.js';
import { assertClose } from '../helpers/assert.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';

const ALIAS = /\._attention_pool_[qkv]\./;

for (const c of loadGolden('mvit_ptv_aliases') as any[]) {
  test(`${c.name}: PyTorchVideo's state dict (with alias keys) loads strictly and gives its logits; saving writes the older form`, async () => {
    const sd = await zoo.readCheckpoint(new URL(`../data/models/${c.name}.pyth`, import.meta.url).pathname);
    assert.equal([...sd.keys()], c.keys, 'the file holds PyTorchVideo\'s keys, aliases included');
    assert.ok(c.keys.some((k: string) => ALIAS.test(k)));
    const net = models.createMultiscaleVisionTransformers(c.kwargs);
    const older = new Map([...sd].filter(([k]) => !ALIAS.test(k)));
    try {
      assert.equal(Object.keys(net.stateDict()), c.olderKeys, 'saving writes the older form: no alias keys');
      const forward = () => noGrad(() => tidy(() => {
        const y: Tensor = net.forward(tensorOf(c.inputs.input_0));
        assertClose(y, c.outputs.y.data, { rtol: 1e-4, atol: 1e-5 }, `${c.name} logits`);
      }));
      net.eval();
      assert.equal(net.loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] }, 'strict load of the aliased form');
      forward();
      // Aliases alone (the own keys removed) load into the same tensors.
      const aliasOnly = new Map([...sd].filter(([k]) => !/\.(pool|norm)_[qkv]\./.test(k)));
      assert.ok(aliasOnly.size < sd.size && [...aliasOnly.keys()].some((k) => ALIAS.test(k)));
      const zeros = tidy(() => new Map([...older].map(([k, t]) => [k, Tensor.zeros(t.shape, { dtype: t.dtype })])));
      net.loadStateDict(zeros);
      for (const t of zeros.values()) t.dispose();
      net.loadStateDict(aliasOnly);
      forward();
      net.loadStateDict(older); // the older form, as PyPI's 0.1.5 and vidwasm write it
      forward();
      // An alias for a tensor the model does not have is still unexpected.
      const extra = new Map(sd);
      extra.set('blocks.0.attn._attention_pool_q.pool.bias', Tensor.zeros([1]));
      try { net.loadStateDict(extra); assert.unreachable('a stray alias key loaded'); } catch (e) {
        assert.instance(e, StateDictError);
        assert.match((e as Error).message, /Unexpected key\(s\) in state_dict: "blocks\.0\.attn\._attention_pool_q\.pool\.bias"/);
      }
    } finally {
      net.dispose();
      for (const t of sd.values()) t.dispose();
    }
  });
}

test.run();
