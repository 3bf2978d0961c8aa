// Argument parsing shared by the commands: --name value / --name=value options, flags and
// positionals, with one-line usage errors (never a stack trace).
import { VidwasmError } from '../runtime/errors.js';

/** A mistake on the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}
/** A problem with the user's input (files, data, checkpoints): printed as one line, exit code 1. */
export class CliError extends VidwasmError {
  constructor(message: string) { super('E_CLI', message); }
}

export type OptKind = 'string' | 'int' | 'number' | 'flag';
export interface Spec { [name: string]: { kind: OptKind; min?: number } }
export interface Parsed {
  opts: Record<string, string | number | boolean | undefined>;
  positionals: string[];
}

export function parseArgs(cmd: string, argv: string[], spec: Spec, maxPositionals = 0): Parsed {
  const opts: Parsed['opts'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    if (!s) throw new UsageError(`${cmd}: unknown option --${name}`);
    if (s.kind === 'flag') {
      if (eq > 0) throw new UsageError(`${cmd}: --${name} takes no value`);
      opts[name] = true;
      continue;
    }
    const raw = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new UsageError(`${cmd}: --${name} needs a value`);
    if (s.kind === 'string') { opts[name] = raw; continue; }
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v)) || (s.min !== undefined && v < s.min)) {
      throw new UsageError(`${cmd}: --${name} needs ${s.kind === 'int' ? 'an integer' : 'a number'}${s.min !== undefined ? ` >= ${s.min}` : ''}, got '${raw}'`);
    }
    opts[name] = v;
  }
  if (positionals.length > maxPositionals) {
    throw new UsageError(`${cmd}: unexpected argument${positionals.length - maxPositionals > 1 ? 's' : ''} ${positionals.slice(maxPositionals).join(' ')}`);
  }
  return { opts, positionals };
}

/** The value of a required string option. */
export function need(cmd: string, p: Parsed, name: string): string {
  const v = p.opts[name];
  if (typeof v !== 'string') throw new UsageError(`${cmd}: --${name} is required`);
  return v;
}

/** Throws a one-line CliError unless `path` is an existing file. */
export async function requireFile(path: string, what: string): Promise<void> {
  const { statSync } = await import('node:fs');
  let st;
  try { st = statSync(path); } catch { throw new CliError(`cannot read ${what} ${path}: no such file`); }
  if (!st.isFile()) throw new CliError(`cannot read ${what} ${path}: not a file`);
}
