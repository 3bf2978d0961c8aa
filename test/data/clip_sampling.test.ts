// Clip samplers vs golden values from the real PyTorchVideo 0.1.5 (test/golden/
// gen_clip_sampling.py): exact times (Fraction or float, as PyTorchVideo returns them) must match
// to the last bit and is_last_clip exactly, over a grid of clip durations, strides, backpadding
// and video durations (non-multiples, shorter than a clip, float noise, Fraction durations);
// the random samplers replay the reference's uniform draws.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { manualSeed, ArgumentError } from '../../ts/node.js';
import {
  makeClipSampler, UniformClipSampler, RandomClipSampler, RandomMultiClipSampler, ConstantClipsPerVideoSampler,
  UniformClipSamplerTruncateFromStart, RandomMultiClipSamplerTruncateFromStart, MomentsClipSampler, TimeStampClipSampler,
  type ClipInfo, type ClipInfoList, type ClipSampler, type UniformSource,
} from '../../ts/data/clip_sampling.js';
import { Fraction, type Seconds } from '../../ts/data/fraction.js';
import { clipSamplerFromSpec, clipSamplerToSpec } from '../../ts/data/datasets/clip_sampler_serialization.js';

type Exact = number | { n: string; d: string } | null;
type Row = [Exact, Exact, number, number, boolean] | [Exact[], Exact[], number[], number[], boolean[]];
interface Video { duration: Exact; first: Exact; draws?: number[]; clips: Row[] }
interface Case { sampler: string; args: any[]; videos?: Video[]; calls?: any[]; class?: string }
const golden = JSON.parse(readFileSync(new URL('../golden/data/clip_sampling.json', import.meta.url), 'utf8')) as { cases: Case[] };

const sec = (x: Exact): Seconds | null => (x === null ? null : typeof x === 'number' ? x : Fraction.of(BigInt(x.n), BigInt(x.d)));
const exact = (t: Seconds): Exact => (typeof t === 'number' ? t : { n: String(t.num), d: String(t.den) });
const replay = (draws: number[]): UniformSource => { const q = [...draws]; return { uniform: () => { const u = q.shift(); if (u === undefined) throw new Error('out of draws'); return u; } }; };
function rowOf(c: ClipInfo | ClipInfoList): Row {
  if (Array.isArray(c.clipStartExact)) {
    const l = c as ClipInfoList;
    return [l.clipStartExact.map(exact), l.clipEndExact.map(exact), l.clipIndex, l.augIndex, l.isLastClip];
  }
  const i = c as ClipInfo;
  return [exact(i.clipStartExact), exact(i.clipEndExact), i.clipIndex, i.augIndex, i.isLastClip];
}

function make(kind: string, a: any[], rng?: UniformSource): ClipSampler {
  const [x0, x1, x2, x3, x4] = a.map((v) => (v !== null && typeof v === 'object' ? sec(v) : v));
  switch (kind) {
    case 'uniform': return new UniformClipSampler(x0, x1, x2, x3);
    case 'uniform_truncate': return new UniformClipSamplerTruncateFromStart(x0, x1, x2, x3, x4);
    case 'constant_clips_per_video': return new ConstantClipsPerVideoSampler(x0, x1, x2);
    case 'random': return new RandomClipSampler(x0, rng);
    case 'random_multi': return new RandomMultiClipSampler(x0, x1, rng);
    case 'random_multi_truncate': return new RandomMultiClipSamplerTruncateFromStart(x0, x1, x2, rng);
    default: throw new Error(kind);
  }
}

for (const c of golden.cases.filter((k) => k.videos)) {
  test(`${c.sampler}(${JSON.stringify(c.args)}) matches PyTorchVideo`, () => {
    for (const v of c.videos!) {
      const s = make(c.sampler, c.args, v.draws ? replay(v.draws) : undefined);
      const got: Row[] = [];
      let last = sec(v.first);
      for (let i = 0; i < v.clips.length; i++) {
        const info = s.call(last, sec(v.duration)!);
        got.push(rowOf(info));
        last = Array.isArray(info.clipEndExact) ? info.clipEndExact.at(-1)! : info.clipEndExact;
        const float = Array.isArray(info.clipStart) ? info.clipStart : [info.clipStart];
        const ex = Array.isArray(info.clipStartExact) ? info.clipStartExact : [info.clipStartExact];
        float.forEach((f, j) => assert.is(f, typeof ex[j] === 'number' ? ex[j] : (ex[j] as Fraction).toNumber()));
      }
      assert.equal(got, v.clips, `duration ${JSON.stringify(v.duration)}`);
    }
  });
}

test('make_clip_sampler builds the classes PyTorchVideo builds', () => {
  for (const c of golden.cases.filter((k) => k.sampler === 'make')) {
    const [type, ...rest] = c.args;
    assert.is(makeClipSampler(type, ...rest).constructor.name, c.class, JSON.stringify(c.args));
  }
});

test('TimeStampClipSampler (AVA) and MomentsClipSampler (Ego4D) match PyTorchVideo', () => {
  for (const t of golden.cases.find((k) => k.sampler === 'timestamp')!.calls!) {
    const s = new TimeStampClipSampler(new UniformClipSampler(sec(t.clip_duration)!));
    assert.equal(rowOf(s.call(null, 100, { clip_index: t.center })), t.clip, JSON.stringify(t));
  }
  for (const m of golden.cases.find((k) => k.sampler === 'moments')!.calls!) {
    const ann: Record<string, unknown> = { label_video_start_sec: m.start, label_video_end_sec: m.end, video_name: 'v' };
    const call = () => new MomentsClipSampler(m.window_sec).call(null, m.duration, ann);
    if (m.error) { assert.throws(call, (e: unknown) => e instanceof ArgumentError, JSON.stringify(m)); continue; }
    assert.equal(rowOf(call()), m.clip, JSON.stringify(m));
    assert.equal({ clip_start: ann.clip_start, clip_end: ann.clip_end }, m.annotation);
  }
});

test('samplers cross to a loader worker as data, exact durations included', () => {
  const samplers: ClipSampler[] = [
    new UniformClipSampler(Fraction.of(32n, 30n), Fraction.of(16n, 30n), true), new UniformClipSamplerTruncateFromStart(0.1, 0.05, false, 1e-6, 0.7),
    new ConstantClipsPerVideoSampler(Fraction.of(1n, 3n), 4, 2), new MomentsClipSampler(1), new TimeStampClipSampler(new UniformClipSampler(0.7)),
  ];
  for (const s of samplers) {
    const spec = structuredClone(clipSamplerToSpec(s)!);
    const t = clipSamplerFromSpec(spec);
    assert.is(t.constructor.name, s.constructor.name);
    let a: Seconds | null = null, b: Seconds | null = null;
    for (let i = 0; i < 6; i++) {
      const ann = { clip_index: 3, label_video_start_sec: 0.2, label_video_end_sec: 0.9 };
      const x = s.call(a, 1.3, { ...ann }) as ClipInfo, y = t.call(b, 1.3, { ...ann }) as ClipInfo;
      assert.equal(rowOf(y), rowOf(x), `${s.constructor.name} clip ${i}`);
      [a, b] = [x.clipEndExact, y.clipEndExact];
      if (x.isLastClip) break;
    }
  }
});

test('Fraction: exact from doubles, correctly rounded back', () => {
  for (const x of [0.1, 1 / 3, 1e-9, 123456.789, 2 ** 60, -0.3, 5e-300]) assert.is(Fraction.fromNumber(x).toNumber(), x);
  // 0.1 + 0.2 exactly is not the double 0.3, and rounds to the same double as 0.1 + 0.2.
  const s = Fraction.fromNumber(0.1).add(Fraction.fromNumber(0.2));
  assert.is(s.cmpNumber(0.3), 1);
  assert.is(s.toNumber(), 0.30000000000000004);
  assert.is(Fraction.of(1n, 3n).toNumber(), 1 / 3);
  assert.is(Fraction.of(2n, 3n).toNumber(), 2 / 3);
  assert.equal([Fraction.of(7n, 2n).ceil(), Fraction.of(-7n, 2n).ceil(), Fraction.of(4n).ceil()], [4n, -3n, 4n]);
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
  assert.throws(() => new UniformClipSampler(1, 0), (e: unknown) => e instanceof ArgumentError && /stride/.test((e as Error).message));
  assert.throws(() => new UniformClipSampler(0), (e: unknown) => e instanceof ArgumentError);
  assert.throws(() => new UniformClipSampler(-1), (e: unknown) => e instanceof ArgumentError);
  assert.throws(() => new ConstantClipsPerVideoSampler(1, 0), (e: unknown) => e instanceof ArgumentError);
  assert.throws(() => makeClipSampler('bogus' as never, 1), (e: unknown) => e instanceof ArgumentError && /bogus/.test((e as Error).message));
  assert.throws(() => new UniformClipSampler(1).call(0, NaN), (e: unknown) => e instanceof ArgumentError);
});

test.run();
