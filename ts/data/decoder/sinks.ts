// Device sinks that turn ffmpeg's raw output streams into vidwasm tensors.
import { Tensor } from '../../runtime/tensor.js';
import { heapU8 } from '../../runtime/wasm.js';
import { permute } from '../../runtime/ops/shape.js';
import { OutOfMemoryError } from '../../runtime/errors.js';

/**
 * Receives an output stream's bytes, chunk by chunk (chunks are views of the core's heap,
 * valid only during the call). Returning false refuses the bytes: ffmpeg then sees ENOSPC,
 * stops cleanly and exits with an error (used to enforce a memory budget).
 */
export interface ByteSink { write(bytes: Uint8Array): boolean }

/**
 * Collects rgb24 frames straight into a u8 tensor in vidwasm's memory. The buffer is sized by
 * the bytes that actually arrive, never by what a header promised (a frame rate or a frame
 * count can lie): it starts at one frame and doubles, up to `maxBytes`. A stream that would
 * pass `maxBytes` is refused before any allocation (`overflow`), so wasm memory never grows
 * past about 1.5x the budget (the old and the doubled buffer, for the copy).
 */
export class FrameSink implements ByteSink {
  private buf: Tensor | null = null;
  /** Bytes received. */
  bytes = 0;
  /** Why the stream was refused (over the budget, or vidwasm memory full), or null. */
  overflow: string | null = null;
  constructor(readonly frameBytes: number, readonly maxBytes: number) {}

  write(chunk: Uint8Array): boolean {
    const need = this.bytes + chunk.length;
    if (need > this.maxBytes) { this.overflow = `needs more than ${this.maxBytes} bytes of frames`; return false; }
    const size = this.buf?.size ?? 0;
    if (need > size) {
      let grown: Tensor;
      try {
        grown = Tensor.empty([Math.min(this.maxBytes, Math.max(need, 2 * size, this.frameBytes))], 'u8');
      } catch (e) {
        // Never throw through the ffmpeg core (that would kill it): refuse the bytes instead.
        if (!(e instanceof OutOfMemoryError)) throw e;
        this.overflow = e.message;
        return false;
      }
      if (this.buf) {
        heapU8().copyWithin(grown.ptr, this.buf.ptr, this.buf.ptr + this.bytes);
        this.buf.dispose();
      }
      this.buf = grown;
    }
    heapU8().set(chunk, this.buf!.ptr + this.bytes); // heapU8() again: memory may have grown
    this.bytes = need;
    return true;
  }

  /**
   * The collected frames as PyTorchVideo's u8 [3, T, H, W]: HWC frames permuted with the u8
   * permute kernel (one pass in wasm). Call with whole frames only (bytes % frameBytes === 0).
   * Frees the collection buffer.
   */
  toCTHW(height: number, width: number): Tensor {
    const t = this.bytes / this.frameBytes;
    if (!this.buf) return Tensor.empty([3, t, height, width], 'u8');
    const thwc = this.buf.shareStorage([t, height, width, 3]);
    try {
      return permute(thwc, [3, 0, 1, 2]);
    } finally {
      thwc.dispose();
      this.dispose();
    }
  }

  /** Frees the collection buffer (on failure; toCTHW frees it too). */
  dispose(): void {
    this.buf?.dispose();
    this.buf = null;
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
