"""Optical-flow golden values from Debian's python3-opencv (cv2.calcOpticalFlowFarneback) for
test/data/flow_compute.test.ts.

Frames are synthesised with integer arithmetic only (an LCG noise canvas, integer box blurs, and
warps sampled with 12-bit fixed-point bilinear weights), so test/data/flow_frames.ts rebuilds the
very same bytes in TypeScript and the JSON holds no frames: only each case's recipe, OpenCV's flow
(on a pixel grid of stride `stride`) and, for the synthetic sequences with known motion, OpenCV's
average endpoint error.

Run: /usr/bin/python3 test/golden/gen_flow.py    (apt-get install python3-opencv)
"""
import base64
import json
import os

import cv2
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "flow.json")
ONE = 4096  # fixed-point unit of warp matrices, translations and sample positions
MARGIN = 24


def canvas(h, w, seed, r=2, gain=6):
    """Texture: LCG bytes, two integer box blurs of radius r (replicate border), contrast x gain."""
    H, W = h + 2 * MARGIN, w + 2 * MARGIN
    s = seed & 0xFFFFFFFF
    a = np.empty(H * W, np.int64)
    for i in range(H * W):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        a[i] = s >> 24
    a = a.reshape(H, W)
    k = (2 * r + 1) ** 2
    for _ in range(2):
        p = np.pad(a, r, mode="edge")
        acc = np.zeros_like(a)
        for dy in range(2 * r + 1):
            for dx in range(2 * r + 1):
                acc += p[dy:dy + H, dx:dx + W]
        a = acc // k
    return np.clip(128 + (a - 128) * gain, 0, 255)


def warp(base, h, w, A, t):
    """Frame q -> base(A (q - c) + c + t) (+ margin), A and t in 1/4096, c = (w // 2, h // 2)."""
    cx, cy = w // 2, h // 2
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    sx = A[0][0] * (x - cx) + A[0][1] * (y - cy) + (cx + MARGIN) * ONE + t[0]
    sy = A[1][0] * (x - cx) + A[1][1] * (y - cy) + (cy + MARGIN) * ONE + t[1]
    ix, iy = sx >> 12, sy >> 12
    fx, fy = sx & (ONE - 1), sy & (ONE - 1)
    H, W = base.shape
    ix0, iy0 = np.clip(ix, 0, W - 2), np.clip(iy, 0, H - 2)
    b00, b01 = base[iy0, ix0], base[iy0, ix0 + 1]
    b10, b11 = base[iy0 + 1, ix0], base[iy0 + 1, ix0 + 1]
    v = b00 * (ONE - fx) * (ONE - fy) + b01 * fx * (ONE - fy) + b10 * (ONE - fx) * fy + b11 * fx * fy
    return ((v + (1 << 23)) >> 24).astype(np.uint8)


def frames(spec):
    """u8 [C, T, H, W]: frame k is the motion applied k times (A^k, accumulated t)."""
    h, w, C, T = spec["h"], spec["w"], spec["channels"], spec["frames"]
    bases = [canvas(h, w, spec["seed"] + 101 * c) for c in range(C)]
    out = np.zeros((C, T, h, w), np.uint8)
    for k in range(T):
        A = [[ONE, 0], [0, ONE]]
        t = [0, 0]
        for _ in range(k):  # compose: q -> A(q - c) + c + t applied k times
            a = spec["A"]
            A2 = [[(a[i][0] * A[0][j] + a[i][1] * A[1][j]) // ONE for j in range(2)] for i in range(2)]
            t = [(a[i][0] * t[0] + a[i][1] * t[1]) // ONE + spec["t"][i] for i in range(2)]
            A = A2
        for c in range(C):
            out[c, k] = warp(bases[c], h, w, A, t)
    return out


def gray(fr):
    if fr.shape[0] == 1:
        return [fr[0, k] for k in range(fr.shape[1])]
    return [cv2.cvtColor(np.ascontiguousarray(fr[:, k].transpose(1, 2, 0)), cv2.COLOR_RGB2GRAY) for k in range(fr.shape[1])]


def flows(spec, p):
    g = gray(frames(spec))
    return [cv2.calcOpticalFlowFarneback(g[k], g[k + 1], None, p["pyrScale"], p["levels"], p["winsize"],
                                         p["iterations"], p["polyN"], p["polySigma"], p["flags"]) for k in range(len(g) - 1)]


def true_flow(spec):
    """Pixel p of frame 0 moves to q = A^-1 (p - c - t) + c in frame 1."""
    h, w = spec["h"], spec["w"]
    A = np.array(spec["A"], np.float64) / ONE
    t = np.array(spec["t"], np.float64) / ONE
    c = np.array([w // 2, h // 2], np.float64)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    P = np.stack([x, y], -1) - c - t
    Q = P @ np.linalg.inv(A).T + c
    return Q[..., 0] - x, Q[..., 1] - y


def epe(f, spec, border):
    u, v = true_flow(spec)
    h, w = spec["h"], spec["w"]
    sl = (slice(border, h - border), slice(border, w - border))
    return float(np.mean(np.hypot(f[..., 0][sl] - u[sl], f[..., 1][sl] - v[sl])))


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


DEFAULTS = {"pyrScale": 0.5, "levels": 3, "winsize": 15, "iterations": 3, "polyN": 5, "polySigma": 1.2, "flags": 0}
ROT3 = [[4090, -214], [214, 4090]]  # 3 degrees: round(4096 cos), round(4096 sin)
ZOOM = [[4301, 0], [0, 4301]]        # x1.05

CASES = [
    # 128 x 160: two pyramid levels above the full resolution (a third would be under 32 px)
    ("pyramid_defaults", {"h": 128, "w": 160, "channels": 3, "frames": 3, "seed": 7, "A": [[ONE, 0], [0, ONE]], "t": [5325, -2458]}, DEFAULTS, 3),
    ("gaussian_polyn7", {"h": 64, "w": 80, "channels": 3, "frames": 2, "seed": 11, "A": ROT3, "t": [2048, 1024]},
     {"pyrScale": 0.5, "levels": 2, "winsize": 11, "iterations": 4, "polyN": 7, "polySigma": 1.5, "flags": cv2.OPTFLOW_FARNEBACK_GAUSSIAN}, 1),
    ("odd_sizes_even_window", {"h": 57, "w": 75, "channels": 3, "frames": 2, "seed": 13, "A": ZOOM, "t": [-3000, 1500]},
     {"pyrScale": 0.6, "levels": 5, "winsize": 8, "iterations": 2, "polyN": 5, "polySigma": 1.1, "flags": 0}, 1),
    ("tiny_window_larger_than_frame", {"h": 20, "w": 24, "channels": 1, "frames": 2, "seed": 17, "A": [[ONE, 0], [0, ONE]], "t": [8192, 4096]},
     {"pyrScale": 0.5, "levels": 3, "winsize": 31, "iterations": 3, "polyN": 5, "polySigma": 1.2, "flags": 0}, 1),
    ("winsize_one_polysigma_zero", {"h": 36, "w": 44, "channels": 3, "frames": 2, "seed": 19, "A": ROT3, "t": [1000, -700]},
     {"pyrScale": 0.5, "levels": 0, "winsize": 1, "iterations": 2, "polyN": 5, "polySigma": 0.0, "flags": 0}, 1),
]

SYNTHETIC = [
    ("translation", {"h": 120, "w": 160, "channels": 1, "frames": 2, "seed": 23, "A": [[ONE, 0], [0, ONE]], "t": [6963, -3686]}),
    ("rotation", {"h": 120, "w": 160, "channels": 1, "frames": 2, "seed": 29, "A": ROT3, "t": [0, 0]}),
    ("zoom", {"h": 120, "w": 160, "channels": 1, "frames": 2, "seed": 31, "A": ZOOM, "t": [0, 0]}),
]
BORDER = 12


def main():
    out = {"opencv": cv2.__version__, "one": ONE, "margin": MARGIN, "cases": [], "synthetic": [], "border": BORDER, "params": DEFAULTS}
    for name, spec, p, stride in CASES:
        fl = flows(spec, p)
        grid = np.stack([np.stack([f[::stride, ::stride, 0], f[::stride, ::stride, 1]]) for f in fl], 1)  # [2, T-1, h', w']
        out["cases"].append({"name": name, "spec": spec, "params": p, "stride": stride, "shape": list(grid.shape), "flow": b64(grid)})
    for name, spec in SYNTHETIC:
        f = flows(spec, DEFAULTS)[0]
        out["synthetic"].append({"name": name, "spec": spec, "opencv_epe": epe(f, spec, BORDER)})
        print(name, "OpenCV EPE", out["synthetic"][-1]["opencv_epe"])
    with open(OUT, "w") as fh:
        json.dump(out, fh)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
