// PyTorchVideo's LabeledVideoPaths: (video path, {label}) pairs read from a csv file of
// "<path> <label>" rows or from a <class>/<video> directory tree.
import { ArgumentError } from '../../runtime/errors.js';
import { DatasetFileError, hostFs, joinPath, readText } from './host.js';

/** What a dataset's video list entry carries: the video and the fields merged into its clips. */
export type VideoInfoDict = Record<string, unknown>;
/** A video: a file (mp4, webm, ...) or a folder of frames (a path to a directory), or a frame list. */
export type VideoSource = string | { framePaths: string[]; fps?: number };
export type LabeledVideo = [source: VideoSource, info: VideoInfoDict];

// torchvision's make_dataset, as PyTorchVideo calls it (extensions=("mp4", "avi")): a file counts
// when its lowercased path ends with one of these bare suffixes (no dot: "clipmp4" counts too).
const VIDEO_EXTENSIONS = ['mp4', 'avi'];

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
   * Rows "<path> <label>": the label is the last field, split off at the last run of
   * whitespace (PyTorchVideo's rsplit(None, 1)); a row with one field gets -1 (a test split).
   * "a.mp4,5" is one field, so the path "a.mp4,5" with label -1, as in PyTorchVideo. Blank
   * lines are skipped (PyTorchVideo fails on them).
   */
  static fromCsv(filePath: string): LabeledVideoPaths {
    const rows: Array<[string, number]> = [];
    const lines = readText(filePath, 'LabeledVideoPaths.fromCsv').split(/\r\n|\r|\n/);
    lines.forEach((raw, i) => {
      const line = raw.replace(/\s+$/, '');
      if (!line.trim()) return;
      const m = /^(.*\S)\s+(\S+)$/.exec(line);
      const [path, label] = m ? [m[1], m[2]] : [line, '-1'];
      // Python's int(): an optional sign, digits and underscores between digits
      if (!/^[+-]?\d+(_\d+)*$/.test(label)) throw new DatasetFileError(filePath, `LabeledVideoPaths: ${filePath} line ${i + 1}: label '${label}' is not an integer`);
      rows.push([path, Number(label.replace(/_/g, ''))]);
    });
    if (rows.length === 0) throw new DatasetFileError(filePath, `LabeledVideoPaths: failed to load dataset from ${filePath} (no rows)`);
    return new LabeledVideoPaths(rows);
  }

  /**
   * dir/<class>/<...>/<video>.mp4|avi, as torchvision's make_dataset walks it: classes are the
   * sorted sub-directory names, indexed from 0; within a class, folders in sorted path order
   * (the class folder's own files first), files sorted by name. A class folder without a video
   * is an error (torchvision's FileNotFoundError).
   */
  static fromDirectory(dirPath: string): LabeledVideoPaths {
    const fs = hostFs('LabeledVideoPaths.fromDirectory');
    if (!fs.existsSync(dirPath)) throw new DatasetFileError(dirPath, `LabeledVideoPaths: ${dirPath} not found`);
    const sep = dirPath.endsWith('/') ? '' : '/';
    const isDir = (p: string) => { try { return fs.statSync(p).isDirectory(); } catch { return false; } };
    const classes = fs.readdirSync(dirPath).filter((n) => isDir(dirPath + sep + n)).sort(cmpStr);
    const rows: Array<[string, number]> = [];
    const empty: string[] = [];
    classes.forEach((c, label) => {
      // os.walk(followlinks=True), sorted by folder path; each folder's non-folder entries by name
      const folders: string[] = [];
      const walk = (d: string) => { folders.push(d); for (const n of fs.readdirSync(d)) if (isDir(`${d}/${n}`)) walk(`${d}/${n}`); };
      walk(dirPath + sep + c);
      const before = rows.length;
      for (const d of folders.sort(cmpStr)) {
        for (const n of fs.readdirSync(d).filter((f) => !isDir(`${d}/${f}`)).sort(cmpStr)) {
          const p = `${d}/${n}`;
          if (VIDEO_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e))) rows.push([p, label]);
        }
      }
      if (rows.length === before) empty.push(c);
    });
    if (empty.length) throw new DatasetFileError(dirPath, `LabeledVideoPaths: found no valid file for the classes ${empty.join(', ')} in ${dirPath}. Supported extensions are: ${VIDEO_EXTENSIONS.join(', ')}`);
    if (rows.length === 0) throw new DatasetFileError(dirPath, `LabeledVideoPaths: failed to load dataset from ${dirPath} (no class folders)`);
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
