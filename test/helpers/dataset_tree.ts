// Tiny dataset trees for the dataset tests: real H.264 mp4s and JPEG frames made by Debian's
// ffmpeg (32x24, 1-2 s), cached in a temp dir by recipe so parallel test files share them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR = join(tmpdir(), 'vidwasm-test-datasets');

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`native ffmpeg failed: ${r.error?.message ?? r.stderr}`);
}

/** A 32x24 mp4 of `secs` seconds at 15 fps (with a mono AAC track unless audio=false); `hue` varies the content. */
export function tinyMp4(secs: number, hue = 0, audio = true): string {
  mkdirSync(DIR, { recursive: true });
  const p = join(DIR, `v-${secs}-${hue}-${audio ? 'a' : 'n'}.mp4`);
  if (!existsSync(p)) {
    const tmp = `${p}.${process.pid}.tmp.mp4`;
    ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=32x24:rate=15:duration=${secs},hue=h=${hue}`,
      ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=${300 + hue}:sample_rate=16000:duration=${secs}`, '-c:a', 'aac', '-ac', '1'] : ['-an']),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-pix_fmt', 'yuv420p', '-f', 'mp4', tmp]);
    renameSync(tmp, p);
  }
  return p;
}

/** `count` JPEG frames (32x24) named `${stem}%06d.jpg` from 1, in a cached folder; returns the folder. */
export function tinyFrames(count: number, stem: string, hue = 0): string {
  mkdirSync(DIR, { recursive: true });
  const d = join(DIR, `f-${count}-${stem}-${hue}`);
  if (!existsSync(d)) {
    const tmp = `${d}.${process.pid}.tmp`;
    mkdirSync(tmp, { recursive: true });
    ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=32x24:rate=30,hue=h=${hue}`, '-frames:v', String(count), '-q:v', '3', '-start_number', '1', join(tmp, `${stem}%06d.jpg`)]);
    renameSync(tmp, d);
  }
  return d;
}

/** Copies a cached file into place. */
export function place(src: string, dst: string): string { mkdirSync(join(dst, '..'), { recursive: true }); copyFileSync(src, dst); return dst; }

/** Copies a cached frame folder into place (names kept). */
export function placeFrames(src: string, dst: string): string[] {
  mkdirSync(dst, { recursive: true });
  const names = readdirSync(src).sort();
  for (const n of names) copyFileSync(join(src, n), join(dst, n));
  return names.map((n) => join(dst, n));
}
