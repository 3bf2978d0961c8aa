"""IMU golden values from the REAL PyTorchVideo (pytorchvideo.data.ego4d.ego4d_dataset.Ego4dImuData,
0.1.5 source) for test/data/imu.test.ts: generated Ego4D-style CSVs (stored in the JSON, so the test
writes the same files) with the real format's quirks, each loaded by PyTorchVideo and windowed.

Run: PYTHONPATH=/work/ref/pytorchvideo:/work/ref/iopath:/work/ref/fvcore /usr/bin/python3 test/golden/gen_imu.py
(ptv_data_env stubs the modules that are imported but unused here; the Ego4D dataset module's
transform imports are stubbed too: only Ego4dImuData runs.)
"""
import importlib
import json
import os
import sys
import tempfile
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ptv_data_env  # noqa: E402,F401  (stubs)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "imu.json")


def stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


ptv_data_env.ego4d_utils()
names = ["ApplyTransformToKey", "Div255", "Normalize", "RandomShortSideScale", "ShortSideScale"]
stub("pytorchvideo.transforms", **{n: object for n in names})
stub("torchvision.transforms", **{n: object for n in ["CenterCrop", "Compose", "RandomCrop", "RandomHorizontalFlip"]})
ego4d = importlib.import_module("pytorchvideo.data.ego4d.ego4d_dataset")

COLS = ["component_idx", "component_timestamp_ms", "canonical_timestamp_ms", "gyro_x", "gyro_y", "gyro_z", "accl_x", "accl_y", "accl_z"]
rng = np.random.default_rng(7)


def csv_text(ts, rows, empty=()):
    lines = [",".join(COLS)]
    for i, (t, r) in enumerate(zip(ts, rows)):
        cells = [str(i), "%.3f" % (t - 5.0), "%.3f" % t] + ["%.6f" % v for v in r]
        for (ei, ej) in empty:
            if ei == i:
                cells[ej] = ""
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def signal(n):
    t = np.arange(n)
    return np.stack([np.sin(t / 17.0 + k) * (k + 1) + rng.normal(0, 0.1, n) for k in range(6)], 1)


cases = {}
n = 800  # 4 s at 200 Hz
ts = 1000.0 + np.arange(n) * 5.0
cases["regular_200hz"] = csv_text(ts, signal(n))
jit = 1000.0 + np.cumsum(rng.uniform(3.0, 7.0, n))
jit[500:] += 500.0  # a 0.5 s gap
jit[300] = jit[299]  # duplicated timestamps
jit[301] = jit[299]
cases["irregular_gap_dup_empty"] = csv_text(jit, signal(n), empty=[(10, 3), (11, 8), (500, 2 + 1), (900, 5)])
back = 5000.0 - np.arange(400) * 4.9  # timestamps running backwards: regenerated at 198 Hz
cases["backwards_regenerated"] = csv_text(back, signal(400))
few = 1000.0 + np.arange(9) * 5.123
cases["nine_samples"] = csv_text(few, signal(9))

windows = [(0.0, 2.0), (1.0, 3.5), (2.123, 2.124), (3.0, 6.0), (12.0, 13.0), (0.0, 100.0), (3.3, 3.3), (1.0049, 1.0051), (4.2, 4.7)]
out = {"columns": COLS, "cases": []}
with tempfile.TemporaryDirectory() as d:
    for name, text in cases.items():
        with open(os.path.join(d, name + ".csv"), "w") as f:
            f.write(text)
    imu = ego4d.Ego4dImuData(d)
    for name, text in cases.items():
        assert imu.has_imu(name)
        sig, stamps, rate = imu.get_imu(name)
        ws = []
        for (s, e) in windows:
            w = imu.get_imu_sample(name, s, e)
            t, x = w["timestamp"], w["signal"]
            ws.append({"start": s, "end": e, "count": int(len(t)), "sampling_rate": int(w["sampling_rate"]),
                       "timestamp_ends": [float(t[0]), float(t[-1])] if len(t) else [],
                       "signal_head": [[float(v) for v in row] for row in x[:2]],
                       "signal_tail": [[float(v) for v in row] for row in x[-2:]],
                       "signal_sum": [float(v) for v in x.sum(axis=0)] if len(t) else []})
        out["cases"].append({"name": name, "csv": text, "sampling_rate": int(rate), "n": int(len(stamps)),
                             "first_ts": float(stamps[0]), "last_ts": float(stamps[-1]), "windows": ws})
with open(OUT, "w") as f:
    json.dump(out, f)
print("wrote", OUT, os.path.getsize(OUT), "bytes")
