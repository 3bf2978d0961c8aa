// The largest single wasm allocation (issue 15, item 14): emscripten's sbrk takes a signed
// 32-bit step, so one block cannot reach 2 GiB. Above MAX_ALLOC_BYTES the error says so (it
// used to blame a full memory); at the limit the allocation succeeds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutOfMemoryError, Tensor, ops } from '../../ts/node.js';
import { MAX_ALLOC_BYTES, malloc, free, memoryBytes } from '../../ts/runtime/wasm.js';

test('one allocation above the limit is a typed error that states the limit', () => {
  for (const n of [2 ** 31 - 1, 2 ** 31, 3 * 2 ** 30, MAX_ALLOC_BYTES + 1]) {
    assert.throws(() => malloc(n, 'probe'), (e: Error) =>
      e instanceof OutOfMemoryError && e.message.includes(`${MAX_ALLOC_BYTES} bytes`) && /one wasm allocation is limited to 2 GiB - 64 KiB/.test(e.message));
  }
});

test('an allocation of exactly the limit succeeds, and the module keeps working', () => {
  const p = malloc(MAX_ALLOC_BYTES, 'probe');
  assert.ok(p > 0 && p % 8 === 0, `pointer ${p}`);
  assert.ok(memoryBytes() > MAX_ALLOC_BYTES);
  free(p);
  const t = Tensor.ones([1000]);
  assert.is(ops.sum(t).item(), 1000);
  t.dispose();
});

test.run();
