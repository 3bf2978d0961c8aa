// Kinetics, UCF101 and HMDB51: LabeledVideoDatasets over a csv of "<path> <label>" rows or a
// <class>/<video> tree (Kinetics, UCF101), or HMDB51's per-class split files.
import { ArgumentError } from '../../runtime/errors.js';
import type { ClipSampler } from '../clip_sampling.js';
import { DatasetFileError, hostFs, readText } from './host.js';
import { LabeledVideoDataset, labeledVideoDataset, registerDatasetKind, type LabeledVideoDatasetOptions } from './labeled_video_dataset.js';
import { cmpStr, LabeledVideoPaths } from './labeled_video_paths.js';

export interface LabeledDatasetArgs extends LabeledVideoDatasetOptions {
  /** A csv file of "<path> <label>" rows, or a directory of <class>/<video>.mp4. */
  dataPath: string;
  clipSampler: ClipSampler;
  /** Joined before every video path. */
  videoPathPrefix?: string;
}

/** PyTorchVideo's Kinetics(data_path, clip_sampler, ...). */
export function Kinetics(args: LabeledDatasetArgs): LabeledVideoDataset { return labeledVideoDataset(args); }
/** PyTorchVideo's Ucf101(data_path, clip_sampler, ...). */
export function UCF101(args: LabeledDatasetArgs): LabeledVideoDataset { return labeledVideoDataset(args); }

export interface Hmdb51Args extends LabeledDatasetArgs {
  /** Fold 1, 2 or 3. Default 1. */
  splitId?: number;
  /** 'train' (1 in the split files), 'test' (2) or 'unused' (0). Default 'train'. */
  splitType?: 'train' | 'test' | 'unused';
}

const SPLIT_TYPES = { train: 1, test: 2, unused: 0 } as const;

/**
 * HMDB51 split files: dataPath is the folder of <class>_test_split<id>.txt files, each row
 * "<video>.avi <0|1|2>"; the video is at <videoPathPrefix>/<class>/<video>. As in PyTorchVideo
 * the label is the class NAME (a string) and meta_tags are the five tags in the file name.
 */
export function hmdb51Paths(dataPath: string, splitId = 1, splitType: 'train' | 'test' | 'unused' = 'train'): LabeledVideoPaths {
  const fs = hostFs('HMDB51');
  if (!fs.existsSync(dataPath) || !fs.statSync(dataPath).isDirectory()) throw new DatasetFileError(dataPath, `HMDB51: ${dataPath} not found or is not a directory`);
  if (![1, 2, 3].includes(Number(splitId))) throw new ArgumentError(`HMDB51: splitId ${splitId} not in the allowed splits [1, 2, 3]`);
  if (!(splitType in SPLIT_TYPES)) throw new ArgumentError(`HMDB51: splitType '${splitType}' not in train, test, unused`);
  const tag = `_test_split${Number(splitId)}`;
  const files = fs.readdirSync(dataPath).filter((f) => f.endsWith('.txt') && f.slice(0, -4).includes(tag)).sort(cmpStr);
  const rows: Array<[string, unknown]> = [];
  for (const f of files) {
    const stem = f.slice(0, -4);
    const action = stem.split('_').slice(0, -2).join('_');
    const file = `${dataPath.replace(/\/$/, '')}/${f}`;
    readText(file, 'HMDB51').split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      const m = /^(.*\S)\s+(\S+)$/.exec(line);
      if (!m || !/^-?\d+$/.test(m[2])) throw new DatasetFileError(file, `HMDB51: ${file} line ${i + 1}: expected "<video> <0|1|2>", got '${line}'`);
      if (Number(m[2]) !== SPLIT_TYPES[splitType]) return;
      rows.push([`${action}/${m[1]}`, { label: action, meta_tags: m[1].split('_').slice(-6, -1) }]);
    });
  }
  if (rows.length === 0) throw new DatasetFileError(dataPath, `HMDB51: failed to load dataset from ${dataPath} (no '${splitType}' rows in *${tag}.txt)`);
  return new LabeledVideoPaths(rows);
}

export function HMDB51(args: Hmdb51Args): LabeledVideoDataset {
  const paths = hmdb51Paths(args.dataPath, args.splitId ?? 1, args.splitType ?? 'train');
  paths.pathPrefix = args.videoPathPrefix ?? '';
  return new LabeledVideoDataset(paths, args.clipSampler, args);
}
/** PyTorchVideo spells it Hmdb51. */
export const Hmdb51 = HMDB51;
export const Ucf101 = UCF101;

registerDatasetKind('LabeledVideoDataset', LabeledVideoDataset);
