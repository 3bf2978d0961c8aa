// Clip samplers vs reference values from PyTorchVideo's arithmetic (test/golden/
// gen_clip_sampling.py): times must match to the last bit and is_last_clip exactly, including
// backpadding and float edge cases; random samplers replay the reference's uniform draws.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { manualSeed, ArgumentError } from '../../ts/node.js';
import {
  makeClipSampler, UniformClipSampler, RandomClipSampler, RandomMultiClipSampler, ConstantClipsPerVideoSampler,
  UniformClipSamplerTruncateFromStart, type ClipInfo, type ClipInfoList, type UniformSource,
} from '../../ts/data/clip_sampling.js';
import { Fraction } from '../../ts/data/fraction.js';

type Row = [number, number, number, number, boolean];
interface Case { sampler: string; args: (number | boolean | null)[]; draws?: number[]; videos: { duration: number; clips: Row[] }[] }
const golden = JSON.parse(readFileSync(new URL('../golden/data/clip_sampling.json', import.meta.url), 'utf8')) as { cases: Case[] };

const replay = (draws: number[]): UniformSource => { const q = [...draws]; return { uniform: () => { const u = q.shift(); if (u === undefined) throw new Error('out of draws'); return u; } }; };
const rowOf = (c: ClipInfo): Row => [c.clipStart, c.clipEnd, c.clipIndex, c.augIndex, c.isLastClip];

for (const c of golden.cases) {
  test(`${c.sampler}(${JSON.stringify(c.args)}) matches PyTorchVideo's arithmetic`, () => {
    const a = c.args as never[];
    const rng = c.draws ? replay(c.draws) : undefined;
    const s = c.sampler === 'uniform' ? makeClipSampler('uniform', a[0], a[1], a[2])
      : c.sampler === 'constant_clips_per_video' ? makeClipSampler('constant_clips_per_video', a[0], a[1], a[2])
      : c.sampler === 'random' ? new RandomClipSampler(a[0], rng)
      : new RandomMultiClipSampler(a[0], a[1], rng);
    for (const v of c.videos) {
      if (c.sampler === 'random_multi') {
        const l = s.call(0, v.duration) as ClipInfoList;
        const rows = l.clipStart.map((_, i): Row => [l.clipStart[i], l.clipEnd[i], l.clipIndex[i], l.augIndex[i], l.isLastClip[i]]);
        assert.equal(rows, v.clips, `duration ${v.duration}`);
        continue;
      }
      const got: Row[] = [];
      let last = 0;
      for (let i = 0; i < v.clips.length; i++) {
        const info = s.call(last, v.duration) as ClipInfo;
        got.push(rowOf(info));
        last = info.clipEnd;
      }
      // Exact equality: JSON round-trips doubles, and our Fraction arithmetic mirrors Python's.
      assert.equal(got, v.clips, `duration ${v.duration}`);
      assert.ok(got[got.length - 1][4], 'the last clip is flagged');
    }
  });
}

test('Fraction: exact from doubles, correctly rounded back', () => {
  for (const x of [0.1, 1 / 3, 1e-9, 123456.789, 2 ** 60, -0.3, 5e-300]) assert.is(Fraction.fromNumber(x).toNumber(), x);
  // 0.1 + 0.2 exactly is not the double 0.3, and rounds to the same double as 0.1 + 0.2.
  const s = Fraction.fromNumber(0.1).add(Fraction.fromNumber(0.2));
  assert.is(s.cmpNumber(0.3), 1);
  assert.is(s.toNumber(), 0.30000000000000004);
  assert.is(Fraction.of(1n, 3n).toNumber(), 1 / 3);
  assert.is(Fraction.of(2n, 3n).toNumber(), 2 / 3);
});

test('RandomClipSampler uses the seeded vidwasm generator by default', () => {
  manualSeed(7);
  const a = Array.from({ length: 20 }, () => (makeClipSampler('random', 2) .call(0, 10) as ClipInfo).clipStart);
  manualSeed(7);
  const b = Array.from({ length: 20 }, () => (makeClipSampler('random', 2).call(0, 10) as ClipInfo).clipStart);
  assert.equal(a, b, 'same seed, same clips');
  for (const x of a) assert.ok(x >= 0 && x <= 8, `start ${x} in [0, duration - clip]`);
  assert.ok(new Set(a).size > 15, 'starts vary');
  const r = makeClipSampler('random', 2).call(0, 1) as ClipInfo;
  assert.equal([r.clipStart, r.clipEnd, r.clipIndex, r.augIndex, r.isLastClip], [0, 2, 0, 0, true], 'video shorter than the clip');
  const m = makeClipSampler('random_multi', 1, 4).call(0, 3) as ClipInfoList;
  assert.is(m.clipStart.length, 4);
  m.clipStart.forEach((s0, i) => assert.is(m.clipEnd[i], s0 + 1));
});

test('samplers continue across videos (reset after the last clip)', () => {
  const s = new UniformClipSampler(1.0);
  const first = [0, 1, 2].map((t) => s.call(t, 3).clipIndex);
  assert.equal(first, [0, 1, 2]);
  assert.is(s.call(0, 2).clipIndex, 0, 'index restarts for the next video');
  const t = new UniformClipSamplerTruncateFromStart(1.0, null, false, 1e-6, 2.0);
  const a = t.call(0, 10);
  const b = t.call(a.clipEnd, 10);
  assert.equal([a.isLastClip, b.isLastClip, b.clipEnd], [false, true, 2]);
  const c = new ConstantClipsPerVideoSampler(2, 2, 2);
  const rows = [0, 0, 0, 0].map(() => { const i = c.call(0, 10); return [i.clipIndex, i.augIndex, i.isLastClip]; });
  assert.equal(rows, [[0, 0, false], [0, 1, false], [1, 0, false], [1, 1, true]]);
});

test('bad arguments -> ArgumentError', () => {
  assert.throws(() => new UniformClipSampler(1, 2), (e: unknown) => e instanceof ArgumentError && /stride/.test((e as Error).message));
  assert.throws(() => new UniformClipSampler(0), (e: unknown) => e instanceof ArgumentError);
  assert.throws(() => new ConstantClipsPerVideoSampler(1, 0), (e: unknown) => e instanceof ArgumentError);
  assert.throws(() => makeClipSampler('bogus' as never, 1), (e: unknown) => e instanceof ArgumentError && /bogus/.test((e as Error).message));
  assert.throws(() => new UniformClipSampler(1).call(0, NaN), (e: unknown) => e instanceof ArgumentError);
});

test.run();
