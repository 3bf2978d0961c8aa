// Child process of the media fuzz runner (media_runner.ts): decodes the cases listed in the JSON
// file named by argv[2], one after the other, and reports each on stdout as a JSON line:
// {"start": i} before, {"end": i, ...} after. The parent enforces the wall-time and memory bounds
// (it kills this process when a case hangs or RSS passes the limit); this side checks that each
// case ends in a typed error naming the file or a well-formed clip, and that nothing is left
// allocated afterwards.
import { readFileSync } from 'node:fs';
import { memoryBytes, memoryStats } from '../../ts/node.js';
import { EncodedVideo } from '../../ts/data/encoded_video.js';
import { VideoDecodeError } from '../../ts/data/errors.js';
import type { FuzzCase, CaseEnd } from './media_runner.js';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8')) as FuzzCase[];
const from = Number(process.argv[3] ?? 0);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function decode(c: FuzzCase): Promise<Omit<CaseEnd, 'end' | 'ms' | 'wasmGrowth' | 'leakedBytes'>> {
  try {
    const v = await EncodedVideo.fromPath(c.path, { timeoutMs: c.timeoutMs, maxClipBytes: c.maxClipBytes });
    const clip = await v.getClip(c.window[0], c.window[1]);
    const shape = [...clip.video.shape];
    const audio = clip.audio ? clip.audio.size : null;
    clip.video.dispose();
    clip.audio?.dispose();
    return { outcome: 'clip', shape, audio, shortRead: clip.shortRead, width: v.width, height: v.height };
  } catch (e) {
    if (e instanceof VideoDecodeError) {
      const names = e.path === c.path && e.message.includes(c.path);
      return { outcome: names ? 'typed-error' : 'unnamed-error', reason: e.reason, message: e.message.slice(0, 300) };
    }
    return { outcome: 'untyped-error', message: String((e as Error)?.stack ?? e).slice(0, 600) };
  }
}

for (let i = from; i < cases.length; i++) {
  say({ start: i });
  const live = memoryStats().liveBytes;
  const wasm0 = memoryBytes();
  const t0 = performance.now();
  const r = await decode(cases[i]);
  say({ end: i, ...r, ms: Math.round(performance.now() - t0), wasmGrowth: memoryBytes() - wasm0, leakedBytes: memoryStats().liveBytes - live });
}
