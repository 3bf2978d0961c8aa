// Data for `vidwasm train` / `vidwasm eval`: a "path label" csv list (PyTorchVideo's
// LabeledVideoPaths format) -> labeledVideoDataset (ffmpeg.wasm decoding, PyTorchVideo's
// train/val video transforms) -> DataLoader -> batches the Trainer takes ({video, label i32}).
import { Tensor } from '../runtime/tensor.js';
import { RandomClipSampler, ConstantClipsPerVideoSampler } from '../data/clip_sampling.js';
import { LabeledVideoPaths } from '../data/datasets/labeled_video_paths.js';
import { LabeledVideoDataset, type ClipDict } from '../data/datasets/labeled_video_dataset.js';
import { DataLoader } from '../data/loader/data_loader.js';
import { createVideoTransform } from '../data/transforms/factory.js';
import type { Batch, Loader } from '../train/batch.js';
import { CliError, requireFile } from './args.js';
import type { ModelSpec } from './model.js';

/** Reads and checks a csv list: every row must have an integer label in [0, numClasses). */
export async function readList(path: string, numClasses: number, what: string): Promise<LabeledVideoPaths> {
  await requireFile(path, `${what} list`);
  const paths = LabeledVideoPaths.fromCsv(path); // bad rows throw a DatasetFileError naming the line
  const rows = paths.toArray();
  rows.forEach(([, info], i) => {
    const label = Number(info.label);
    // LabeledVideoPaths gives a row without a label -1 (PyTorchVideo's test-split rule).
    if (label === -1) throw new CliError(`${path} row ${i + 1}: no label (rows are "<video path> <label>", labels 0..${numClasses - 1})`);
    if (label < 0) throw new CliError(`${path} row ${i + 1}: label ${label} is negative (labels are 0..${numClasses - 1})`);
    if (label >= numClasses) throw new CliError(`${path} row ${i + 1}: label ${label} is out of range for --num-classes ${numClasses} (labels are 0..${numClasses - 1})`);
  });
  return paths;
}

export interface LoaderOptions { mode: 'train' | 'val'; batchSize: number; seed: number; hflip?: number; numWorkers?: number }

/** A Trainer loader over a csv list, with the model's clip geometry and PyTorchVideo's transforms. */
export function videoLoader(paths: LabeledVideoPaths, spec: ModelSpec, o: LoaderOptions): Loader & { close(): Promise<void> } {
  const seconds = (spec.frames * spec.sampleRate) / spec.fps;
  const train = o.mode === 'train';
  const video = createVideoTransform(o.mode, {
    numSamples: spec.frames, videoMean: spec.mean, videoStd: spec.std, cropSize: spec.cropSize,
    minSize: spec.sideSize, maxSize: train ? Math.round((spec.sideSize * 320) / 256) : spec.sideSize,
    horizontalFlipProb: o.hflip ?? 0.5,
  });
  const dataset = new LabeledVideoDataset(paths, train ? new RandomClipSampler(seconds) : new ConstantClipsPerVideoSampler(seconds, 1), {
    videoSampler: train ? 'random' : 'sequential', decodeAudio: false, seed: o.seed,
    transform: (clip: ClipDict) => {
      const out = { video: video(clip.video), label: clip.label, video_index: clip.video_index };
      for (const [k, v] of Object.entries(clip)) if (v instanceof Tensor && v !== clip.video && !v.isDisposed) v.dispose();
      return out;
    },
  });
  const dl = new DataLoader(dataset, { batchSize: o.batchSize, shuffle: train, seed: o.seed, numWorkers: o.numWorkers ?? 0 });
  return {
    get length() { return dl.length; },
    setEpoch(epoch: number) { dl.epoch = epoch; },
    async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
      for await (const b of dl) {
        const labels = b.label as number[];
        yield { video: b.video as Tensor, label: Tensor.from(Int32Array.from(labels, Number), [labels.length]), video_index: b.video_index as number[] };
      }
    },
    close: () => dl.close(),
  };
}
