// Device sinks that turn ffmpeg's raw output streams into vidwasm tensors.
import { Tensor } from '../../runtime/tensor.js';
import { heapU8 } from '../../runtime/wasm.js';
import { permute } from '../../runtime/ops/shape.js';
import type { ByteSink } from './ffmpeg_core_node.js';

/** Collects rgb24 frames straight into a growable u8 tensor in vidwasm's memory. */
export class FrameSink implements ByteSink {
  buf: Tensor;
  cursor = 0;
  overflow = false;
  constructor(readonly frameBytes: number, frames: number, readonly maxBytes: number) {
    this.buf = Tensor.empty([Math.max(1, Math.min(frames, Math.floor(maxBytes / frameBytes))) * frameBytes], 'u8');
  }
  write(bytes: Uint8Array): boolean {
    const need = this.cursor + bytes.length;
    if (need > this.buf.size) {
      if (need > this.maxBytes) { this.overflow = true; return false; }
      const grown = Tensor.empty([Math.min(this.maxBytes, Math.max(need, this.buf.size * 2))], 'u8');
      heapU8().copyWithin(grown.ptr, this.buf.ptr, this.buf.ptr + this.cursor);
      this.buf.dispose();
      this.buf = grown;
    }
    heapU8().set(bytes, this.buf.ptr + this.cursor); // heapU8() again: memory may have grown
    this.cursor = need;
    return true;
  }
  /**
   * The collected frames as PyTorchVideo's u8 [3, T, H, W]: HWC frames permuted with the u8
   * permute kernel (one pass in wasm). Frees the collection buffer.
   */
  toCTHW(height: number, width: number): Tensor {
    const t = this.cursor / this.frameBytes;
    const thwc = this.buf.shareStorage([t, height, width, 3]);
    try {
      return permute(thwc, [3, 0, 1, 2]);
    } finally {
      thwc.dispose();
      this.buf.dispose();
    }
  }
}

/** Collects f32le samples (chunks may split a sample, so bytes first). */
export class AudioSink implements ByteSink {
  chunks: Uint8Array[] = [];
  bytes = 0;
  write(bytes: Uint8Array): boolean { this.chunks.push(bytes.slice()); this.bytes += bytes.length; return true; }
  toTensor(): Tensor {
    const all = new Uint8Array(this.bytes - (this.bytes % 4));
    let o = 0;
    for (const c of this.chunks) { const n = Math.min(c.length, all.length - o); all.set(c.subarray(0, n), o); o += n; }
    return Tensor.from(new Float32Array(all.buffer), [all.length / 4], { dtype: 'f32' });
  }
}
