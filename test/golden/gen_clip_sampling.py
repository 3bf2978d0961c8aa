"""Golden clip-sampler outputs for test/data/clip_sampling.test.ts, from the REAL PyTorchVideo
(pytorchvideo/data/clip_sampling.py, ego4d/utils.py MomentsClipSampler, ava.py
TimeStampClipSampler) over a grid of clip durations, strides and video durations (multiples,
non-multiples, shorter than a clip, float-noise lengths like 3.9999995, Fraction durations).

Times are written as PyTorchVideo returns them: a Fraction as {"n": numerator, "d": denominator}
(strings), a float as a JSON number; an argument written that way is passed as that type. The
random samplers draw from Python's `random`; the draws they consume are stored so the test can
replay them.

Run: PYTHONPATH=/work/ref/pytorchvideo:/work/ref/iopath:/work/ref/fvcore /usr/bin/python3 test/golden/gen_clip_sampling.py
"""
import json
import os
import random
from fractions import Fraction

import ptv_data_env  # stubs; must come before pytorchvideo
from pytorchvideo.data import clip_sampling as cs
from pytorchvideo.data.ava import TimeStampClipSampler

MomentsClipSampler = ptv_data_env.ego4d_utils().MomentsClipSampler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "clip_sampling.json")


def enc(t):
    if isinstance(t, Fraction):
        return {"n": str(t.numerator), "d": str(t.denominator)}
    if isinstance(t, float):
        return t
    if isinstance(t, list):
        return [enc(x) for x in t]
    return t


def info(c):
    return [enc(c[0]), enc(c[1]), c[2], c[3], c[4]]


def draws_for(n):
    """The next n random.random() values, without consuming them."""
    state = random.getstate()
    d = [random.random() for _ in range(n)]
    random.setstate(state)
    return d


def run_video(sampler, duration, first, limit=400):
    """Samples one video as LabeledVideoDataset does: feed clip_end back until is_last_clip."""
    out, last = [], first
    for _ in range(limit):
        c = sampler(last, duration, {})
        out.append(info(c))
        last = c[1]
        if (c[4][-1] if isinstance(c[4], list) else c[4]):
            break
    else:
        raise RuntimeError("no last clip")
    return out


F = Fraction
DURATIONS = [0.0, 0.05, 0.3, 1.0, 39 / 30, F(39, 30), 1.9999999, 2.0, 2.0000001, 3.9999995, 4.0, 4.3, 7.3]


def main():
    random.seed(1234)
    cases = []

    def add(kind, args, make, durations, first=None, random_draws=0):
        videos = []
        for d in durations:
            s = make()
            draws = draws_for(random_draws) if random_draws else None
            v = {"duration": enc(d), "first": enc(first), "clips": run_video(s, d, first)}
            if draws is not None:
                v["draws"] = draws
            videos.append(v)
        cases.append({"sampler": kind, "args": enc(list(args)), "videos": videos})

    # UniformClipSampler(clip_duration, stride=None, backpad_last=False, eps=1e-6)
    for cd in [2.0, 0.1, 32 / 30, F(32, 30), 0.7, 1 / 3]:
        fcd = float(cd)
        for stride in [None, cd, fcd / 2, fcd * 1.5, F(16, 30)]:
            for bp in [False, True]:
                args = [cd, stride, bp]
                ds = DURATIONS if fcd >= 0.7 else [0.0, 0.05, 0.3, 1.0, 39 / 30, 1.9999999]
                add("uniform", args, lambda a=args: cs.UniformClipSampler(*a), ds)
    add("uniform", [1.0, None, False, 0.01], lambda: cs.UniformClipSampler(1.0, None, False, 0.01), [2.995, 2.9999, 3.0])
    add("uniform", [1.0, None, True, 0.5], lambda: cs.UniformClipSampler(1.0, None, True, 0.5), [2.3, 2.7])
    # A float first "last time", as Charades and SSv2 pass 0.0.
    add("uniform", [0.1, 0.1, False], lambda: cs.UniformClipSampler(0.1, 0.1, False), [1.0, 0.7], first=0.0)
    add("uniform_truncate", [2.0, None, False, 1e-6, 5.0], lambda: cs.UniformClipSamplerTruncateFromStart(2.0, None, False, 1e-6, 5.0), [3.0, 7.3, 10.0])
    add("uniform_truncate", [1.5, 0.5, True, 1e-6, 3.9999995], lambda: cs.UniformClipSamplerTruncateFromStart(1.5, 0.5, True, 1e-6, 3.9999995), [3.0, 10.0])
    add("uniform_truncate", [1.0, None, False, 1e-6, None], lambda: cs.UniformClipSamplerTruncateFromStart(1.0, None, False, 1e-6, None), [2.5])

    # ConstantClipsPerVideoSampler(clip_duration, clips_per_video, augs_per_clip=1)
    for cd in [2.0, 1.5, 0.5, F(1, 3)]:
        for n in [1, 2, 3, 5, 7]:
            for augs in [1, 2]:
                args = [cd, n, augs]
                add("constant_clips_per_video", args, lambda a=args: cs.ConstantClipsPerVideoSampler(*a), [0.0, 0.6, 1.9999999, 3.0, 4.3, F(39, 30), 10.0])

    # RandomClipSampler / RandomMultiClipSampler(+TruncateFromStart): one call each.
    for cd in [2.0, 0.64, 1 / 3, F(1, 3)]:
        add("random", [cd], lambda c=cd: cs.RandomClipSampler(c), [0.0, 0.5, 2.0, 3.9999995, 7.3, 10.0, F(39, 30)], random_draws=1)
    add("random_multi", [1.5, 3], lambda: cs.RandomMultiClipSampler(1.5, 3), [1.0, 5.0, 7.3], random_draws=3)
    add("random_multi_truncate", [1.5, 2, 3.0], lambda: cs.RandomMultiClipSamplerTruncateFromStart(1.5, 2, 3.0), [1.0, 5.0], random_draws=2)
    add("random_multi_truncate", [1.0, 2, None], lambda: cs.RandomMultiClipSamplerTruncateFromStart(1.0, 2, None), [5.0], random_draws=2)

    # make_clip_sampler
    for args in [["uniform", 2.0], ["uniform", 2.0, 1.0, True], ["random", 1.0], ["constant_clips_per_video", 2.0, 3, 2], ["random_multi", 1.0, 2]]:
        s = cs.make_clip_sampler(*args)
        cases.append({"sampler": "make", "args": enc(args), "class": type(s).__name__})

    # TimeStampClipSampler (AVA): centred on annotation["clip_index"]; MomentsClipSampler (Ego4D).
    ts = []
    for cd, center in [(1.0, 2.0), (F(32, 30), 3.0), (0.7, 5.0), (2.0, 0.5)]:
        c = TimeStampClipSampler(cs.UniformClipSampler(cd))(None, 100.0, {"clip_index": center})
        ts.append({"clip_duration": enc(cd), "center": center, "clip": info(c)})
    cases.append({"sampler": "timestamp", "calls": ts})
    moments = []
    for window, start, end, dur in [(0, 1.0, 3.0, 10.0), (2.0, 1.0, 1.5, 10.0), (2.0, 0.2, 0.4, 10.0), (4.0, 8.5, 9.5, 10.0),
                                    (3.0, 4.0, 9.0, 10.0), (2.0, 9.0, 10.05, 10.0), (2.0, 9.0, 10.5, 10.0), (2.0, 3.0, 2.0, 10.0),
                                    (6.0, 1.0, 2.0, 4.0), (2.0, 1.0, 3.0, None)]:
        ann = {"label_video_start_sec": start, "label_video_end_sec": end, "video_name": "v"}
        row = {"window_sec": window, "start": start, "end": end, "duration": dur}
        try:
            c = MomentsClipSampler(window)(None, dur, ann)
            row["clip"] = info(c)
            row["annotation"] = {"clip_start": ann["clip_start"], "clip_end": ann["clip_end"]}
        except (Exception, AssertionError) as e:
            row["error"] = type(e).__name__
        moments.append(row)
    cases.append({"sampler": "moments", "calls": moments})

    with open(OUT, "w") as f:
        json.dump({"source": "pytorchvideo 0.1.5 (real source), see gen_clip_sampling.py", "cases": cases}, f, separators=(",", ":"))
    print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT) // 1024} KiB)")


if __name__ == "__main__":
    main()
