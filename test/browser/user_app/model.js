// The "small model" of the bundler tests, in plain JavaScript so that the bundled pages and Node
// run the same code: a seeded X3D-style network (PyTorchVideo's create_x3d, narrowed) on a small
// clip, in eval mode, plus an op with its gradient. Returns plain numbers for exact comparison.
export function runModel(vw) {
  vw.manualSeed(7);
  const relu = vw.tidy(() => {
    const x = vw.Tensor.from(new Float32Array([-1, 2, -3, 4]), [2, 2], { requiresGrad: true });
    const y = vw.ops.relu(x).sum();
    y.backward();
    const out = { y: Array.from(y.toArray()), grad: Array.from(x.grad.toArray()) };
    x.grad.dispose();
    return out;
  });
  const model = vw.models.createX3d({ inputClipLength: 4, inputCropSize: 32, modelNumClass: 5, widthFactor: 1, depthFactor: 1, headActivation: null });
  model.eval();
  const logits = vw.noGrad(() => vw.tidy(() => Array.from(model.forward(vw.Tensor.randn([1, 3, 4, 32, 32])).toArray())));
  model.dispose();
  return { relu, logits };
}
