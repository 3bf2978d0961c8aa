// What the DataLoader asks of a dataset: the two kinds PyTorch has, iterable (all clips of one
// video at a time, in the video sampler's order) and map-style (length + getItem).
import type { ClipDict, ClipTransform, SkippedVideo } from './labeled_video_dataset.js';

/** An iterable (PyTorchVideo IterableDataset-style) video dataset. */
export interface IterableVideoDataset {
  transform: ClipTransform | null;
  skipped: number;
  readonly skippedVideos: SkippedVideo[];
  videoOrder(): number[];
  readonly videos: readonly unknown[];
  clipsOfVideo(videoIndex: number, o?: { seed?: number; transform?: boolean }): AsyncGenerator<ClipDict>;
  toSpec(): unknown;
}
/** A map-style dataset (PyTorch Dataset: __len__ and __getitem__). */
export interface MapVideoDataset {
  transform: ClipTransform | null;
  readonly length: number;
  getItem(index: number, o?: { seed?: number; transform?: boolean }): Promise<ClipDict>;
  toSpec(): unknown;
}
export type LoaderDataset = IterableVideoDataset | MapVideoDataset;

export const isIterableDataset = (d: unknown): d is IterableVideoDataset => typeof (d as IterableVideoDataset)?.clipsOfVideo === 'function';
export const isMapDataset = (d: unknown): d is MapVideoDataset => typeof (d as MapVideoDataset)?.getItem === 'function' && typeof (d as MapVideoDataset).length === 'number';

