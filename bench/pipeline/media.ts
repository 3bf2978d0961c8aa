// Shared by the data benchmarks: the test clips (cached) and native ffmpeg's CPU time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR = join(tmpdir(), 'vidwasm-bench-media');

/** A 4 s 30 fps H.264 testsrc2 clip of the given size (keyframe every 30 frames), cached. */
export function makeClip(size: string): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `h264-${size}.mp4`);
  if (!existsSync(path)) {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30:duration=4`,
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-pix_fmt', 'yuv420p', path]);
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  }
  return path;
}

export { median } from '../stats.js';

/** CPU ms of native ffmpeg (single thread) running the wasm decode's arguments (output discarded). */
export function nativeCpuMs(args: string[]): number {
  const r = spawnSync('ffmpeg', ['-nostdin', '-y', '-benchmark', '-threads', '1', ...args], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`native ffmpeg failed: ${r.stderr}`);
  const m = /utime=([\d.]+)s stime=([\d.]+)s/.exec(String(r.stderr));
  if (!m) throw new Error('no -benchmark line from ffmpeg');
  return (Number(m[1]) + Number(m[2])) * 1000;
}
