// The DataLoader tests' fixture: five tiny mp4 clips with labels 0..4 in a fresh folder, a
// dataset over them, and helpers that drain a loader into comparable plain values.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../../ts/node.js';
import { makeClipSampler } from '../../ts/data/clip_sampling.js';
import { LabeledVideoDataset, DataLoader, type Batch } from '../../ts/data/datasets/index.js';
import { place, tinyMp4 } from './dataset_tree.js';
import { transform } from './loader_transform.js';

export const root = mkdtempSync(join(tmpdir(), 'vidwasm-loader-'));
export const videos: Array<[string, Record<string, unknown>]> = Array.from({ length: 5 }, (_, i) => [place(tinyMp4(1, i * 40), join(root, `v${i}.mp4`)), { label: i }]);

export function disposeBatch(b: Batch): void {
  for (const v of Object.values(b)) for (const t of [v].flat()) if (t instanceof Tensor && !t.isDisposed) t.dispose();
}

export const makeDs = (extra: Array<[string, Record<string, unknown>]> = [], skip = false) =>
  new LabeledVideoDataset([...videos, ...extra], makeClipSampler('random', 0.5), { transform, decodeAudio: false, videoSampler: 'sequential', skipBadVideos: skip, log: () => {} });

/** Every batch of one epoch as plain values (tensors disposed). */
export async function all(loader: DataLoader): Promise<Array<{ video: number[]; shape: readonly number[]; label: number[]; names: string[]; offset: unknown }>> {
  const out = [];
  for await (const b of loader) {
    out.push({ video: Array.from(b.video.toArray() as Uint8Array), shape: b.video.shape, label: b.label, names: b.video_name, offset: b.offset });
    disposeBatch(b);
  }
  return out;
}
