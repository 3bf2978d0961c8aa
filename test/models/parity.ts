// Shared runner for model parity cases made by test/golden/gen_models_*.py: builds the vidwasm
// model with the same builder arguments, loads the PyTorch state dict strictly (keys must be
// PyTorchVideo's), and compares eval-mode outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, zoo, noGrad, tidy } from '../../ts/node.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose } from '../helpers/assert.js';

/** Registers one uvu test per case: `build(kwargs)` must return the model for the case's builder. */
export function parityTests(name: string, build: (builder: string, kwargs: any) => any, tol = { rtol: 1e-4, atol: 1e-5 }): void {
  for (const c of loadGolden(`models_${name}`)) {
    test(`${c.name}: ${(c as any).builder} loads the PyTorch state dict and matches its outputs`, async () => {
      const net = build((c as any).builder, (c as any).kwargs);
      const ours = Object.keys(net.stateDict());
      assert.equal(ours, (c as any).keys, `${c.name}: state-dict keys and order equal PyTorch's`);
      const sd = await zoo.readCheckpoint(new URL(`../data/models/${name}.pyth`, import.meta.url).pathname);
      net.loadStateDict(sd);
      for (const t of sd.values()) t.dispose();
      net.eval();
      noGrad(() => tidy(() => {
        const xs = Object.values(c.inputs).map((g) => tensorOf(g));
        // `pathways: n` (detection cases): the first n inputs are the pathway list, the rest (boxes) follow.
        const n = (c as any).pathways;
        const y: Tensor = n ? net.forward(xs.slice(0, n), ...xs.slice(n)) : (c as any).multipathway ? net.forward(xs) : net.forward(...xs);
        assert.equal([...y.shape], c.outputs.y.shape);
        assertClose(y, c.outputs.y.data, tol, `${c.name} output`);
      }));
      net.dispose();
    });
  }
}

/**
 * Train-mode check shared by the family tests: forward on the case's input `x`, backward with
 * its `gy`, then `check` the output and the gradient of every parameter named in params.names.
 */
export function checkTrainingStep(net: any, c: GoldenCase, check: (what: string, t: Tensor, g: { data: ArrayLike<number> }) => void): void {
  net.train();
  tidy(() => {
    const y: Tensor = net.forward(tensorOf(c.inputs.x));
    assert.equal([...y.shape], c.outputs.y.shape);
    check('y', y, c.outputs.y);
    y.backward(tensorOf(c.inputs.gy));
  });
  for (const name of c.params.names as string[]) {
    const g = net.getParameter(name).grad;
    assert.ok(g, `${name} has a gradient`);
    assert.equal([...g!.shape], c.grads[name].shape, `${name} gradient shape`);
    check(name, g!, c.grads[name]);
  }
  net.zeroGrad();
}
