// Shared by the CLI tests: run `vidwasm` from source (as `make demo` does) and make small
// labelled mp4 clips of the demo's motion task with ffmpeg.wasm.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIRECTIONS, DEMO_CLIP } from '../../ts/demo/spec.js';
import { renderClip } from '../../ts/demo/synth.js';
import { encodeMp4 } from '../../ts/demo/encode.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** `vidwasm ...args` from source, with --quiet unless asked otherwise; VIDWASM_WASM comes from the test env. */
export function cli(args: string[], o: { quiet?: boolean; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'ts/cli/main.ts'), ...(o.quiet === false ? [] : ['--quiet']), ...args],
    { cwd: root, encoding: 'utf8', timeout: o.timeoutMs ?? 120_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tmp(prefix: string): string { return mkdtempSync(join(tmpdir(), `vidwasm-${prefix}-`)); }

/** Writes perClass clips of each direction (8 frames 32x32, 1 s) under dir; returns "path label" rows. */
export async function makeClips(dir: string, perClass: number, seed = 1): Promise<[string, number][]> {
  const rows: [string, number][] = [];
  for (let i = 0; i < perClass * DIRECTIONS.length; i++) {
    const label = i % DIRECTIONS.length;
    mkdirSync(join(dir, DIRECTIONS[label]), { recursive: true });
    const p = join(dir, DIRECTIONS[label], `c${i}.mp4`);
    writeFileSync(p, await encodeMp4(renderClip(label, seed + i, { frames: DEMO_CLIP.frames, size: DEMO_CLIP.size }), { width: DEMO_CLIP.size, height: DEMO_CLIP.size, fps: DEMO_CLIP.fps }));
    rows.push([p, label]);
  }
  return rows;
}

export function writeCsv(path: string, rows: [string, number | string][]): string {
  writeFileSync(path, rows.map(([p, l]) => `${p} ${l}`).join('\n') + '\n');
  return path;
}

/** A one-line error: the message on stderr, no stack trace. */
export function isOneLineError(r: CliResult): boolean {
  const lines = r.stderr.trim().split('\n');
  return lines[0].startsWith('vidwasm: ') && !/\n\s+at /.test(r.stderr) && !r.stderr.includes('internal error');
}
