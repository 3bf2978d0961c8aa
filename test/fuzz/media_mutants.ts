// Hostile media for the decoder tests and the media fuzz suite: small REAL files made by
// Debian's native ffmpeg (mp4/H.264+AAC, webm/VP8+Vorbis, avi/MJPEG+PCM), and seeded mutants of
// them: byte flips, truncations, box/element size edits, and the lying headers of issue 15
// (an mp4 `stts` claiming 15,360 fps, a webm PixelWidth of 65535 or 16384 on 320-px frames).
// Files are written under the test run's temp dir, cached by recipe.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../../ts/demo/synth.js'; // seeded mulberry32: every mutant is reproducible from its seed

const DIR = join(tmpdir(), 'vidwasm-fuzz-media');

const SRC = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=16000:duration=2'];
/** The real files every mutant starts from: 2 s, 320x240, 25 fps, with audio. */
export const BASES = {
  mp4: ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '32k', '-movflags', '+faststart', '-f', 'mp4'],
  webm: ['-c:v', 'libvpx', '-b:v', '200k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '25', '-c:a', 'libvorbis', '-f', 'webm'],
  avi: ['-c:v', 'mjpeg', '-q:v', '8', '-c:a', 'pcm_s16le', '-f', 'avi'],
} as const;
export type BaseName = keyof typeof BASES;

/** Path of a base file (made once per run). */
export function base(name: BaseName): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `base.${name}`);
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...SRC, ...BASES[name], tmp], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`native ffmpeg failed for ${name} (apt-get install ffmpeg): ${r.stderr}`);
    renameSync(tmp, path);
  }
  return path;
}

/** Writes bytes as a named file in the fuzz folder; returns its path. */
export function writeMedia(name: string, bytes: Uint8Array): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, name);
  writeFileSync(path, bytes);
  return path;
}

// ---- structure: mp4 boxes and EBML elements ----

/** Offsets of every mp4 box of the given type (searched by its 4-char code after a 4-byte size). */
export function findBoxes(b: Uint8Array, type: string): number[] {
  const out: number[] = [];
  const t = [...type].map((c) => c.charCodeAt(0));
  for (let i = 4; i + 4 <= b.length; i++) {
    if (b[i] === t[0] && b[i + 1] === t[1] && b[i + 2] === t[2] && b[i + 3] === t[3]) out.push(i - 4);
  }
  return out;
}
const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const putU32 = (b: Uint8Array, o: number, v: number) => { b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 255; b[o + 2] = (v >>> 8) & 255; b[o + 3] = v & 255; };

/** The video `stts` made to claim `delta` ticks per frame (15,360 fps at delta 1 with the 1/15360 time base). */
export function lyingStts(src: Uint8Array, delta = 1): Uint8Array {
  const b = src.slice();
  let edited = 0;
  for (const o of findBoxes(b, 'stts')) {
    const n = u32(b, o + 12);
    for (let e = 0; e < n && o + 24 + e * 8 <= b.length; e++) putU32(b, o + 20 + e * 8, delta);
    edited++;
    break; // the first track is the video (ffmpeg writes video first)
  }
  if (!edited) throw new Error('no stts box');
  return b;
}

/** The webm's PixelWidth (EBML id 0xB0, 2-byte value) set to `width`. */
export function lyingPixelWidth(src: Uint8Array, width: number): Uint8Array {
  const b = src.slice();
  for (let i = 0; i + 4 <= b.length; i++) {
    if (b[i] === 0xb0 && b[i + 1] === 0x82 && ((b[i + 2] << 8) | b[i + 3]) === 320) {
      b[i + 2] = width >> 8; b[i + 3] = width & 255;
      return b;
    }
  }
  throw new Error('no PixelWidth 320');
}

/** The mp4 `stsz` made to claim `count` samples (a sample table far larger than the file). */
export function lyingSampleCount(src: Uint8Array, count: number): Uint8Array {
  const b = src.slice();
  const o = findBoxes(b, 'stsz')[0];
  if (o === undefined) throw new Error('no stsz box');
  putU32(b, o + 16, count);
  return b;
}

// ---- mutations ----

export type Mutation = { kind: string; bytes: Uint8Array };

/** One seeded mutant of a real file. */
export function mutate(src: Uint8Array, seed: number, name: BaseName): Mutation {
  const r = rng(seed);
  const at = (lo = 0) => lo + Math.floor(r() * (src.length - lo));
  const b = src.slice();
  switch (seed % 6) {
    case 0: { // a few random byte flips anywhere
      const n = 1 + Math.floor(r() * 16);
      for (let i = 0; i < n; i++) b[at()] ^= 1 + Math.floor(r() * 255);
      return { kind: `flip ${n} bytes`, bytes: b };
    }
    case 1: { // truncation at a random point
      const cut = Math.max(1, Math.floor(r() * src.length));
      return { kind: `truncate to ${cut} bytes`, bytes: src.slice(0, cut) };
    }
    case 2: { // a burst of garbage over the data
      const o = at(), n = Math.min(src.length - o, 64 + Math.floor(r() * 2048));
      for (let i = 0; i < n; i++) b[o + i] = Math.floor(r() * 256);
      return { kind: `garbage ${n} bytes at ${o}`, bytes: b };
    }
    case 3: { // a container size field made huge, zero or off by some bytes
      const sizes = structureSizeOffsets(b, name);
      const o = sizes[Math.floor(r() * sizes.length)] ?? at();
      const v = [0, 1, 0xffffffff, 0x7fffffff, u32(b, o) + 1 + Math.floor(r() * 4096), Math.max(0, u32(b, o) - 1 - Math.floor(r() * 64))][Math.floor(r() * 6)];
      putU32(b, o, v);
      return { kind: `size field at ${o} set to ${v}`, bytes: b };
    }
    case 4: { // a header field set to a hostile value (dimensions, rates, counts)
      const o = headerOffsets(b, name);
      const p = o[Math.floor(r() * o.length)] ?? at();
      const v = [0, 1, 0xffff, 0x4000, 0xffffffff, 0x7fffffff][Math.floor(r() * 6)];
      if (r() < 0.5) { b[p] = v >>> 8 & 255; b[p + 1] = v & 255; } else putU32(b, p, v);
      return { kind: `header field at ${p} set to ${v}`, bytes: b };
    }
    default: { // a chunk of the middle cut out (demuxers must resynchronise or fail)
      const o = at(), n = Math.min(src.length - o, 1 + Math.floor(r() * 8192));
      const out = new Uint8Array(src.length - n);
      out.set(src.subarray(0, o));
      out.set(src.subarray(o + n), o);
      return { kind: `${n} bytes cut at ${o}`, bytes: out };
    }
  }
}

/** Offsets of size fields: mp4 box sizes, avi chunk sizes (little-endian u32 after a FourCC), EBML sizes. */
function structureSizeOffsets(b: Uint8Array, name: BaseName): number[] {
  if (name === 'mp4') {
    return ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'avc1', 'avcC', 'stts', 'stsz', 'stco', 'stsc', 'mdat', 'esds', 'mp4a']
      .flatMap((t) => findBoxes(b, t));
  }
  if (name === 'avi') return ['RIFF', 'LIST', 'avih', 'strh', 'strf', 'idx1', '00dc', '01wb'].flatMap((t) => findBoxes(b, t).map((o) => o + 8));
  // EBML: the byte after Segment/Cluster/Tracks/TrackEntry/Video ids starts the size (vint)
  const ids = [[0x18, 0x53, 0x80, 0x67], [0x1f, 0x43, 0xb6, 0x75], [0x16, 0x54, 0xae, 0x6b], [0xae], [0xe0], [0xa3]];
  const out: number[] = [];
  for (let i = 0; i + 4 < b.length && out.length < 64; i++) {
    for (const id of ids) if (id.every((x, k) => b[i + k] === x)) out.push(i + id.length);
  }
  return out;
}

/** Offsets of header fields worth lying in: frame sizes, time scales, sample counts. */
function headerOffsets(b: Uint8Array, name: BaseName): number[] {
  if (name === 'mp4') {
    return [
      ...findBoxes(b, 'tkhd').flatMap((o) => [o + 84, o + 88]), // width, height (16.16)
      ...findBoxes(b, 'mdhd').map((o) => o + 20), // timescale
      ...findBoxes(b, 'avc1').flatMap((o) => [o + 32, o + 34]), // width, height
      ...findBoxes(b, 'stts').map((o) => o + 20), ...findBoxes(b, 'stsz').map((o) => o + 16),
    ];
  }
  if (name === 'avi') return [...findBoxes(b, 'avih').flatMap((o) => [o + 8, o + 24, o + 40, o + 44]), ...findBoxes(b, 'strh').flatMap((o) => [o + 28, o + 32, o + 40])];
  const out: number[] = [];
  for (let i = 0; i + 4 < b.length && out.length < 16; i++) if ((b[i] === 0xb0 || b[i] === 0xba) && b[i + 1] === 0x82) out.push(i + 2);
  return out;
}

export function readBytes(path: string): Uint8Array { return new Uint8Array(readFileSync(path)); }
