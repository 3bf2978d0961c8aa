// Tensor.data() views on the single-thread module over a plain wasm memory (what a browser page
// without cross-origin isolation, in an engine without Memory.toResizableBuffer, runs): growth
// detaches the buffer, so a raw view taken before goes dead; Tensor.checkViews makes it throw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../helpers/single_memory.js';
import { Tensor, memoryBytes, viewsSurviveGrowth, DisposedError } from '../../ts/node.js';
import { throwsTyped } from '../helpers/assert.js';

test('a data() view taken before wasm memory grew: checked views throw, a fresh view writes through', () => {
  const grow = () => { const big = Tensor.empty([memoryBytes()], 'u8'); big.dispose(); };
  const t = Tensor.zeros([4]);
  const stale = t.data();
  grow();
  if (viewsSurviveGrowth()) {  // an engine with Memory.toResizableBuffer (newer Node): the memory grows in place
    stale[1] = 5;
    assert.equal([...t.toArray()], [0, 5, 0, 0], 'the old view writes through');
    t.dispose();
    return;
  }
  // The documented hazard of a raw view: growth detached its buffer (writes would be dropped).
  assert.is(stale.length, 0, 'a raw view over the old buffer is detached');
  t.data()[1] = 5; // a fresh view reaches the memory
  assert.equal([...t.toArray()], [0, 5, 0, 0]);
  Tensor.checkViews = true;
  try {
    const v = t.data();
    v[2] = 7;
    v.set([1], 0);
    assert.equal([...t.toArray()], [1, 5, 7, 0], 'a checked view reads and writes like the raw one');
    grow();
    throwsTyped(() => { v[3] = 9; }, DisposedError, /data\(\) view of tensor \[4\] f32 was used after wasm memory grew/, 'write');
    throwsTyped(() => v[0], DisposedError, /call data\(\) again/, 'read');
    throwsTyped(() => v.fill(0), DisposedError, /detached/, 'method');
    assert.equal([...t.toArray()], [1, 5, 7, 0], 'nothing was written through the stale view');
  } finally {
    Tensor.checkViews = false;
  }
  t.dispose();
});

test.run();
