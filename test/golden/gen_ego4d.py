"""Golden clip dicts for test/data/ego4d.test.ts from the REAL PyTorchVideo Ego4dMomentsDataset
(pytorchvideo/data/ego4d, 0.1.5 source) with its real dependencies: PyAV (Debian's python3-av)
decoding, torchaudio (python3-torchaudio 0.13.1) spectrograms, torchvision transforms.

Generated data, in Ego4D's shapes: small mp4 files (H.264 + 48 kHz stereo AAC, made by the
system ffmpeg; frame t is a grey ramp whose level encodes t), the moments annotation json
(videos -> clips -> annotations -> labels with clip and video times), the ego4d.json metadata
(video_uid, duration_sec, is_stereo, manifold_path), IMU CSVs with the real format's quirks
(jittered 200 Hz timestamps, a duplicated timestamp, empty cells, a recording that stops early)
and a label-id map json. The JSON written here holds those files (mp4 as base64) so the test
rebuilds the same tree, and per run what PyTorchVideo yields per clip: the keys, times, labels,
the IMU window, the transformed video (per-frame means and two pixel rows) and the audio.

One change to what runs, because the real code cannot run otherwise: PyTorchVideo's PyAV
decoder already averages the channels into a 1-D waveform [S], and Ego4D's _preproc_audio then
takes torch.mean(audio, dim=0, keepdim=True) again, which reduces [S] to a single number and
makes the spectrogram fail. The run below hands _preproc_audio the waveform as [1, S] (so that
mean is the identity, as intended); everything else is PyTorchVideo's code unchanged.

Audio windows: PyTorchVideo keeps whole AAC frames (1024 samples) whose pts fall in the window;
vidwasm cuts sample-exactly. The annotations are chosen so every window edge falls on a frame
boundary (asserted below), where the two agree.

STREAM_START: a window starting at 0 s is decoded by PyAV right after a seek to the stream's
start, and its first AAC frame comes out with 448 leading zeros and a different first frame
(decoder state after the seek; a straight decode of the file gives the real samples, as
ffmpeg.wasm does). Those clips' waveforms are recorded but the test checks only their shapes.

Run: PYTHONPATH=/work/ref/pytorchvideo:/work/ref/iopath:/work/ref/fvcore /usr/bin/python3 test/golden/gen_ego4d.py
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import torch

for _n in ["aiofiles", "portalocker"]:
    sys.modules[_n] = types.ModuleType(_n)
sys.modules["tqdm"] = types.SimpleNamespace(tqdm=lambda *a, **k: None)

from pytorchvideo.data.ego4d import ego4d_dataset as ego4d  # noqa: E402
from pytorchvideo.data.ego4d.utils import MomentsClipSampler  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "ego4d.json")
ROOT = tempfile.mkdtemp(prefix="ptv-ego4d-")
FILES = {}
WINDOW = 1.6
SR = 48000
rng = np.random.default_rng(11)


def put(rel, data, binary=False):
    p = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb" if binary else "w") as f:
        f.write(data)
    FILES[rel] = {"b64": base64.b64encode(data).decode()} if binary else {"text": data.replace(ROOT, "${ROOT}")}
    return p


def make_video(rel, seconds, audio_seconds):
    """64x48 at 30 fps; frame t: grey level 16 + 2x + (t % 80) (x the column); stereo AAC tones."""
    p = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    subprocess.run([
        "ffmpeg", "-y", "-loglevel", "error",
        "-f", "lavfi", "-i", f"nullsrc=size=64x48:rate=30:duration={seconds},format=gray,geq=lum='16+2*X+mod(N,80)'",
        "-f", "lavfi", "-i", f"aevalsrc=0.4*sin(2*PI*440*t)+0.2*sin(2*PI*3000*t*t)|0.3*sin(2*PI*660*t):s={SR}:d={audio_seconds}",
        "-c:v", "libx264", "-crf", "16", "-pix_fmt", "yuv420p", "-g", "15", "-bf", "0",
        "-c:a", "aac", "-b:a", "48k", p], check=True)
    with open(p, "rb") as f:
        FILES[rel] = {"b64": base64.b64encode(f.read()).decode()}
    return p


IMU_COLS = ["component_idx", "component_timestamp_ms", "canonical_timestamp_ms", "gyro_x", "gyro_y", "gyro_z", "accl_x", "accl_y", "accl_z"]


def imu_csv(seconds):
    n = int(seconds * 200)
    ts = np.cumsum(rng.uniform(4.0, 6.0, n)) - 5.0
    ts[40] = ts[39]  # duplicated timestamp
    t = np.arange(n)
    sig = np.stack([np.sin(t / (9.0 + k)) * (k + 1) + rng.normal(0, 0.05, n) for k in range(6)], 1)
    lines = [",".join(IMU_COLS)]
    for i in range(n):
        cells = [str(i), "%.3f" % (ts[i] + 3.0), "%.3f" % ts[i]] + ["%.4f" % v for v in sig[i]]
        if i in (7, 300):
            cells[4 + (i % 5)] = ""  # empty cells count as 0.0
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def lab(label, start, end, clip_start=0.0):
    """A label in Ego4D's shape: clip-relative and video times (and frames)."""
    return {"start_time": start - clip_start, "end_time": end - clip_start, "video_start_time": start, "video_end_time": end,
            "video_start_frame": int(start * 30), "video_end_frame": int(end * 30), "label": label, "primary": True}


def clip(uid, start, end, annotations):
    return {"clip_uid": uid, "video_start_sec": start, "video_end_sec": end, "video_start_frame": int(start * 30),
            "video_end_frame": int(end * 30), "clip_start_sec": 0.0, "clip_end_sec": end - start,
            "annotations": [{"annotator_uid": f"ann{i}", "labels": ls} for i, ls in enumerate(annotations)]}


def build_tree():
    a = make_video("videos/vid_a.mp4", 8, 8)
    b = make_video("videos/vid_b.mp4", 6, 6.4)  # audio longer than video: duration 6.4
    c = make_video("videos/vid_c.mp4", 4, 4)
    put("imu/vid_a.csv", imu_csv(8.2))
    put("imu/vid_b.csv", imu_csv(2.8))  # the recording stops at 2.8 s
    put("imu/vid_d.csv", imu_csv(4.0))
    put("imu/README.txt", "not a recording, but listed: PyTorchVideo keys files by the name before the first dot\n")
    moments = {"version": "v1", "date": "2026-12-03", "description": "generated", "videos": [
        {"video_uid": "vid_a", "split": "train", "clips": [
            clip("clip_a0", 0.0, 5.0, [[lab("cut", 0.1, 0.5), lab("same_time", 1.0, 1.0), lab("wash", 3.2, 4.8)],
                                       [lab("cut", 0.1, 0.5), lab("not_in_map", 2.0, 2.5)]]),
            clip("clip_a1", 4.0, 8.0, [[lab("stir", 4.48, 6.72, 4.0), lab("wash", 7.5, 7.9, 4.0), lab("pour", 3.84, 6.08, 4.0)]]),
        ]},
        {"video_uid": "vid_b", "split": "train", "clips": [
            clip("clip_b0", 0.0, 6.0, [[lab("cut", 0.96, 2.56), lab("stir", 1.92, 3.52), lab("pour", 5.9, 6.3)]]),
        ]},
        {"video_uid": "vid_c", "split": "val", "clips": [
            clip("clip_c0", 0.0, 4.0, [[lab("wash", 0.32, 1.92), lab("cut", 1.88, 2.28), lab("stir", 1.6, 3.2)]]),
        ]},
        {"video_uid": "vid_d", "split": "train", "clips": [clip("clip_d0", 0.0, 4.0, [[lab("cut", 1.0, 2.0)]])]},
        {"video_uid": "vid_e", "split": "test", "clips": [clip("clip_e0", 0.0, 4.0, [[lab("cut", 0.32, 1.92)]])]},
    ]}
    put("annotations/moments.json", json.dumps(moments, indent=1))
    meta = {"date": "2026-12-03", "videos": [
        {"video_uid": "vid_a", "duration_sec": 8.0, "is_stereo": False, "manifold_path": a},
        {"video_uid": "vid_b", "duration_sec": 6.0, "is_stereo": False, "manifold_path": b},
        {"video_uid": "vid_c", "duration_sec": 4.0, "is_stereo": False, "manifold_path": c},
        {"video_uid": "vid_d", "duration_sec": 4.0, "is_stereo": True, "manifold_path": c},
        {"video_uid": "vid_e", "duration_sec": 4.0, "is_stereo": False, "manifold_path": c},
    ]}
    put("ego4d.json", json.dumps(meta, indent=1))
    put("label_map.json", json.dumps({"cut": 0, "wash": 1, "stir": 2, "pour": 3}))


def f32(t):
    return base64.b64encode(np.ascontiguousarray(np.asarray(t, dtype=np.float32)).tobytes()).decode()


def summary(d, keep_video, keep_spec):
    out = {"keys": sorted(d.keys())}
    for k in ["video_name", "video_index", "clip_index", "aug_index", "clip_uid", "video_uid", "duration", "clip_video_start_sec",
              "clip_video_end_sec", "labels", "label_video_start_sec", "label_video_end_sec", "labels_id", "clip_start", "clip_end",
              "labels_onehot"]:
        out[k] = d[k]
    out["video_path"] = os.path.relpath(d["video_path"], ROOT)
    v = d["video"]
    out["video_shape"] = list(v.shape)
    if keep_video:
        out["video_frame_means"] = v.mean(dim=(0, 2, 3)).tolist()
        out["video_rows"] = {"first_row0": v[0, 0, 0].tolist(), "first_row111": v[1, 0, 111].tolist(), "last_row223": v[2, -1, 223].tolist()}
    a = d["audio"]
    sig, spec = a["signal"], a["spectrogram"]
    assert sig.shape[1] == round(WINDOW * SR), ("audio window not frame aligned", d["clip_start"], sig.shape)
    out["audio"] = {"sampling_rate": a["sampling_rate"], "signal_shape": list(sig.shape), "signal_head": sig[0, :8].tolist(),
                    "signal_sum": float(sig.double().sum()), "signal_abs_sum": float(sig.double().abs().sum()),
                    "spectrogram_shape": list(spec.shape), "spectrogram_sum": float(spec.double().sum())}
    assert torch.equal(d["spectrogram"], spec)
    if keep_spec:
        out["audio"]["spectrogram_first40_b64"] = f32(spec[0, :40].T)  # [T, 40]: the first 40 bins of [T, F]
    if "imu" in d:
        m = d["imu"]
        x = m["signal"]
        out["imu"] = {"sampling_rate": int(m["sampling_rate"]), "count": int(len(m["timestamp"])),
                      "timestamp_ends": [float(m["timestamp"][0]), float(m["timestamp"][-1])],
                      "signal_head": x[:2].tolist(), "signal_tail": x[-2:].tolist(), "signal_sum": x.sum(axis=0).tolist()}
    return out


RUNS = [
    # name, kwargs (vidwasm names are derived in the test), what to keep
    ("train_imu_melspectrogram", dict(split="train", imu=True, imu_path="imu", audio_transform_type="melspectrogram",
                                      label_id_map={"cut": 0, "wash": 1, "stir": 2, "pour": 3}), dict(video=False, spec=1)),
    ("val_spectrogram_labelmap_path", dict(split="val", imu=False, audio_transform_type="spectrogram", label_id_map_path="label_map.json"),
     dict(video=True, spec=1)),
    ("train_mfcc_filtered", dict(split="train", imu=False, audio_transform_type="mfcc", filtered_labels=["cut", "stir", "pour"],
                                 label_id_map={"cut": 0, "wash": 1, "stir": 2, "pour": 3}), dict(video=False, spec=1)),
]


def main():
    build_tree()
    orig = ego4d.Ego4dMomentsDataset._preproc_audio
    ego4d.Ego4dMomentsDataset._preproc_audio = lambda self, audio, fps: orig(self, audio.reshape(1, -1), fps)
    runs = []
    for name, kw, keep in RUNS:
        kw = dict(kw)
        for k in ["imu_path", "label_id_map_path"]:
            if k in kw:
                kw[k] = os.path.join(ROOT, kw[k])
        torch.manual_seed(0)
        ds = ego4d.Ego4dMomentsDataset(annotation_path=os.path.join(ROOT, "annotations/moments.json"),
                                       metadata_path=os.path.join(ROOT, "ego4d.json"), decode_audio=True, window_sec=WINDOW, **kw)
        samples = [{k: (os.path.relpath(v, ROOT) if k == "video_path" else v) for k, v in info.items()}
                   for _, info in ds._labeled_videos._paths_and_labels] if hasattr(ds._labeled_videos, "_paths_and_labels") else None
        clips = []
        for d in ds:
            # the first window that does not start the stream (see STREAM_START below)
            spec = d["clip_start"] > 0 and sum("spectrogram_first40_b64" in c["audio"] for c in clips) < keep["spec"]
            clips.append(summary(d, keep["video"], spec))
        runs.append({"name": name, "kwargs": {k: (os.path.relpath(v, ROOT) if isinstance(v, str) and v.startswith(ROOT) else v) for k, v in kw.items()},
                     "num_videos": ds.num_videos, "cnt_samples": ds.cnt_samples, "num_classes": ds.num_classes, "samples": samples, "clips": clips})
        print(name, ds.cnt_samples, "samples,", len(clips), "clips")
    with open(OUT, "w") as f:
        json.dump({"window_sec": WINDOW, "files": FILES, "runs": runs}, f)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
