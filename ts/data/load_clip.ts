// Loading clips for the CLI: a video file -> the model's input [3, T, S, S] f32, through the
// real decoding path (EncodedVideo on ffmpeg.wasm) and PyTorchVideo's eval transform
// (uniform temporal subsample, u8 -> float, normalise, short-side scale, centre crop).
import { Tensor } from '../runtime/tensor.js';
import { tidy } from '../runtime/memory.js';
import { EncodedVideo } from '../data/encoded_video.js';
import * as T from '../data/transforms/functional.js';

export interface ClipShape {
  frames: number;
  crop: number;
  /** Short side before the centre crop (default: the crop size). */
  shortSide?: number;
  mean: readonly number[];
  std: readonly number[];
  /** Seconds to decode, centred in the video (default: the whole video). */
  seconds?: number;
}

/** Decodes `path` and applies the eval transform: a f32 [3, frames, crop, crop] tensor (caller disposes). */
export async function loadClip(path: string, s: ClipShape): Promise<Tensor> {
  const v = await EncodedVideo.fromPath(path, { decodeAudio: false });
  try {
    const len = s.seconds !== undefined ? Math.min(s.seconds, v.duration) : v.duration;
    const start = Math.max(0, (v.duration - len) / 2);
    const clip = await v.getClip(start, start + len + 1e-6);
    return evalTransform(clip.video, s);
  } finally {
    v.close();
  }
}

/**
 * PyTorchVideo's Kinetics eval chain on a u8 (or already-float) [3, T, H, W] clip: uniform
 * temporal subsample, scale to [0, 1] and normalise, short side to `shortSide`, then the centre
 * crop (spatial -1) or PyTorchVideo's uniform crop 0/1/2 along the long side. The input is left
 * alone; intermediates are freed.
 */
export function kineticsEval(video: Tensor, s: ClipShape, spatial = -1): Tensor {
  return tidy(() => {
    let x = T.uniformTemporalSubsample(video, s.frames);
    x = video.dtype === 'u8' ? T.uint8Normalize(x, s.mean, s.std) : T.normalize(x, s.mean, s.std);
    const side = s.shortSide ?? s.crop;
    if (Math.min(x.shape[2], x.shape[3]) !== side) x = T.shortSideScale(x, side);
    if (spatial >= 0) x = T.uniformCrop(x, s.crop, spatial);
    else if (x.shape[2] !== s.crop || x.shape[3] !== s.crop) x = T.centerCrop(x, s.crop);
    return x;
  });
}

/** kineticsEval (centre crop) that disposes its input clip. */
export function evalTransform(video: Tensor, s: ClipShape): Tensor {
  try {
    return kineticsEval(video, s);
  } finally {
    video.dispose();
  }
}

/** Stacks same-shape clips into one contiguous [N, ...] batch (the clips are left alone). */
export function stackClips(clips: Tensor[]): Tensor {
  const per = clips[0].size;
  const buf = new Float32Array(per * clips.length);
  clips.forEach((c, i) => buf.set(c.toArray() as Float32Array, i * per));
  return Tensor.from(buf, [clips.length, ...clips[0].shape]);
}
