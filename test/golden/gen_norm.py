"""Golden values for batch norm (training with running-stat updates, eval) and layer norm."""
import torch
import torch.nn.functional as F
from common import case, rand, randn, save, with_grads

cases = []


def bn(name, shape, training, affine=True, running=True, momentum=0.1, eps=1e-5, seed=0, scale=1.0, shift=0.0):
    C = shape[1]
    x = randn(*shape, seed=seed) * scale + shift
    rm0 = rand(C, seed=seed + 1, lo=-0.5, hi=0.5) if running else None
    rv0 = rand(C, seed=seed + 2, lo=0.5, hi=2.0) if running else None
    w = rand(C, seed=seed + 3, lo=0.5, hi=1.5) if affine else None
    b = rand(C, seed=seed + 4, lo=-0.5, hi=0.5) if affine else None
    rm, rv = (rm0.clone(), rv0.clone()) if running else (None, None)
    inputs = {"x": x}
    names = ["x"]
    if affine:
        inputs.update(weight=w, bias=b)
        names += ["weight", "bias"]
    fn = lambda x, weight=None, bias=None: F.batch_norm(x, rm, rv, weight, bias, training=training, momentum=momentum, eps=eps)
    out, gy, g = with_grads(fn, inputs, names)
    ins = dict(inputs, gy=gy)
    outs = {"y": out}
    if running:
        ins.update(runningMean=rm0, runningVar=rv0)
        outs.update(runningMean=rm, runningVar=rv)
    cases.append(case(name, "batchNorm", {"training": training, "momentum": momentum, "eps": eps}, ins, outs, g))


bn("bn train [4,3]", (4, 3), True, seed=0)
bn("bn train [2,5,7] momentum 0.3", (2, 5, 7), True, momentum=0.3, seed=10)
bn("bn train [2,6,3,5,4]", (2, 6, 3, 5, 4), True, seed=20, scale=2.0, shift=1.5)
bn("bn train T=1 [2,9,1,3,3] no affine", (2, 9, 1, 3, 3), True, affine=False, seed=30)
bn("bn train [3,4,2,3,3] no running stats", (3, 4, 2, 3, 3), True, running=False, seed=40)
bn("bn train large M [4,3,4,12,12] offset", (4, 3, 4, 12, 12), True, seed=50, scale=0.5, shift=3.0)
bn("bn eval [2,6,3,5,4]", (2, 6, 3, 5, 4), False, seed=60)
bn("bn eval [5,7] eps 1e-3", (5, 7), False, eps=1e-3, seed=70)
bn("bn eval [1,5,1,2,2] no affine", (1, 5, 1, 2, 2), False, affine=False, seed=80)


def ln(name, shape, ns, affine=True, eps=1e-5, seed=0):
    x = randn(*shape, seed=seed) * 2 + 0.5
    inputs, names = {"x": x}, ["x"]
    if affine:
        inputs.update(weight=rand(*ns, seed=seed + 1, lo=0.5, hi=1.5), bias=rand(*ns, seed=seed + 2, lo=-0.5, hi=0.5))
        names += ["weight", "bias"]
    fn = lambda x, weight=None, bias=None: F.layer_norm(x, ns, weight, bias, eps)
    out, gy, g = with_grads(fn, inputs, names)
    cases.append(case(name, "layerNorm", {"normalizedShape": list(ns), "eps": eps}, dict(inputs, gy=gy), {"y": out}, g))


ln("ln [3,7]", (3, 7), (7,), seed=100)
ln("ln [2,3,5] over [3,5]", (2, 3, 5), (3, 5), seed=110)
ln("ln [4,10] no affine", (4, 10), (10,), affine=False, seed=120)
ln("ln [2,4,9] eps 1e-3", (2, 4, 9), (9,), eps=1e-3, seed=130)
ln("ln [2,2,3,4,16] over last", (2, 2, 3, 4, 16), (16,), seed=140)


def gn(name, shape, G, affine=True, eps=1e-5, seed=0):
    C = shape[1]
    x = randn(*shape, seed=seed) * 1.5 - 0.3
    inputs, names = {"x": x}, ["x"]
    if affine:
        inputs.update(weight=rand(C, seed=seed + 1, lo=0.5, hi=1.5), bias=rand(C, seed=seed + 2, lo=-0.5, hi=0.5))
        names += ["weight", "bias"]
    fn = lambda x, weight=None, bias=None: F.group_norm(x, G, weight, bias, eps)
    out, gy, g = with_grads(fn, inputs, names)
    cases.append(case(name, "groupNorm", {"numGroups": G, "eps": eps}, dict(inputs, gy=gy), {"y": out}, g))


gn("gn [2,6,3,4,5] G=3", (2, 6, 3, 4, 5), 3, seed=200)
gn("gn [3,4,7] G=4 no affine", (3, 4, 7), 4, affine=False, seed=210)
gn("gn [2,8] G=2", (2, 8), 2, seed=220)
gn("gn [1,6,1,3,3] G=1 eps 1e-3", (1, 6, 1, 3, 3), 1, eps=1e-3, seed=230)
save("norm", cases)
