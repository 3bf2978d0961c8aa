"""Golden dataset outputs for test/data/datasets_golden.test.ts, from the REAL PyTorchVideo 0.1.5
data modules over small generated trees in each dataset's on-disk format: frame folders (2x2
PNG frames whose colour encodes the frame), Kinetics-style csv lists and class trees, HMDB51
split files, Charades/SSv2/AVA frame lists (+ SSv2 label json, AVA box csv and label map),
EpicKitchen and DoMSEV manifests (video info, frame manifest, actions / labels csv).

The JSON holds the trees themselves (text files verbatim, frames as their colour) so the test
rebuilds them, and per dataset what PyTorchVideo yields: paths relative to the tree root, labels,
boxes, clip-dict keys, frame_indices, and the colour of each decoded frame (which frame file was
read). Random draws PyTorchVideo consumes are stored for the test to replay.

Run: PYTHONPATH=/work/ref/pytorchvideo:/work/ref/iopath:/work/ref/fvcore /usr/bin/python3 test/golden/gen_datasets.py
"""
import json
import os
import random
import shutil
import tempfile
from fractions import Fraction

import numpy as np
import torch
from PIL import Image

import ptv_data_env  # stubs; must come before pytorchvideo
from pytorchvideo.data import ava as ava_mod
from pytorchvideo.data import clip_sampling as cs
from pytorchvideo.data.charades import Charades
from pytorchvideo.data.dataset_manifest_utils import VideoClipInfo, VideoDatasetType
from pytorchvideo.data.domsev import DomsevFrameDataset, DomsevVideoDataset
from pytorchvideo.data.epic_kitchen_forecasting import EpicKitchenForecasting
from pytorchvideo.data.epic_kitchen_recognition import EpicKitchenRecognition
from pytorchvideo.data.frame_video import FrameVideo
from pytorchvideo.data.hmdb51 import Hmdb51LabeledVideoPaths
from pytorchvideo.data.labeled_video_dataset import LabeledVideoDataset
from pytorchvideo.data.labeled_video_paths import LabeledVideoPaths
from pytorchvideo.data.ssv2 import SSv2

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "datasets.json")
ROOT = tempfile.mkdtemp(prefix="ptv-golden-")
FILES = {}  # relpath -> {"text": str} | {"png": colour} | {"dir": true}


def colour(video, index):
    return (video << 16) | index


def write_text(rel, text):
    FILES[rel] = {"text": text.replace(ROOT, "${ROOT}")}
    p = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    return p


def write_png(rel, c):
    FILES[rel] = {"png": c}
    p = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    px = np.array([(c >> 16) & 255, (c >> 8) & 255, c & 255], np.uint8)
    Image.fromarray(np.tile(px, (2, 2, 1))).save(p)
    return p


def make_dir(rel):
    FILES[rel] = {"dir": True}
    os.makedirs(os.path.join(ROOT, rel), exist_ok=True)


def rel(p):
    return os.path.relpath(p, ROOT) if isinstance(p, str) and p.startswith(ROOT) else p


def frames_of(video):
    """Colours of each frame of a [C, T, H, W] clip (pixel 0, 0)."""
    v = video.to(torch.int64)
    return [int((v[0, t, 0, 0] << 16) | (v[1, t, 0, 0] << 8) | v[2, t, 0, 0]) for t in range(v.shape[1])]


def jsonable(x):
    if isinstance(x, torch.Tensor):
        if x.dim() == 4:
            return {"frames": frames_of(x), "shape": list(x.shape)}
        if x.dim() == 5:  # EpicKitchen forecasting: [clips, C, T, H, W]
            return {"frames": [c for clip in x for c in frames_of(clip)], "shape": list(x.shape)}
        return {"tensor": x.tolist(), "dtype": str(x.dtype)}
    if isinstance(x, Fraction):
        return {"n": str(x.numerator), "d": str(x.denominator)}
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "__dataclass_fields__"):
        return {k: jsonable(getattr(x, k)) for k in x.__dataclass_fields__}
    return rel(x)


def sample(d):
    return {"keys": sorted(d.keys()), **{k: jsonable(v) for k, v in d.items()}}


def draws_for(n):
    state = random.getstate()
    d = [random.random() for _ in range(n)]
    random.setstate(state)
    return d


def iterate(ds, limit=200):
    out = []
    it = iter(ds)
    for _ in range(limit):
        try:
            out.append(sample(next(it)))
        except StopIteration:
            break
    return out


def attempt(fn):
    try:
        return {"value": jsonable(fn())}
    except (Exception, AssertionError) as e:
        return {"error": type(e).__name__}


def frame_folder(rel_dir, video, n, name=lambda i: f"img_{i + 1:05d}.png"):
    return [write_png(f"{rel_dir}/{name(i)}", colour(video, i)) for i in range(n)]


def main():
    random.seed(4321)
    out = {}

    # ---- FrameVideo: frame indices of get_clip over a grid of exact and float times ----
    nat = frame_folder("fv/clip", 1, 40, name=lambda i: f"frame_{i}.png")  # natural order: frame_2 < frame_10
    grid = []
    times = [0, 0.0, Fraction(1, 10), 0.1, 1 / 3, Fraction(1, 3), Fraction(0.1) * 3, 0.3, 0.5, Fraction(16, 30),
             0.9999999, 1.0, Fraction(39, 30), 1.3, 4 / 3, -0.1]
    for fps in [30, 30.0, 25.0, 29.97, 24]:
        v = FrameVideo.from_directory(os.path.dirname(nat[0]), fps)
        for s in times:
            for e in times:
                if not (float(e) > float(s)):
                    continue
                row = {"fps": fps, "fps_is_int": isinstance(fps, int), "start": jsonable(s), "end": jsonable(e)}
                try:
                    r = v.get_clip(s, e)
                    row["frame_indices"] = None if r is None else r["frame_indices"]
                    row["frames"] = None if r is None else frames_of(r["video"])
                except ValueError:  # no frame in [start, end): np.stack of nothing
                    row["error"] = "ValueError"
                grid.append(row)
    out["frame_video"] = {"dir": "fv/clip", "duration_30": FrameVideo.from_directory(os.path.dirname(nat[0]), 30).duration,
                          "name": FrameVideo.from_directory(os.path.dirname(nat[0])).name, "grid": grid}

    # ---- LabeledVideoPaths: class trees and csv lists ----
    for f in ["cls/a/x1.mp4", "cls/a/zz.MP4", "cls/a/nodotmp4", "cls/a/note.txt", "cls/a/.hidden.avi",
              "cls/a/sub/y.mp4", "cls/a/sub-b/z.avi", "cls/a/sub/deep/w.mp4", "cls/b/c.avi", "cls/b/d e.mp4",
              "cls/B2/f.mp4", "cls/top.mp4"]:
        write_text(f, "")
    for f in ["cls_empty/a/x.mp4", "cls_empty/b/readme.txt"]:
        write_text(f, "")
    make_dir("cls_empty/c")
    lists = {
        "plain.csv": "a.mp4 1\nb c.mp4 2\nd.mp4\ne.mp4,5\nf.mp4\t3\n  g.mp4   4  \nh.mp4 -1",
        "comma.csv": "a.mp4,1\nb.mp4,2",
    }
    for k, t in lists.items():
        write_text(f"lists/{k}", t)
    paths = {}
    for name in ["cls", "cls_empty", "lists/plain.csv", "lists/comma.csv", "missing"]:
        def load(n=name):
            lvp = LabeledVideoPaths.from_path(os.path.join(ROOT, n))
            return [lvp[i] for i in range(len(lvp))]
        paths[name] = attempt(load)
    out["labeled_video_paths"] = paths

    # ---- LabeledVideoDataset (Kinetics/UCF101 style) over frame folders ----
    frame_folder("frames/vidA", 2, 40)
    frame_folder("frames/vidB", 3, 25)
    write_text("kinetics/train.csv", "vidA 0\nvidB 1\n")
    samplers = [
        ("uniform", [0.1], lambda: cs.UniformClipSampler(0.1), 0),
        ("uniform", [0.5, 0.25, True], lambda: cs.UniformClipSampler(0.5, 0.25, True), 0),
        ("uniform", [0.3, 0.5, False], lambda: cs.UniformClipSampler(0.3, 0.5, False), 0),
        ("constant_clips_per_video", [0.7, 3, 2], lambda: cs.ConstantClipsPerVideoSampler(0.7, 3, 2), 0),
        ("random", [0.5], lambda: cs.RandomClipSampler(0.5), 2),
        ("random_multi", [0.4, 2], lambda: cs.RandomMultiClipSampler(0.4, 2), 4),
    ]
    labeled = []
    for kind, args, make, ndraws in samplers:
        draws = draws_for(ndraws)
        lvp = LabeledVideoPaths.from_path(os.path.join(ROOT, "kinetics/train.csv"))
        lvp.path_prefix = os.path.join(ROOT, "frames")
        ds = LabeledVideoDataset(lvp, make(), torch.utils.data.SequentialSampler, decode_audio=False)
        labeled.append({"sampler": kind, "args": args, "draws": draws, "samples": iterate(ds)})
    out["labeled_video_dataset"] = {"data_path": "kinetics/train.csv", "prefix": "frames", "runs": labeled}

    # ---- HMDB51 split files ----
    write_text("hmdb/brush_hair_test_split1.txt", "April_09_brush_hair_u_nm_np1_ba_goo_0.avi 1\nBlonde_being_brushed_brush_hair_f_nm_np2_ri_med_1.avi 2\nx_y_z_a_b_c_d.avi 0\n")
    write_text("hmdb/brush_hair_test_split2.txt", "April_09_brush_hair_u_nm_np1_ba_goo_0.avi 2\n")
    write_text("hmdb/cartwheel_test_split1.txt", "Acrobacias_cartwheel_f_cm_np1_le_med_0.avi 1 \n")
    write_text("hmdb/notes.md", "x")
    hmdb = []
    for split_id, split_type in [(1, "train"), (1, "test"), (1, "unused"), (2, "test"), (3, "train")]:
        def load(i=split_id, t=split_type):
            p = Hmdb51LabeledVideoPaths.from_dir(os.path.join(ROOT, "hmdb"), i, t)
            return [p[k] for k in range(len(p))]
        hmdb.append({"split_id": split_id, "split_type": split_type, **attempt(load)})
    out["hmdb51"] = hmdb

    # ---- Charades / SSv2 frame lists ----
    rows = ["original_vido_id video_id frame_id path labels"]
    for vid, (name, n) in enumerate([("vidA", 40), ("vidB", 25)]):
        for i in range(n):
            lab = ('"3"' if i < 15 else '"3,12"') if name == "vidA" else ('""' if i < 10 else '"120,1"')
            rows.append(f"{name} {vid} {i} {name}/img_{i + 1:05d}.png {lab}")
    write_text("charades/train.csv", "\n".join(rows) + "\n")
    charades = []
    for args, fpc in [([0.5], None), ([0.4, 0.2, True], 4), ([1.0], 7)]:
        ds = Charades(os.path.join(ROOT, "charades/train.csv"), cs.UniformClipSampler(*args), torch.utils.data.SequentialSampler,
                      video_path_prefix=os.path.join(ROOT, "frames"), frames_per_clip=fpc)
        got = iterate(ds)
        for g in got:
            g["video_label"] = sorted(g["video_label"])  # a Python set's order
        charades.append({"args": args, "frames_per_clip": fpc, "samples": got})
    linspace = [[n, k, Charades._sample_clip_frames(list(range(n)), k)] for n in range(1, 49) for k in range(1, 41)]
    out["charades"] = {"data_path": "charades/train.csv", "prefix": "frames", "runs": charades, "sample_clip_frames": linspace}

    write_text("ssv2/labels.json", json.dumps({"Pushing something from left to right": "0", "Putting something on a surface": "1"}))
    write_text("ssv2/train.json", json.dumps([
        {"id": "vidB", "label": "putting a cup on a table", "template": "Putting [something] on a surface", "placeholders": ["a cup"]},
        {"id": "nope", "label": "x", "template": "Pushing [something] from left to right", "placeholders": ["x"]},
        {"id": "vidA", "label": "pushing a pen", "template": "Pushing [something] from left to right", "placeholders": ["a pen"]},
    ]))
    ssv2 = []
    for args, fpc in [([1.0], None), ([0.3], 5), ([2.0], 8)]:
        ds = SSv2(os.path.join(ROOT, "ssv2/labels.json"), os.path.join(ROOT, "ssv2/train.json"), os.path.join(ROOT, "charades/train.csv"),
                  cs.UniformClipSampler(*args), torch.utils.data.SequentialSampler, video_path_prefix=os.path.join(ROOT, "frames"),
                  frames_per_clip=fpc)
        ssv2.append({"args": args, "frames_per_clip": fpc, "samples": iterate(ds)})
    segs = [[n, k, SSv2._sample_clip_frames(list(range(n)), k, False)] for n in range(1, 41) for k in range(1, 17)]
    out["ssv2"] = {"label_name_file": "ssv2/labels.json", "video_label_file": "ssv2/train.json", "video_path_label_file": "charades/train.csv",
                   "prefix": "frames", "runs": ssv2, "sample_clip_frames": segs}

    # ---- AVA ----
    rows = ["original_vido_id video_id frame_id path labels"]
    for vid, name in enumerate(["ava1", "ava2"]):
        for i in range(130):
            # frame list rows out of order: frames are sorted by frame_id
            k = (i * 7) % 130
            rows.append(f"{name} {vid} {k} ava_frames/{name}/{name}_{k + 1:06d}.png \"\"")
            write_png(f"ava_frames/{name}/{name}_{k + 1:06d}.png", colour(8 + vid, k))
    write_text("ava/frame_list.csv", "\n".join(rows) + "\n")
    labels = [
        "ava1,0902,0.125,0.200,0.500,0.900,12,0.9",
        "ava1,0902,0.12,0.2,0.5,0.9,17,0.9",  # merges with the box above ({:.2f}: 0.125 -> 0.12)
        "ava1,0902,0.135,0.2,0.5,0.9,5,0.8",  # 0.135 is 0.13500000000000000888: "0.14", its own box
        "ava1,0902,0.14,0.2,0.5,0.9,80,0.7",
        "ava1,0903,0.3,0.3,0.6,0.6,,1",
        "ava1,0901,0.1,0.1,0.2,0.2,3,1",  # outside 902..1798
        "ava1,1799,0.1,0.1,0.2,0.2,3,1",
        "ava2,0904,0.375,0.625,0.875,0.1,64,2",
        "ava2,0904,0.38,0.62,0.88,0.1,65,3",
        "ava2,0902.5,0.1,0.1,0.2,0.2,2,3",
    ]
    write_text("ava/labels.csv", "\n".join(labels) + "\n")
    write_text("ava/label_map.pbtxt", 'item {\n  name: "bend/bow (at the waist)"\n  id: 1\n}\nitem {\n  name: "x"\n  id: 12\n}\nitem {\n  name: "y"\n  label_id: 64\n}\nitem {\n  name: "z"\n  id: 17\n}\n')
    ava = []
    for label_map, cd in [(None, 1.0), ("ava/label_map.pbtxt", 0.5), (None, 5.0)]:
        lm = os.path.join(ROOT, label_map) if label_map else None
        paths = ava_mod.AvaLabeledVideoFramePaths.from_csv(os.path.join(ROOT, "ava/frame_list.csv"), os.path.join(ROOT, "ava/labels.csv"), ROOT, lm)
        ds = ava_mod.Ava(os.path.join(ROOT, "ava/frame_list.csv"), os.path.join(ROOT, "ava/labels.csv"), ROOT, lm, cs.UniformClipSampler(cd),
                         torch.utils.data.SequentialSampler)
        ava.append({"label_map_file": label_map, "clip_duration": cd, "paths": jsonable(paths), "samples": iterate(ds)})
    keys = [0.125, 0.135, -0.125, 0.375, 0.875, 1.005, 2.675, -0.0, 0.0, 0.12, 12.345, -2.5, 0.625, 0.005, 1e-9, -1e-9, 0.995, 0.3]
    out["ava_box_key"] = [[x, "{:.2f}".format(x)] for x in keys]
    out["ava"] = {"frame_paths_file": "ava/frame_list.csv", "frame_labels_file": "ava/labels.csv", "runs": ava}

    # ---- EpicKitchen and DoMSEV manifests ----
    for vid, (name, n) in enumerate([("P01_01", 90), ("P01_02", 60), ("P02_09", 30)]):
        frame_folder(f"epic/frames/{name}", 12 + vid, n, name=lambda i, s=name: f"{s}_{i + 1:010d}.png")
    write_text("epic/video_info.csv", "video_id,resolution,duration,fps\nP01_02,2x2,2.0,30.0\nP01_01,2x2,3.0,30.0\nP02_09,2x2,5.0,30.0\nP03_03,2x2,1.0,30.0\n")
    manifest = ["video_id,location,frame_file_stem,frame_string_length,min_frame_number,max_frame_number,file_extension"]
    for name, n in [("P01_01", 90), ("P01_02", 60), ("P02_09", 30)]:
        manifest.append(f"{name},{ROOT}/epic/frames/{name},{name}_,17,1,{n},png")
    write_text("epic/frame_manifest.csv", "\n".join(manifest) + "\n")
    actions = ["participant_id,video_id,narration,start_timestamp,stop_timestamp,start_frame,stop_frame,verb,verb_class,noun,noun_class,all_nouns,all_noun_classes",
               'P01,P01_01,open door,00:00:00.10,00:00:00.90,3,27,open,3,door,8,[\'door\'],[8]',
               'P01,P01_01,"take cup, plate",00:00:00.50,00:00:01.20,15,36,take,0,cup,10,"[\'cup\', \'plate\']","[10, 12]"',
               'P01,P01_01,wash cup,00:00:01.50,00:00:02.95,45,88,wash,2,cup,10,[\'cup\'],[10]',
               'P01,P01_01,dry cup,00:00:02.96,00:00:03,89,90,dry,6,cup,10,[\'cup\'],[10]',
               'P01,P01_02,close tap,00:00:00.00,00:00:01.00,1,30,close,4,tap,9,[\'tap\'],[9]',
               'P01,P01_02,open fridge,00:00:01.10,00:00:01.90,33,57,open,3,fridge,11,[\'fridge\'],[11]']
    write_text("epic/actions.csv", "\n".join(actions) + "\n")
    epic = {"video_info_file_path": "epic/video_info.csv", "actions_file_path": "epic/actions.csv",
            "video_data_manifest_file_path": "epic/frame_manifest.csv", "recognition": [], "forecasting": []}
    files = [os.path.join(ROOT, epic[k]) for k in ["video_info_file_path", "actions_file_path", "video_data_manifest_file_path"]]
    for spc, fpc in [(1.0, None), (0.7, 4)]:
        draws = draws_for(3)
        ds = EpicKitchenRecognition(*files, seconds_per_clip=spc, frames_per_clip=fpc, multithreaded_io=False)
        epic["recognition"].append({"seconds_per_clip": spc, "frames_per_clip": fpc, "draws": draws,
                                    "items": [sample(ds[i]) for i in range(len(ds))]})
    for kw in [dict(seconds_per_clip=0.5, clip_time_stride=0.5, num_input_clips=2, frames_per_clip=2, num_forecast_actions=1),
               dict(seconds_per_clip=0.4, clip_time_stride=0.2, num_input_clips=1, frames_per_clip=3, num_forecast_actions=2)]:
        ds = EpicKitchenForecasting(*files, multithreaded_io=False, **kw)
        epic["forecasting"].append({**kw, "items": [sample(ds[i]) for i in range(len(ds))]})
    out["epic_kitchen"] = epic

    write_text("domsev/labels.csv", "video_id,start_time,stop_time,start_frame,stop_frame,label_id,label_name\n"
               "P01_01,0.0,1.2,1,36,1,walking\nP01_01,1.2,3.0,37,90,3,standing\nP01_02,0.5,1.5,16,45,8,eating\nP02_09,0,1,1,30,2,running\n")
    clips = [("P01_01", 0.0, 1.0), ("P01_01", 0.9, 2.3), ("P01_02", 0.25, 1.75), ("P01_01", 2.5, 3.0)]
    domsev = {"video_info_file_path": "epic/video_info.csv", "video_data_manifest_file_path": "epic/frame_manifest.csv",
              "labels_file_path": "domsev/labels.csv", "clips": clips, "video": []}
    for fps in [1, 5]:
        ds = DomsevVideoDataset(os.path.join(ROOT, "epic/frame_manifest.csv"), os.path.join(ROOT, "epic/video_info.csv"),
                                os.path.join(ROOT, "domsev/labels.csv"), lambda videos, labels: [VideoClipInfo(*c) for c in clips],
                                VideoDatasetType.Frame, frames_per_second=fps)
        domsev["video"].append({"frames_per_second": fps, "items": [sample(ds[i]) for i in range(len(ds))]})
    fds = DomsevFrameDataset(os.path.join(ROOT, "epic/frame_manifest.csv"), os.path.join(ROOT, "epic/video_info.csv"),
                             os.path.join(ROOT, "domsev/labels.csv"))
    frames = []
    for i in range(len(fds)):
        try:
            item = fds[i]
            px = np.array(item["image"])[0, 0]
            frames.append({"frame_id": item["frame_id"], "label": item["label"], "colour": int(px[0]) << 16 | int(px[1]) << 8 | int(px[2])})
        except KeyError:
            frames.append({"frame_id": fds._frames[i].frame_id, "error": "KeyError"})
    domsev["frames"] = sorted(frames, key=lambda f: f["frame_id"])
    out["domsev"] = domsev

    # ---- torch's DistributedSampler without shuffling (the shuffled order is torch's RNG) ----
    out["distributed_sampler"] = [
        {"n": n, "world": w, "rank": r, "drop_last": dl,
         "indices": list(torch.utils.data.DistributedSampler(range(n), num_replicas=w, rank=r, shuffle=False, drop_last=dl))}
        for n in [1, 2, 5, 7, 10] for w in [1, 3, 4, 8] for r in range(w) for dl in [False, True]]

    with open(OUT, "w") as f:
        json.dump({"source": "pytorchvideo 0.1.5 (real source), see gen_datasets.py", "torchvision": ptv_data_env.TORCHVISION_WHEEL,
                   "files": FILES, **out}, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT) // 1024} KiB)")
    shutil.rmtree(ROOT)


if __name__ == "__main__":
    main()
