// PyTorchVideo's LabeledVideoPaths: (video path, {label}) pairs read from a csv file of
// "<path> <label>" rows or from a <class>/<video> directory tree.
import { ArgumentError } from '../../runtime/errors.js';
import { DatasetFileError, hostFs, joinPath, readText } from './host.js';

/** What a dataset's video list entry carries: the video and the fields merged into its clips. */
export type VideoInfoDict = Record<string, unknown>;
/** A video: a file (mp4, webm, ...) or a folder of frames (a path to a directory), or a frame list. */
export type VideoSource = string | { framePaths: string[]; fps?: number };
export type LabeledVideo = [source: VideoSource, info: VideoInfoDict];

// torchvision's make_dataset, as PyTorchVideo calls it: only these extensions count.
const VIDEO_EXTENSIONS = ['.mp4', '.avi'];

export class LabeledVideoPaths {
  /** Prefix joined to every relative path (PyTorchVideo's path_prefix setter). */
  pathPrefix = '';
  constructor(private readonly pathsAndLabels: Array<[string, unknown]>, pathPrefix = '') { this.pathPrefix = pathPrefix; }

  /** A file is read as csv rows, a directory as a class tree. */
  static fromPath(dataPath: string): LabeledVideoPaths {
    const fs = hostFs('LabeledVideoPaths');
    if (fs.existsSync(dataPath) && fs.statSync(dataPath).isFile()) return LabeledVideoPaths.fromCsv(dataPath);
    if (fs.existsSync(dataPath) && fs.statSync(dataPath).isDirectory()) return LabeledVideoPaths.fromDirectory(dataPath);
    throw new DatasetFileError(dataPath, `LabeledVideoPaths: ${dataPath} not found`);
  }

  /**
   * Rows "<path> <label>"; the label is the last field, split off at the last run of
   * whitespace (PyTorchVideo's rsplit(None, 1)) or, for "path,label" files, the last comma.
   * A row with no label gets -1 (a test split).
   */
  static fromCsv(filePath: string): LabeledVideoPaths {
    const rows: Array<[string, number]> = [];
    const lines = readText(filePath, 'LabeledVideoPaths.fromCsv').split(/\r?\n/);
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      // rsplit(None, 1) first; "path,label" (no space) splits at the last comma instead.
      const m = /^(.*\S)\s+(\S+)$/.exec(line) ?? /^(.*),([^,]+)$/.exec(line);
      let path: string, label: number;
      if (m) [path, label] = [m[1].replace(/\s*,$/, ''), Number(m[2])];
      else [path, label] = [line, -1];
      if (!Number.isInteger(label)) throw new DatasetFileError(filePath, `LabeledVideoPaths: ${filePath} line ${i + 1}: label '${m?.[2]}' is not an integer`);
      rows.push([path, label]);
    });
    if (rows.length === 0) throw new DatasetFileError(filePath, `LabeledVideoPaths: failed to load dataset from ${filePath} (no rows)`);
    return new LabeledVideoPaths(rows);
  }

  /**
   * dir/<class>/<...>/<video>.mp4|avi: classes are the sorted sub-directory names, indexed
   * from 0; videos are found recursively, directories and files in sorted order.
   */
  static fromDirectory(dirPath: string): LabeledVideoPaths {
    const fs = hostFs('LabeledVideoPaths.fromDirectory');
    if (!fs.existsSync(dirPath)) throw new DatasetFileError(dirPath, `LabeledVideoPaths: ${dirPath} not found`);
    const sep = dirPath.endsWith('/') ? '' : '/';
    const classes = fs.readdirSync(dirPath).filter((n) => fs.statSync(dirPath + sep + n).isDirectory()).sort(cmpStr);
    const rows: Array<[string, number]> = [];
    const walk = (dir: string, label: number) => {
      for (const n of fs.readdirSync(dir).sort(cmpStr)) {
        const p = `${dir}/${n}`;
        const st = fs.statSync(p);
        if (st.isDirectory()) walk(p, label);
        else if (VIDEO_EXTENSIONS.some((e) => n.toLowerCase().endsWith(e))) rows.push([p, label]);
      }
    };
    classes.forEach((c, i) => walk(dirPath + sep + c, i));
    if (rows.length === 0) throw new DatasetFileError(dirPath, `LabeledVideoPaths: failed to load dataset from ${dirPath} (no .mp4/.avi under class folders)`);
    const out = new LabeledVideoPaths(rows);
    out.classes = classes;
    return out;
  }

  /** Class names in label order (directory trees only). */
  classes: string[] | null = null;

  get length(): number { return this.pathsAndLabels.length; }

  /** (prefix-joined path, {label}); a non-dict label is wrapped as PyTorchVideo does. */
  get(index: number): LabeledVideo {
    if (!(Number.isInteger(index) && index >= 0 && index < this.length)) throw new ArgumentError(`LabeledVideoPaths: index ${index} out of range [0, ${this.length})`);
    const [path, label] = this.pathsAndLabels[index];
    const info = label !== null && typeof label === 'object' && !Array.isArray(label) ? { ...(label as VideoInfoDict) } : { label };
    return [joinPath(this.pathPrefix, path), info];
  }

  toArray(): LabeledVideo[] { return Array.from({ length: this.length }, (_, i) => this.get(i)); }
}

// Python sorts str by code point; localeCompare would not.
export function cmpStr(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
