// Threads add-on on a whole model: a narrow X3D trained with SGD for a few steps at 2 threads
// follows exactly (bit for bit: losses and every parameter) the same trajectory as at 1 thread,
// and its steps leave memory flat. The kernel module is vidwasm-mt.wasm in both runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, optim, ops, tidy, manualSeed, memoryBytes, memoryStats } from '../../ts/node.js';
import { setNumThreads, getNumThreads, threadStats, setMinWorkPerThread } from '../../ts/runtime/threads/index.js';
import { values, hashOutputs } from './cases.js';

setMinWorkPerThread(1 << 16);

interface Run { losses: number[]; params: string; logits: string; bytes: number[]; live: number[] }

function trainRun(steps: number): Run {
  manualSeed(11);
  const net = models.createX3d({ inputClipLength: 4, inputCropSize: 64, modelNumClass: 5, widthFactor: 1, depthFactor: 0.4, headDimOut: 64, headActivation: null });
  const opt = new optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = Tensor.from(values(2 * 3 * 4 * 64 * 64, 21), [2, 3, 4, 64, 64]);
  const target = Tensor.from(new Int32Array([1, 3]), [2]);
  const losses: number[] = [], bytes: number[] = [], live: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(tidy(() => {
      opt.zeroGrad();
      const l = ops.crossEntropy(net.forward(x) as Tensor, target, {});
      l.backward();
      opt.step();
      return l.item();
    }));
    if (i >= steps - 2) { bytes.push(memoryBytes()); live.push(memoryStats().liveBytes); }
  }
  net.eval();
  const logits = tidy(() => hashOutputs([new Float32Array((net.forward(x) as Tensor).data() as Float32Array)]));
  const params = hashOutputs(net.parameters().map((p) => new Float32Array(ops.contiguous(p).data() as Float32Array)));
  opt.dispose(); net.dispose(); x.dispose(); target.dispose();
  return { losses, params, logits, bytes, live };
}

test('narrow X3D: 4 SGD steps at 2 threads are bit-identical to 1 thread, memory flat', async () => {
  assert.is(await setNumThreads(2), 2);
  const before = threadStats().splitRuns;
  const two = trainRun(4);
  const splits = threadStats().splitRuns - before;
  assert.ok(splits > 50, `only ${splits} split kernel calls`);
  await setNumThreads(1);
  assert.is(getNumThreads(), 1);
  const one = trainRun(4);
  console.log(`  losses ${one.losses.map((l) => l.toFixed(4)).join(" ")}; split kernel calls at 2 threads: ${splits}`);
  assert.equal(two.losses, one.losses, "losses");
  assert.ok(one.losses[3] < one.losses[0], `the loop trains: ${one.losses.join(', ')}`);
  assert.is(two.params, one.params, 'parameters after 4 steps');
  assert.is(two.logits, one.logits, 'eval-mode logits');
  assert.is(two.bytes[1], two.bytes[0], 'wasm memory flat over the last steps (2 threads)');
  assert.is(two.live[1], two.live[0], 'live tensor bytes flat (2 threads)');
  assert.is(memoryStats().liveTensors, 0);
});

test.run();
