// A deterministic checkpoint used by the round-trip tests: test/golden/gen_checkpoint.py
// verifies that torch.load reads exactly the bytes vidwasm writes for it.
import * as assert from 'uvu/assert';
import { Tensor } from '../../ts/node.js';
import { CheckpointError } from '../../ts/zoo/index.js';

export function roundTripContent(): Map<string, any> {
  const ramp = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
  const sd = new Map<string, any>([
    ['blocks.0.conv.weight', Tensor.from(ramp(2 * 3 * 1 * 3 * 3, (i) => Math.sin(i) * 0.5), [2, 3, 1, 3, 3])],
    ['blocks.0.norm.running_mean', Tensor.from(ramp(2, (i) => i - 0.25), [2])],
    ['blocks.0.norm.num_batches_tracked', Tensor.from(new Int32Array([123456]), [])],
    ['blocks.1.proj.weight', Tensor.from(ramp(12, (i) => i / 7), [2, 3, 1, 1, 2], { layout: 'channels_last' })],
    ['blocks.1.half', Tensor.from(new Uint16Array([0x3c00, 0xc000, 0x3555]), [3], { dtype: 'f16' })],
    ['blocks.1.bytes', Tensor.from(new Uint8Array([0, 7, 255]), [3])],
    ['blocks.1.chars', Tensor.from(new Int8Array([-128, 1, 127]), [3])],
  ]);
  return new Map<string, any>([['model_state', sd], ['epoch', 7], ['lr', 0.125], ['name', 'vidwasm'], ['flags', [true, false, null]]]);
}

/** Awaits p and asserts it failed with a CheckpointError whose message matches re. */
export async function rejects(p: Promise<unknown>, re: RegExp, what: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CheckpointError, `${what}: expected CheckpointError, got ${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, re, what);
    return;
  }
  assert.unreachable(`${what}: no error`);
}
