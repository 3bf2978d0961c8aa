// Synchronous file access for the dataset constructors (PyTorchVideo builds its path lists in
// __init__, synchronously). ts/data ships in the browser bundle too, so no static 'node:*'
// import: hosts/node_builtins gives fs and path at run time.
import { VidwasmError } from '../../runtime/errors.js';
import { nodeBuiltin } from '../../runtime/hosts/node_builtins.js';

/** @internal fs and path from Node (UnsupportedError elsewhere, naming `what`); kept out of the shipped types (no @types/node for browser users). */
export const hostFs = (what: string) => nodeBuiltin('node:fs', what);
/** @internal */
export const hostPath = (what: string) => nodeBuiltin('node:path', what);

/** os.path.join for the prefixes PyTorchVideo joins (an absolute second part wins). */
export function joinPath(prefix: string, p: string): string {
  if (!prefix || p.startsWith('/')) return p;
  return prefix.endsWith('/') ? prefix + p : `${prefix}/${p}`;
}

/** Reads a text file; a missing file is an ArgumentError-like FileNotFound naming it. */
export function readText(path: string, what: string): string {
  const fs = hostFs(what);
  if (!fs.existsSync(path)) throw new DatasetFileError(path, `${what}: ${path} not found`);
  return fs.readFileSync(path, 'utf8');
}

/** A dataset description file (csv, json, split file) is missing or malformed. */
export class DatasetFileError extends VidwasmError {
  constructor(readonly path: string, message: string) { super('E_DATASET_FILE', message); }
}

/** Splits one csv line (comma separated, double quotes group, "" escapes a quote). */
export function splitCsvLine(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === delimiter) { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

/** A headered csv as records (PyTorchVideo's load_dataclass_dict_from_csv rows). */
export function readHeaderedCsv(path: string, what: string, required: readonly string[], delimiter = ','): Record<string, string>[] {
  const lines = readText(path, what).split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new DatasetFileError(path, `${what}: ${path} is empty (expected a header row)`);
  const header = splitCsvLine(lines[0], delimiter).map((s) => s.trim());
  const missing = required.filter((r) => !header.includes(r));
  if (missing.length) throw new DatasetFileError(path, `${what}: ${path} lacks column(s) ${missing.join(', ')} (header: ${header.join(', ')})`);
  return lines.slice(1).map((l, i) => {
    const cells = splitCsvLine(l, delimiter);
    if (cells.length < header.length) throw new DatasetFileError(path, `${what}: ${path} line ${i + 2} has ${cells.length} fields, expected ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, cells[j]]));
  });
}
