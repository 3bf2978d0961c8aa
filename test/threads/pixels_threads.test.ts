// The pixel kernels with threads on: setNumThreads(2) swaps the C module for vidwasm-mt.wasm over
// a shared memory, and the data transforms must follow it (ts/data/pixels.ts re-binds to
// pixels-mt.wasm). The Kinetics eval chain on a u8 clip must give exactly the bytes it gave on
// the single-thread module (computed in this process before the swap), on SIMD and scalar kernels,
// and repeated runs must leave memory flat. Needs vidwasm-mt.wasm and pixels-mt.wasm
// (make wasm-mt pixels-mt; VIDWASM_WASM_MT / VIDWASM_PIXELS_MT or next to vidwasm.wasm).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../helpers/single_memory.js';
import '../../ts/node.js';
import { Tensor, memoryStats, tidy } from '../../ts/runtime/index.js';
import { VidwasmError } from '../../ts/runtime/errors.js';
import { isSharedModule, memory, memoryBytes, setBackend } from '../../ts/runtime/wasm.js';
import { setNumThreads, getNumThreads } from '../../ts/runtime/threads/index.js';
import { pixelKernelNames, pixelsPath, pixelsReady } from '../../ts/data/pixels.js';
import * as T from '../../ts/data/transforms/index.js';
import * as F from '../../ts/data/transforms/functional_video.js';

// Awkward sizes: odd H and W, T not a multiple of numSamples, a non-square crop.
const SHAPE = [3, 11, 23, 37];
const clip = Uint8Array.from({ length: SHAPE.reduce((a, b) => a * b) }, (_, i) => (i * 37 + (i >> 5) * 11 + (i % 7) * 3) & 255);
const OPTS = { numSamples: 4, minSize: 17, cropSize: [15, 13] as [number, number] };

/** Every transform path of interest, each returning the output's raw bytes. */
const paths: { name: string; run(): Uint8Array }[] = [
  {
    // fused: u8 -> normalised f32 sweep, then resize+crop in one pass
    name: 'Kinetics val chain (createVideoTransform, fused)',
    run: () => bytesOf(T.createVideoTransform('val', OPTS)(Tensor.from(clip, SHAPE, { dtype: 'u8' }))),
  },
  {
    name: 'Kinetics val chain, every step separate',
    run: () => bytesOf(T.Compose([
      T.UniformTemporalSubsample(4), T.ConvertUint8ToFloat(), T.Normalize([0.45, 0.45, 0.45], [0.225, 0.225, 0.225]),
      T.ShortSideScale(17), T.CenterCrop([15, 13]),
    ], { fuse: false })(Tensor.from(clip, SHAPE, { dtype: 'u8' }))),
  },
  {
    // u8 in, resized straight from u8 (resize_bilinear_u8_f32, with scratch column tables)
    name: 'ShortSideScale on the u8 clip',
    run: () => tidy(() => bytesOf(F.shortSideScale(Tensor.from(clip, SHAPE, { dtype: 'u8' }), 29))),
  },
];

/** A copy of y's values' bytes (shape order); disposes y. */
function bytesOf(y: Tensor): Uint8Array {
  const a = y.toArray() as ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  const out = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  y.dispose();
  return out;
}

function runAll(): Record<string, Uint8Array[]> {
  const out: Record<string, Uint8Array[]> = {};
  for (const b of ['simd', 'scalar'] as const) {
    setBackend(b);
    out[b] = paths.map((p) => p.run());
  }
  setBackend('simd');
  return out;
}

function firstDiff(a: Uint8Array, b: Uint8Array): string | null {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} != ${b[i]}`;
  return null;
}

function assertSame(got: Record<string, Uint8Array[]>, want: Record<string, Uint8Array[]>, what: string): void {
  for (const b of ['simd', 'scalar']) {
    paths.forEach((p, i) => {
      assert.ok(want[b][i].length > 0);
      assert.is(firstDiff(got[b][i], want[b][i]), null, `${what}, ${b}, ${p.name}`);
    });
  }
}

let single: Record<string, Uint8Array[]> = {};

test('reference bytes on the single-thread module (pixels.wasm over vidwasm.wasm memory)', () => {
  assert.is(isSharedModule(), false);
  assert.ok(pixelsPath('single'), 'pixels.wasm is built (make pixels)');
  assert.ok(pixelsPath('shared'), 'pixels-mt.wasm is built (make pixels-mt, or set VIDWASM_PIXELS_MT)');
  single = runAll();
  assert.ok(!(memory().buffer instanceof SharedArrayBuffer));
  assert.is(memoryStats().liveTensors, 0, 'all tensors disposed before the switch');
});

test('after setNumThreads(2), a missing pixels-mt.wasm is a typed E_LOAD error naming the variable', async () => {
  assert.is(await setNumThreads(2), 2);
  assert.is(isSharedModule(), true);
  assert.ok(memory().buffer instanceof SharedArrayBuffer);
  const saved = process.env.VIDWASM_PIXELS_MT;
  process.env.VIDWASM_PIXELS_MT = '/nonexistent/pixels-mt.wasm';
  try {
    let err: unknown = null;
    try { tidy(() => T.createVideoTransform('val', OPTS)(Tensor.from(clip, SHAPE, { dtype: 'u8' }))); } catch (e) { err = e; }
    assert.ok(err instanceof VidwasmError, String(err));
    assert.is((err as VidwasmError).code, 'E_LOAD');
    assert.match((err as Error).message, /VIDWASM_PIXELS_MT/);
  } finally {
    if (saved === undefined) delete process.env.VIDWASM_PIXELS_MT; else process.env.VIDWASM_PIXELS_MT = saved;
  }
  assert.is(memoryStats().liveTensors, 0, 'tidy freed what the failed call created');
});

test('2 threads: pixels-mt.wasm binds to the shared memory and the chain gives the same bytes', () => {
  assert.is(getNumThreads(), 2);
  assert.ok(pixelKernelNames().includes('resize_bilinear_f32'), pixelKernelNames().join(','));
  assert.ok(pixelsReady(), 'bound to the shared memory');
  assertSame(runAll(), single, '2 threads vs 1 thread');
});

test('2 threads: repeated transforms leave memory flat', () => {
  const live0 = memoryStats();
  runAll();  // warm-up: scratch block and param blocks reach their size in the new memory
  const bytes0 = memoryBytes();
  for (let i = 0; i < 20; i++) runAll();
  assert.equal(memoryStats(), live0);
  assert.is(memoryBytes(), bytes0);
});

test('back to 1 thread: the shared module stays, and so do the kernels and their bytes', async () => {
  assert.is(await setNumThreads(1), 1);
  assert.is(isSharedModule(), true);
  assertSame(runAll(), single, '1 thread on the shared module vs the single-thread module');
});

test.run();
