"""Golden values for the training recipes of ts/train (ssl.ts, detection.ts).

SSL: the loss values of SimCLR/BYOL/MoCo v2/MemoryBank are already checked by gen_ssl.py (m4's);
its plain-torch re-statements are reused here (the class section of that file is executed, so
both files state each module once). What this adds is the recipe's training step as the Trainer
runs it: SGD with momentum 0.9 and weight decay on weights only (no decay on biases and 1-D
norm parameters, PySlowFast's ZERO_WD_1D_PARAM), several steps, the BYOL cosine momentum
schedule tau_k = 1 - (1 - base)(cos(pi k / K) + 1) / 2, the MoCo queue and the NPID bank after
those steps.

Detection: frame-level mAP as the AVA evaluation computes it (the TF Object Detection API's
Pascal VOC evaluator, IoU 0.5): per class, detections of each frame sorted by score, each
matched to the ground-truth box of that class with the highest IoU; a true positive when that
IoU >= 0.5 and the box is not yet matched, else a false positive; precision made monotone,
AP = sum over recall steps of dR * P; mAP = mean over classes that have ground truth.

Run: cd test/golden && /usr/bin/python3 gen_ssl_train.py
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn

from common import case, save, rand

# Reuse gen_ssl.py's re-statements (everything before its "small networks" section).
_src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_ssl.py")).read()
exec(_src.split("# ---- small networks")[0])


def backbone():
    return nn.Sequential(nn.Linear(6, 10), nn.ReLU())


def mlp(dims):
    layers = []
    for a, b in zip(dims[:-2], dims[1:-1]):
        layers += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU()]
    layers.append(nn.Linear(dims[-2], dims[-1]))
    return nn.Sequential(*layers)


def sd_inputs(m):
    return {f"sd:{k}": v.clone() for k, v in m.state_dict().items()}


def params_of(m, prefix):
    return {f"{prefix}:{k}": p.detach().clone() for k, p in m.named_parameters()}


def trainer_sgd(m, lr, wd):
    """The Trainer's SGD: decayed weights, then biases / 1-D parameters without decay."""
    decay, no = [], []
    for k, p in m.named_parameters():
        if not p.requires_grad:
            continue
        (no if (p.dim() <= 1 or k.endswith(".bias")) else decay).append(p)
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr, momentum=0.9, weight_decay=wd)


def byol_mmt(k, total, base):
    return 1 - (1 - base) * (math.cos(math.pi * min(k, total) / total) + 1) / 2


cases = []
LR, WD = 0.05, 1e-3

# SimCLR: 3 trainer steps on given view pairs.
torch.manual_seed(10)
m = SimCLR(mlp([10, 16, 8]), backbone(), temperature=0.2)
xs = [rand(5, 6, seed=100 + i) for i in range(6)]
sd = sd_inputs(m)
opt = trainer_sgd(m, LR, WD)
losses = []
for s in range(3):
    opt.zero_grad()
    loss = m(xs[2 * s], xs[2 * s + 1])
    loss.backward()
    opt.step()
    losses.append(loss.detach())
cases.append(case("simclr_steps", "SimCLR", {"temperature": 0.2, "lr": LR, "wd": WD, "steps": 3},
                  {**{f"x{i}": x for i, x in enumerate(xs)}, **sd}, {"losses": torch.stack(losses), **params_of(m, "p")}))

# BYOL: 3 trainer steps, momentum annealed from 0.8 over 4 steps (set before each forward).
torch.manual_seed(11)
m = BYOL(backbone(), mlp([10, 12, 8]), feature_dim=8, predictor_inner=16, mmt=0.8)
with torch.no_grad():
    g = torch.Generator().manual_seed(12)
    for p in m.backbone_mmt.parameters():
        p.add_(torch.rand(p.shape, generator=g) * 0.2 - 0.1)
xs = [rand(4, 6, seed=110 + i) for i in range(6)]
sd = sd_inputs(m)
opt = trainer_sgd(m, LR, WD)
losses, mmts = [], []
for s in range(3):
    m.update_mmt(byol_mmt(s, 4, 0.8))
    mmts.append(m.mmt)
    opt.zero_grad()
    loss = m(xs[2 * s], xs[2 * s + 1])
    loss.backward()
    opt.step()
    losses.append(loss.detach())
online = {k: v for k, v in params_of(m, "p").items() if "backbone_mmt" not in k}
cases.append(case("byol_steps", "BYOL", {"featureDim": 8, "predictorInner": 16, "base": 0.8, "total": 4, "lr": LR, "wd": WD, "steps": 3, "mmts": mmts},
                  {**{f"x{i}": x for i, x in enumerate(xs)}, **sd},
                  {"losses": torch.stack(losses), **params_of(m.backbone_mmt, "mmt"), **online}))

# MoCo v2: 4 trainer steps, queue 8 = 2 batches of 4 (the pointer wraps twice).
torch.manual_seed(13)
m = MoCoV2(backbone(), mlp([10, 12, 8]), dim=8, queue_size=8, mmt=0.9, temperature=0.2)
xs = [rand(4, 6, seed=120 + i) for i in range(8)]
sd = sd_inputs(m)
opt = trainer_sgd(m, LR, WD)
losses = []
for s in range(4):
    opt.zero_grad()
    loss = m(xs[2 * s], xs[2 * s + 1])
    loss.backward()
    opt.step()
    losses.append(loss.detach())
cases.append(case("moco_steps", "MoCoV2", {"dim": 8, "queueSize": 8, "mmt": 0.9, "temperature": 0.2, "lr": LR, "wd": WD, "steps": 4},
                  {**{f"x{i}": x for i, x in enumerate(xs)}, **sd},
                  {"losses": torch.stack(losses), "queue": m.queue.clone(), "queue_ptr": m.queue_ptr.clone(), **params_of(m.encoder_k, "enc_k")}))

# NPID: 3 trainer steps with given negatives; the bank after them.
torch.manual_seed(14)
m = MemoryBank(backbone(), nn.Linear(10, 8), neg_size=5, temperature=0.1, bank_size=12, dim=8, mmt=0.5)
xs = [rand(4, 6, seed=130 + i) for i in range(3)]
inds = [torch.tensor([0, 5, 7, 11]), torch.tensor([3, 5, 2, 9]), torch.tensor([1, 0, 8, 6])]
g = torch.Generator().manual_seed(15)
negs = [torch.randint(0, 12, (4, 6), generator=g) for _ in range(3)]
sd = sd_inputs(m)
opt = trainer_sgd(m, LR, WD)
losses = []
for s in range(3):
    opt.zero_grad()
    loss = m(xs[s], inds[s], negs[s])
    loss.backward()
    opt.step()
    losses.append(loss.detach())
cases.append(case("npid_steps", "MemoryBank", {"negSize": 5, "temperature": 0.1, "bankSize": 12, "dim": 8, "mmt": 0.5, "lr": LR, "wd": WD, "steps": 3},
                  {**{f"x{i}": x for i, x in enumerate(xs)}, **{f"ind{i}": v for i, v in enumerate(inds)},
                   **{f"neg{i}": v for i, v in enumerate(negs)}, **sd},
                  {"losses": torch.stack(losses), "memory": m.memory.clone(), **params_of(m, "p")}))


# ---- detection: AVA frame-level mAP (Pascal VOC at IoU 0.5) ---------------------------------

def iou(a, b):
    """a [N,4], b [M,4] in (x1, y1, x2, y2): areas without +1, as np_box_ops."""
    ix1 = np.maximum(a[:, None, 0], b[None, :, 0]); iy1 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix2 = np.minimum(a[:, None, 2], b[None, :, 2]); iy2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]); ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (aa[:, None] + ab[None, :] - inter)


def voc_ap(precision, recall):
    recall = np.concatenate([[0.0], recall, [1.0]]); precision = np.concatenate([[0.0], precision, [0.0]])
    for i in range(len(precision) - 2, -1, -1):
        precision[i] = max(precision[i], precision[i + 1])
    idx = np.where(recall[1:] != recall[:-1])[0] + 1
    return float(np.sum((recall[idx] - recall[idx - 1]) * precision[idx]))


def frame_map(det_frames, det_boxes, det_scores, gt_frames, gt_boxes, gt_labels, num_classes, thr=0.5):
    aps = []
    for c in range(num_classes):
        n_gt = int(gt_labels[:, c].sum())
        scores, tps = [], []
        for f in sorted(set(det_frames.tolist()) | set(gt_frames.tolist())):
            d = np.where(det_frames == f)[0]
            d = d[np.argsort(-det_scores[d, c], kind="stable")]
            g = np.where((gt_frames == f) & (gt_labels[:, c] > 0))[0]
            taken = np.zeros(len(g), bool)
            ious = iou(det_boxes[d], gt_boxes[g]) if len(g) and len(d) else None
            for j, di in enumerate(d):
                scores.append(det_scores[di, c])
                tp = False
                if ious is not None:
                    k = int(np.argmax(ious[j]))
                    if ious[j, k] >= thr and not taken[k]:
                        taken[k] = True; tp = True
                tps.append(tp)
        if n_gt == 0:
            aps.append(float("nan")); continue
        order = np.argsort(-np.array(scores), kind="stable")
        tp = np.array(tps, float)[order]
        ctp, cfp = np.cumsum(tp), np.cumsum(1 - tp)
        aps.append(voc_ap(ctp / np.maximum(ctp + cfp, 1e-300), ctp / n_gt) if len(tp) else 0.0)
    return float(np.nanmean(aps)), aps


rng = np.random.default_rng(7)
C = 5  # class 4 has no ground truth (left out of the mean), class 3 has ground truth but few hits
gt_frames = np.array([0, 0, 1, 1, 1, 2, 3])
gt_boxes = rng.uniform(0, 0.5, (7, 2)); gt_boxes = np.concatenate([gt_boxes, gt_boxes + rng.uniform(0.2, 0.5, (7, 2))], 1)
gt_labels = np.zeros((7, C)); 
for i, ls in enumerate([[0, 1], [2], [0], [1, 3], [2], [0, 2], [1]]):
    gt_labels[i, ls] = 1
# Detections: jittered copies of the ground truth (some IoU >= 0.5, some not), duplicates, and
# boxes in a frame (4) without ground truth.
det_frames, det_boxes = [], []
for i in range(7):
    for s in (0.02, 0.15):
        det_frames.append(gt_frames[i]); det_boxes.append(gt_boxes[i] + rng.uniform(-s, s, 4))
det_frames.append(4); det_boxes.append(np.array([0.1, 0.1, 0.5, 0.6]))
det_frames.append(2); det_boxes.append(np.array([0.6, 0.6, 0.9, 0.95]))
det_frames = np.array(det_frames); det_boxes = np.array(det_boxes)
det_scores = rng.uniform(0, 1, (len(det_frames), C))
# Stored as float32: compute the reference from the float32 values the test reads.
r32 = lambda a: np.asarray(a, np.float32).astype(np.float64)
det_boxes, det_scores, gt_boxes = r32(det_boxes), r32(det_scores), r32(gt_boxes)
mAP, aps = frame_map(det_frames, det_boxes, det_scores, gt_frames, gt_boxes, gt_labels, C)
# The same with the ground-truth boxes as the detections (AVA's usual "GT proposals" eval).
gt_scores = r32(rng.uniform(0, 1, (7, C)))
mAP_gt, aps_gt = frame_map(gt_frames, gt_boxes, gt_scores, gt_frames, gt_boxes, gt_labels, C)
f32 = lambda a: torch.tensor(np.asarray(a), dtype=torch.float32)
nan_none = lambda xs: [None if math.isnan(a) else a for a in xs]  # JSON has no NaN
cases.append(case("ava_frame_map", "frameMAP", {"numClasses": C, "iou": 0.5, "mAP": mAP, "aps": nan_none(aps), "mAP_gt": mAP_gt, "aps_gt": nan_none(aps_gt)},
                  {"det_frames": torch.tensor(det_frames, dtype=torch.int32), "det_boxes": f32(det_boxes), "det_scores": f32(det_scores),
                   "gt_frames": torch.tensor(gt_frames, dtype=torch.int32), "gt_boxes": f32(gt_boxes), "gt_labels": f32(gt_labels),
                   "gt_scores": f32(gt_scores)},
                  {"aps": f32([0.0 if math.isnan(a) else a for a in aps])}))

save("ssl_train", cases)
print("mAP", mAP, aps, "gt-proposals mAP", mAP_gt)
