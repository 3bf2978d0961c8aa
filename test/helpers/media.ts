// Test media made at test time by Debian's native ffmpeg (apt-get install ffmpeg), never
// committed: small clips of every kind the decoder must handle, plus broken files. Files are
// cached in a temp dir keyed by their recipe, written under a temporary name and renamed, so
// test files running in parallel can share them safely.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR = join(tmpdir(), 'vidwasm-test-media');

// Recipes: ffmpeg arguments (output path appended). -g 30 keeps seeks cheap.
// testsrc2 is yuv420p and rounds sizes down to even; testsrc (rgb24) keeps odd sizes.
const LAVFI_V = (size: string, rate: number, secs: number, src = 'testsrc2') => ['-f', 'lavfi', '-i', `${src}=size=${size}:rate=${rate}:duration=${secs}`];
const LAVFI_A = (secs: number, layout = 'stereo') => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${secs},aformat=channel_layouts=${layout}`];
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-bf', '2'];
export const RECIPES = {
  /** H.264/AAC mp4, 320x240, 30 fps, 4 s, stereo audio. */
  h264: { ext: 'mp4', args: [...LAVFI_V('320x240', 30, 4), ...LAVFI_A(4), ...X264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k'] },
  /** VP9/Opus webm, 160x120, 25 fps, 2 s. */
  vp9: { ext: 'webm', args: [...LAVFI_V('160x120', 25, 2), ...LAVFI_A(2), '-c:v', 'libvpx-vp9', '-g', '30', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8', '-pix_fmt', 'yuv420p', '-c:a', 'libopus'] },
  /** Odd size: 97x61 H.264 4:4:4 (4:2:0 needs even sizes), 25 fps, 2 s, no audio. */
  odd: { ext: 'mp4', args: [...LAVFI_V('97x61', 25, 2, 'testsrc'), ...X264, '-pix_fmt', 'yuv444p', '-an'] },
  /** Odd size with odd-sized chroma planes: 97x61 VP9 4:2:0 webm, 25 fps, 2 s, no audio. */
  oddVp9: { ext: 'webm', args: [...LAVFI_V('97x61', 25, 2, 'testsrc'), '-c:v', 'libvpx-vp9', '-g', '30', '-b:v', '200k', '-deadline', 'realtime', '-cpu-used', '8', '-pix_fmt', 'yuv420p', '-an'] },
  /** Variable frame rate: 30 fps source with irregular frames dropped, 3 s, no audio. */
  vfr: { ext: 'mp4', args: [...LAVFI_V('128x96', 30, 3), '-vf', "select='not(eq(mod(n\\,7)\\,3))*not(eq(mod(n\\,11)\\,5))'", '-vsync', 'vfr', ...X264, '-pix_fmt', 'yuv420p', '-an'] },
  /** 720p H.264, 3 s, for the time-limit test and the benchmark. */
  hd: { ext: 'mp4', args: [...LAVFI_V('1280x720', 30, 3), ...X264, '-pix_fmt', 'yuv420p', '-an'] },
  /** Audio only (an .mp4 with no video stream). */
  audioOnly: { ext: 'mp4', args: [...LAVFI_A(1), '-c:a', 'aac'] },
  /** A PNG still image, to be renamed .mp4. */
  png: { ext: 'png', args: [...LAVFI_V('64x48', 1, 1), '-frames:v', '1', '-f', 'image2', '-c:v', 'png'] },
} as const;
export type MediaName = keyof typeof RECIPES;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`native ffmpeg failed (is Debian's ffmpeg installed? make setup): ${r.error?.message ?? r.stderr}`);
}

function cached(key: string, ext: string, make: (tmp: string) => void): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `${key}-${createHash('sha1').update(key + ext + JSON.stringify(RECIPES[key as MediaName] ?? '')).digest('hex').slice(0, 10)}.${ext}`);
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp.${ext}`;
    make(tmp);
    renameSync(tmp, path);
  }
  return path;
}

/** Path of a generated test clip (made on first use). */
export function media(name: MediaName): string {
  const r = RECIPES[name];
  return cached(name, r.ext, (tmp) => ffmpeg([...r.args, ...(r.ext === 'png' ? [] : ['-f', r.ext === 'webm' ? 'webm' : 'mp4']), tmp]));
}

/** Broken files, each made from the recipes above. */
export function badMedia(kind: 'empty' | 'truncated' | 'garbage' | 'image' | 'audioOnly'): string {
  switch (kind) {
    case 'empty': return cached('empty', 'mp4', (t) => writeFileSync(t, new Uint8Array(0)));
    case 'truncated': {
      // moov is at the end of an ffmpeg mp4, so the first 40% has no index at all.
      const src = readFileSync(media('h264'));
      return cached('truncated', 'mp4', (t) => writeFileSync(t, src.subarray(0, Math.floor(src.length * 0.4))));
    }
    case 'garbage': {
      // Deterministic pseudo-random bytes (an LCG), so a failure reproduces.
      const b = new Uint8Array(64 * 1024);
      let x = 12345;
      for (let i = 0; i < b.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 24; }
      return cached('garbage', 'mp4', (t) => writeFileSync(t, b));
    }
    case 'image': {
      const png = readFileSync(media('png'));
      return cached('image', 'mp4', (t) => writeFileSync(t, png));
    }
    case 'audioOnly': return media('audioOnly');
  }
}

/** Frames decoded by native ffmpeg: every frame (rgb24, same scaler flags) and its pts. */
export function nativeFrames(path: string, width: number, height: number, flags: string): { frames: Uint8Array[]; pts: number[] } {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-threads', '1', '-i', path, '-map', '0:v:0', '-vsync', 'passthrough',
    '-sws_flags', flags, '-vf', `scale=${width}:${height}:flags=${flags},format=rgb24`, '-f', 'rawvideo', '-'], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`native ffmpeg decode failed: ${r.stderr}`);
  const fb = width * height * 3;
  const buf = new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length);
  const frames: Uint8Array[] = [];
  for (let o = 0; o + fb <= buf.length; o += fb) frames.push(buf.subarray(o, o + fb));
  const p = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  // One number per frame; skip the blank/side-data lines ffprobe's csv writer may add.
  const pts = p.stdout.split('\n').filter((s) => /^-?\d/.test(s)).map((s) => Number(s.split(',')[0]));
  return { frames, pts };
}

/** Writes numbered PNG/JPEG frames of a recipe into a folder (for FrameVideo). */
export function frameFolder(name: 'png' | 'jpg', count: number): string {
  return cached(`frames-${name}-${count}`, 'd', (tmp) => {
    mkdirSync(tmp);
    // PyTorchVideo sorts frame paths naturally: frame_1, frame_2, ..., frame_10.
    ffmpeg([...LAVFI_V('48x32', 30, 1), '-frames:v', String(count), '-start_number', '1', ...(name === 'jpg' ? ['-q:v', '3'] : []), join(tmp, `frame_%d.${name}`)]);
  });
}
