// Typed errors of the data pipeline. A decoding failure always names the file and what went
// wrong, so a dataset can log it and skip the video (PyTorchVideo raises RuntimeError there).
import { VidwasmError } from '../runtime/errors.js';

/** What went wrong while opening or decoding a video. */
export type VideoDecodeReason =
  | 'missing'        // no such file
  | 'empty'          // zero-byte file
  | 'unreadable'     // truncated, garbage or an unsupported container
  | 'not-a-video'    // a still image (e.g. a PNG renamed .mp4)
  | 'no-video-stream'
  | 'out-of-range'   // the requested clip has no frames (past the end)
  | 'too-large'      // the clip would not fit the memory budget
  | 'timeout'        // the per-file time limit was reached
  | 'decode-failed'; // ffmpeg failed while decoding

export class VideoDecodeError extends VidwasmError {
  constructor(readonly path: string, readonly reason: VideoDecodeReason, detail: string) {
    super('E_VIDEO_DECODE', `${path}: ${detail}`);
  }
}
