"""Golden values for ts/train's schedules and metrics (test/train/schedule_metrics.test.ts).
Run: cd test/golden && /usr/bin/python3 gen_train_metrics.py

Schedules: per-step lr of torch.optim.lr_scheduler (CosineAnnealingLR, MultiStepLR stepped
every iteration) and PySlowFast's get_lr_at_epoch (cosine + linear warm-up, written out below
from slowfast/utils/lr_policy.py) at fractional epochs.
Metrics: sklearn's average_precision_score restated in numpy (sklearn is not installed):
AP = sum_n (R_n - R_{n-1}) P_n over distinct score thresholds; PySlowFast's get_map averages it
over classes with a positive. Plus top-1/top-5 (torch.topk) and confusion matrices."""
import json
import math
import os
import numpy as np
import torch
from common import OUT

out = {"torch": torch.__version__, "schedules": [], "metrics": []}


def torch_lrs(make, lr, steps):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    sch = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sch.step()
    return lrs


iters, epochs = 7, 5
total = iters * epochs
out["schedules"].append({"name": "torch_cosine", "opts": {"schedule": "cosine", "lr": 0.4, "epochs": epochs, "itersPerEpoch": iters, "endLr": 0.004},
                         "lrs": torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total, eta_min=0.004), 0.4, total)})
out["schedules"].append({"name": "torch_multistep", "opts": {"schedule": "step", "lr": 0.1, "epochs": epochs, "itersPerEpoch": iters, "steps": [2, 4], "gamma": 0.1},
                         "lrs": torch_lrs(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2 * iters, 4 * iters], gamma=0.1), 0.1, total)})
out["schedules"].append({"name": "torch_constant", "opts": {"schedule": "constant", "lr": 0.05, "epochs": epochs, "itersPerEpoch": iters},
                         "lrs": torch_lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda s: 1.0), 0.05, total)})


def slowfast_lr(cur_epoch, base_lr, max_epoch, end_lr, warmup_epochs, warmup_start, policy, steps=None, lrs=None, after_warmup=False):
    def policy_lr(e):
        if policy == "cosine":
            offset = warmup_epochs if after_warmup else 0.0
            return end_lr + (base_lr - end_lr) * (math.cos(math.pi * (e - offset) / (max_epoch - offset)) + 1.0) * 0.5
        # steps_with_relative_lrs: steps = [0, m1, m2, ...], lrs relative
        ind = [i for i, s in enumerate(steps + [max_epoch]) if e < s][0] - 1
        return lrs[ind] * base_lr
    lr = policy_lr(cur_epoch)
    if cur_epoch < warmup_epochs:
        lr_end = policy_lr(warmup_epochs)
        alpha = (lr_end - warmup_start) / warmup_epochs
        lr = cur_epoch * alpha + warmup_start
    return lr


for name, kw, ours in [
    ("slowfast_cosine_warmup", dict(base_lr=0.8, max_epoch=6, end_lr=0.0, warmup_epochs=1.5, warmup_start=0.01, policy="cosine"),
     {"schedule": "cosine", "lr": 0.8, "epochs": 6, "itersPerEpoch": 10, "endLr": 0.0, "warmupEpochs": 1.5, "warmupStartLr": 0.01}),
    ("slowfast_cosine_after_warmup", dict(base_lr=0.1, max_epoch=4, end_lr=0.001, warmup_epochs=1, warmup_start=0.0, policy="cosine", after_warmup=True),
     {"schedule": "cosine", "lr": 0.1, "epochs": 4, "itersPerEpoch": 10, "endLr": 0.001, "warmupEpochs": 1, "warmupStartLr": 0.0, "cosineAfterWarmup": True}),
    ("slowfast_steps_warmup", dict(base_lr=0.2, max_epoch=6, end_lr=0.0, warmup_epochs=1, warmup_start=0.02, policy="steps", steps=[0, 3, 5], lrs=[1, 0.1, 0.01]),
     {"schedule": "step", "lr": 0.2, "epochs": 6, "itersPerEpoch": 10, "warmupEpochs": 1, "warmupStartLr": 0.02, "steps": [3, 5], "gamma": 0.1}),
]:
    n = ours["epochs"] * ours["itersPerEpoch"]
    out["schedules"].append({"name": name, "opts": ours, "lrs": [slowfast_lr(s / ours["itersPerEpoch"], **kw) for s in range(n)]})


def average_precision(y, s):
    """sklearn.metrics.average_precision_score for one class (binary y)."""
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    distinct = np.where(np.diff(s))[0]
    thr = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[thr]
    fps = 1 + thr - tps
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    recall = np.r_[0, recall]
    return float(np.sum(np.diff(recall) * precision))


rng = np.random.default_rng(0)
for name, n, c, ties, multilabel in [("multilabel_12x5", 12, 5, False, True), ("ties_20x4", 20, 4, True, True),
                                     ("single_label_30x6", 30, 6, False, False), ("missing_class_10x4", 10, 4, False, True)]:
    scores = rng.random((n, c)).astype(np.float32)
    if ties:
        scores = (np.round(scores * 4) / 4).astype(np.float32)
    if multilabel:
        targets = (rng.random((n, c)) < 0.35).astype(np.float32)
        if name.startswith("missing"):
            targets[:, 2] = 0
        for j in range(c):
            if j != 2 or not name.startswith("missing"):
                targets[rng.integers(n), j] = 1
        labels = None
    else:
        labels = rng.integers(0, c, n)
        targets = np.eye(c, dtype=np.float32)[labels]
    per = [average_precision(targets[:, j], scores[:, j].astype(np.float64)) if targets[:, j].sum() > 0 else None for j in range(c)]
    valid = [p for p in per if p is not None]
    case = {"name": name, "n": n, "c": c, "scores": scores.flatten().tolist(), "targets": targets.flatten().tolist(),
            "perClassAP": per, "mAP": float(np.mean(valid))}
    if labels is not None:
        t = torch.from_numpy(scores)
        lab = torch.from_numpy(labels)
        case["labels"] = labels.tolist()
        case["top1"] = float((t.topk(1, 1).indices == lab[:, None]).any(1).float().mean())
        case["top5"] = float((t.topk(5, 1).indices == lab[:, None]).any(1).float().mean())
        cm = np.zeros((c, c), dtype=int)
        for l, p in zip(labels, scores.argmax(1)):
            cm[l, p] += 1
        case["confusion"] = cm.tolist()
    out["metrics"].append(case)

with open(os.path.join(OUT, "train_metrics.json"), "w") as f:
    json.dump(out, f)
print("schedules", len(out["schedules"]), "metric cases", len(out["metrics"]))
