"""Golden values for softmax / log_softmax and the losses (see common.py for the format)."""
import torch
import torch.nn.functional as F
from common import case, rand, randn, save, with_grads

cases = []
# softmax / log_softmax: last dim (inner = 1), middle dims (inner > 1, with odd leftovers), r = 1
for shape, dim, scale in [((3, 7), -1, 1.0), ((2, 5, 3, 4), 1, 3.0), ((2, 5, 3, 5), 2, 1.0), ((2, 3, 5), 0, 1.0),
                          ((4, 1), 1, 1.0), ((2, 6, 3, 5, 7), 1, 2.0), ((2, 9), 1, 40.0), ((3, 13, 2), -1, 1.0)]:
    x = randn(*shape, seed=len(cases)) * scale
    for name, fn in [("softmax", F.softmax), ("logSoftmax", F.log_softmax)]:
        out, gy, g = with_grads(lambda x: fn(x, dim=dim), {"x": x}, ["x"])
        cases.append(case(f"{name} {list(shape)} dim={dim}", name, {"dim": dim}, {"x": x, "gy": gy}, {"y": out}, g))


def ce(name, logits, target, **kw):
    weight = kw.pop("weight", None)
    fn = lambda logits: F.cross_entropy(logits, target, weight=weight, **kw)
    out, gy, g = with_grads(fn, {"logits": logits}, ["logits"])
    inputs = {"logits": logits, "target": target, "gy": gy}
    if weight is not None:
        inputs["weight"] = weight
    params = {"labelSmoothing": kw.get("label_smoothing", 0.0), "reduction": kw.get("reduction", "mean")}
    if "ignore_index" in kw:
        params["ignoreIndex"] = kw["ignore_index"]
    cases.append(case(name, "crossEntropy", params, inputs, {"y": out}, g))


def idx(*shape, C, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, C, shape, generator=g).to(torch.int32)


w7 = rand(7, seed=40, lo=0.2, hi=2.0)
ce("ce [5,7] index mean", randn(5, 7, seed=41) * 2, idx(5, C=7, seed=1).long())
ce("ce [5,7] index smoothing 0.1 weight", randn(5, 7, seed=42) * 2, idx(5, C=7, seed=2).long(), weight=w7, label_smoothing=0.1)
ce("ce [5,7] index smoothing 0.2 none", randn(5, 7, seed=43) * 2, idx(5, C=7, seed=3).long(), label_smoothing=0.2, reduction="none")
ce("ce [6,3] index sum", randn(6, 3, seed=44) * 5, idx(6, C=3, seed=4).long(), reduction="sum")
t = idx(6, C=5, seed=5).long(); t[2] = -100; t[4] = -100
ce("ce [6,5] ignore_index weight smoothing", randn(6, 5, seed=45), t, weight=rand(5, seed=46, lo=0.5, hi=1.5), label_smoothing=0.15)
t = idx(4, C=5, seed=6).long(); t[1] = 3
ce("ce [4,5] ignore_index=3 none", randn(4, 5, seed=47), t, ignore_index=3, reduction="none")
ce("ce [3,4,5,2] index spatial smoothing", randn(3, 4, 5, 2, seed=48), idx(3, 5, 2, C=4, seed=7).long(), label_smoothing=0.1)
ce("ce [2,6,3] index spatial weight none", randn(2, 6, 3, seed=49), idx(2, 3, C=6, seed=8).long(), weight=rand(6, seed=50, lo=0.3, hi=1.0), reduction="none")
ce("ce [9] single sample", randn(9, seed=51), torch.tensor(4), label_smoothing=0.05)
probs = torch.softmax(randn(5, 7, seed=52), 1)
ce("ce [5,7] soft mean", randn(5, 7, seed=53) * 2, probs)
ce("ce [5,7] soft smoothing 0.3 weight sum", randn(5, 7, seed=54), probs, weight=w7, label_smoothing=0.3, reduction="sum")
ce("ce [2,4,3] soft spatial smoothing none", randn(2, 4, 3, seed=55), torch.softmax(randn(2, 4, 3, seed=56), 1), label_smoothing=0.1, reduction="none")
ce("ce [3,11] soft weight mean", randn(3, 11, seed=57), torch.softmax(randn(3, 11, seed=58) * 3, 1), weight=rand(11, seed=59, lo=0.1, hi=2.0))


def bce(name, logits, target, reduction="mean", pos_weight=None, weight=None):
    fn = lambda logits, target: F.binary_cross_entropy_with_logits(logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction)
    out, gy, g = with_grads(fn, {"logits": logits, "target": target}, ["logits", "target"])
    inputs = {"logits": logits, "target": target, "gy": gy}
    if pos_weight is not None:
        inputs["posWeight"] = pos_weight
    if weight is not None:
        inputs["weight"] = weight
    cases.append(case(name, "bceWithLogits", {"reduction": reduction}, inputs, {"y": out}, g))


bce("bce [4,6] mean", randn(4, 6, seed=60) * 5, rand(4, 6, seed=61, lo=0, hi=1))
bce("bce [4,6] pos_weight sum", randn(4, 6, seed=62) * 30, (rand(4, 6, seed=63, lo=0, hi=1) > 0.5).float(), "sum", pos_weight=rand(6, seed=64, lo=0.5, hi=3))
bce("bce [3,5] weight none", randn(3, 5, seed=65) * 3, rand(3, 5, seed=66, lo=0, hi=1), "none", weight=rand(3, 1, seed=67, lo=0.2, hi=1.5))
bce("bce [7] pos_weight weight mean", randn(7, seed=68) * 100, rand(7, seed=69, lo=0, hi=1), pos_weight=rand(7, seed=70, lo=0.5, hi=2), weight=rand(7, seed=71, lo=0.5, hi=2))

for red in ["mean", "sum", "none"]:
    a, b = randn(3, 5, seed=72), randn(3, 5, seed=73)
    out, gy, g = with_grads(lambda a, b: F.mse_loss(a, b, reduction=red), {"a": a, "b": b}, ["a", "b"])
    cases.append(case(f"mse [3,5] {red}", "mseLoss", {"reduction": red}, {"a": a, "b": b, "gy": gy}, {"y": out}, g))

lp = torch.log_softmax(randn(6, 5, seed=74), 1)
t = idx(6, C=5, seed=9).long(); t[3] = -100
w5 = rand(5, seed=75, lo=0.5, hi=1.5)
for red in ["mean", "none"]:
    out, gy, g = with_grads(lambda x: F.nll_loss(x, t, weight=w5, reduction=red), {"x": lp}, ["x"])
    cases.append(case(f"nll [6,5] weight ignore {red}", "nllLoss", {"reduction": red}, {"x": lp, "target": t, "weight": w5, "gy": gy}, {"y": out}, g))
save("softmax_loss", cases)
