"""The PyTorch anchor of `npm run bench -- models`: eval forward latency of the same
architectures (bench/export_onnx.py's build(), random weights, batch 1) in Debian's PyTorch,
CPU time per forward (time.process_time, median), at torch.set_num_threads(1).

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OMP_WAIT_POLICY=PASSIVE \\
    /usr/bin/python3 bench/models_torch.py [name ...]

Debian's torch 1.13 is built with oneDNN (USE_MKLDNN=ON) and a generic BLAS: the BLAS it
loads is the reference libblas by default and OpenBLAS (apt-get install libopenblas0-pthread)
with the LD_LIBRARY_PATH above, which leaves the system's default BLAS alone.
"""
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import build  # noqa: E402

ROUNDS = {"x3d_xs": 9, "x3d_s": 5, "slow_r50": 3, "slowfast_r50": 3, "r2plus1d_r50": 3}

if __name__ == "__main__":
    torch.set_num_threads(1)
    torch.manual_seed(0)
    blas = os.environ.get("LD_LIBRARY_PATH", "") or "system default"
    print(f"torch {torch.__version__}, 1 thread, BLAS from {blas}; ms = median CPU per forward")
    for name in sys.argv[1:] or list(ROUNDS):
        model, inputs = build(name)
        model.eval()
        times = []
        with torch.no_grad():
            model(*inputs)  # warm-up
            for _ in range(ROUNDS[name]):
                t0 = time.process_time()
                model(*inputs)
                times.append((time.process_time() - t0) * 1000)
        print(f"{name:14s} {statistics.median(times):9.1f} ms  (min {min(times):.1f})", flush=True)
