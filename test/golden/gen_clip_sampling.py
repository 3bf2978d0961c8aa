"""Reference clip-sampler outputs for test/data/clip_sampling.test.ts.

pytorchvideo is not packaged by Debian and PyPI is not reachable from this machine, so this is
a small reimplementation written from PyTorchVideo's published arithmetic
(pytorchvideo/data/clip_sampling.py): the same expressions with the same mix of
fractions.Fraction and float, which is what makes clip times and is_last_clip come out the
way PyTorchVideo's do (Python silently converts Fraction op float to float). The random
samplers take their uniform draws from a list that is stored in the JSON, so the TypeScript
test can replay them.

Run: cd test/golden && /usr/bin/python3 gen_clip_sampling.py  (stdlib only)
"""
import json
import os
import random
from fractions import Fraction

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "clip_sampling.json")


class Uniform:
    """UniformClipSampler(clip_duration, stride=None, backpad_last=False, eps=1e-6)."""

    def __init__(self, clip_duration, stride=None, backpad_last=False, eps=1e-6):
        self.cd = Fraction(clip_duration)
        self.stride = stride if stride is not None else clip_duration
        self.backpad = backpad_last
        self.eps = eps
        self.index = 0
        assert 0 < self.stride <= clip_duration

    def start_end(self, last, duration, backpad):
        start = Fraction(max(last - max(0, self.cd - self.stride), 0))
        end = Fraction(start + self.cd)
        if backpad:
            start -= max(0, end - duration)
            start = Fraction(max(0, start))
            end = Fraction(start + self.cd)
        return start, end

    def __call__(self, last, duration):
        start, end = self.start_end(last, duration, self.backpad)
        _, next_end = self.start_end(end, duration, self.backpad)
        last_clip = abs(next_end - end) < self.eps if self.backpad else next_end > duration
        idx = self.index
        self.index += 1
        if last_clip:
            self.index = 0
        return start, end, idx, 0, last_clip


class Constant:
    """ConstantClipsPerVideoSampler(clip_duration, clips_per_video, augs_per_clip=1)."""

    def __init__(self, clip_duration, clips_per_video, augs_per_clip=1):
        self.cd = Fraction(clip_duration)
        self.n = clips_per_video
        self.augs = augs_per_clip
        self.index = 0
        self.aug = 0

    def __call__(self, last, duration):
        max_start = Fraction(max(duration - self.cd, 0))
        step = Fraction(max_start, self.n)
        start = step * self.index
        idx, aug = self.index, self.aug
        self.aug += 1
        if self.aug >= self.augs:
            self.index += 1
            self.aug = 0
        last_clip = False
        if self.index >= self.n or step * self.index > max_start:
            self.index = 0
            last_clip = True
        if last_clip:
            self.index, self.aug = 0, 0
        return start, start + self.cd, idx, aug, last_clip


class Random:
    """RandomClipSampler(clip_duration), drawing u from a given list instead of random.random()."""

    def __init__(self, clip_duration, draws):
        self.cd = Fraction(clip_duration)
        self.draws = draws

    def __call__(self, last, duration):
        m = max(duration - self.cd, 0)
        start = Fraction(0 + (m - 0) * self.draws.pop(0))  # random.uniform(0, m)
        return start, start + self.cd, 0, 0, True


def row(c):
    return [float(c[0]), float(c[1]), c[2], c[3], bool(c[4])]


def run_video(sampler, duration, limit=500):
    """Samples one video the way PyTorchVideo's datasets do: feed back clip_end until last."""
    out, last = [], 0.0
    for _ in range(limit):
        c = sampler(last, duration)
        out.append(row(c))
        last = c[1]  # the Fraction itself, as LabeledVideoDataset passes it back
        if c[4]:
            break
    return out


def main():
    cases = []
    uniform = [
        (2.0, None, False, [10.0, 9.5, 1.0, 2.0]),
        (2.0, None, True, [9.5, 1.0]),
        (32 / 30, 16 / 30, False, [39 / 30]),  # the docstring example: 39 frames at 30 fps
        (32 / 30, 16 / 30, True, [39 / 30, 100 / 30]),
        (0.1, None, False, [0.3, 1.0]),  # float edge: 3 * 0.1 != 0.3
        (0.3, 0.1, True, [1.0, 0.95]),
        (0.3, 0.1, False, [1.0, 0.95]),
        (1 / 3, 1 / 6, False, [2.0]),
        (0.7, None, False, [3.0, 4.0, 2.1]),
        (1.5, 0.5, True, [4.3, 1.2]),
    ]
    for cd, stride, bp, durations in uniform:
        s = Uniform(cd, stride, bp)
        cases.append({"sampler": "uniform", "args": [cd, stride, bp], "videos": [
            {"duration": d, "clips": run_video(s, d)} for d in durations]})
    constant = [(2.0, 5, 1, [10.0, 3.0]), (2.0, 3, 2, [10.0]), (2.0, 4, 1, [1.0]), (1.5, 7, 3, [4.3, 0.1]), (0.5, 10, 1, [0.6])]
    for cd, n, augs, durations in constant:
        s = Constant(cd, n, augs)
        cases.append({"sampler": "constant_clips_per_video", "args": [cd, n, augs], "videos": [
            {"duration": d, "clips": run_video(s, d)} for d in durations]})
    rng = random.Random(1234)
    for cd, durations in [(2.0, [10.0, 1.0, 2.0, 7.3]), (0.64, [3.2, 0.5])]:
        draws = [rng.random() for _ in durations]
        s = Random(cd, list(draws))
        cases.append({"sampler": "random", "args": [cd], "draws": draws, "videos": [
            {"duration": d, "clips": [row(s(0.0, d))]} for d in durations]})
    draws = [rng.random() for _ in range(3)]
    s = Random(1.5, list(draws))
    cases.append({"sampler": "random_multi", "args": [1.5, 3], "draws": draws, "videos": [
        {"duration": 5.0, "clips": [row(s(0.0, 5.0)) for _ in range(3)]}]})
    with open(OUT, "w") as f:
        json.dump({"source": "reimplementation of pytorchvideo/data/clip_sampling.py (see gen_clip_sampling.py)", "cases": cases}, f, indent=1)
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
