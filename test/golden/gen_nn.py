"""Golden values for nn and optim (run: cd test/golden && /usr/bin/python3 gen_nn.py).

Writes data/nn.json:
  optim:  [{name, optimizer, groups: [{params: [i...], **opts}], params0: [T], grads: [[T per param] per step],
            steps: [[T per param] after each step], state: {i: {key: T | number}} after the last step}]
  models: [{name, state_dict: [[key, shape, dtype]], named_parameters: [...], named_buffers: [...],
            named_modules: [...], repr: str}]
  load:   {name, state_dict: {key: T}, x: T, y_eval: T}  (PyTorch weights -> same eval output)
Tensors are encoded as in common.py. Dropout is not golden (RNG differs); tests check its statistics.
"""
import json
import os
from collections import OrderedDict

import torch
import torch.nn as nn
from common import OUT, enc, randn

torch.manual_seed(0)

# ---------------------------------------------------------------- optimizers
SHAPES = [(5, 7), (3,), (2, 1, 3)]  # 35 elements exercises the SIMD body and its tail


def trajectory(name, make_opt, group_split=None, grad_scales=(1.0, 1.0, 1.0)):
    params0 = [randn(*s, seed=100 + i) for i, s in enumerate(SHAPES)]
    grads = [[randn(*s, seed=200 + 10 * k + i) * grad_scales[k] for i, s in enumerate(SHAPES)] for k in range(3)]
    ps = [p.clone().requires_grad_(True) for p in params0]
    groups_spec = group_split or [{"params": list(range(len(ps)))}]
    groups = [dict({k: v for k, v in g.items() if k != "params"}, params=[ps[i] for i in g["params"]]) for g in groups_spec]
    opt = make_opt(groups)
    steps = []
    for k in range(3):
        for p, g in zip(ps, grads[k]):
            p.grad = g.clone()
        opt.step()
        steps.append([enc(p) for p in ps])
    sd = opt.state_dict()
    state = {}
    for i, st in sd["state"].items():
        state[str(i)] = {k: (enc(v) if torch.is_tensor(v) and v.dim() > 0 else (float(v) if v is not None else None))
                         for k, v in st.items()}
    pg = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()} for g in sd["param_groups"]]
    return {
        "name": name,
        "optimizer": type(opt).__name__,
        "groups": groups_spec,
        "params0": [enc(p) for p in params0],
        "grads": [[enc(g) for g in gs] for gs in grads],
        "steps": steps,
        "state": state,
        "param_groups": pg,
    }


optim_cases = [
    trajectory("sgd plain", lambda g: torch.optim.SGD(g, lr=0.1)),
    trajectory("sgd momentum", lambda g: torch.optim.SGD(g, lr=0.05, momentum=0.9)),
    trajectory("sgd momentum dampening", lambda g: torch.optim.SGD(g, lr=0.05, momentum=0.8, dampening=0.3)),
    trajectory("sgd nesterov weight decay", lambda g: torch.optim.SGD(g, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2)),
    trajectory("sgd weight decay no momentum", lambda g: torch.optim.SGD(g, lr=0.2, weight_decay=0.1)),
    trajectory("sgd maximize", lambda g: torch.optim.SGD(g, lr=0.05, momentum=0.5, weight_decay=0.05, maximize=True)),
    trajectory("sgd param groups (no decay on norms/biases)",
               lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9, weight_decay=1e-3),
               group_split=[{"params": [0, 2]}, {"params": [1], "weight_decay": 0.0, "lr": 0.02}]),
    trajectory("adamw default", lambda g: torch.optim.AdamW(g)),
    trajectory("adamw custom", lambda g: torch.optim.AdamW(g, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    trajectory("adamw amsgrad", lambda g: torch.optim.AdamW(g, lr=0.01, amsgrad=True), grad_scales=(3.0, 0.5, 0.2)),
    trajectory("adamw maximize no decay", lambda g: torch.optim.AdamW(g, lr=0.01, weight_decay=0.0, maximize=True)),
    trajectory("adamw param groups",
               lambda g: torch.optim.AdamW(g, lr=0.003, weight_decay=0.05),
               group_split=[{"params": [0]}, {"params": [1, 2], "weight_decay": 0.0, "lr": 0.01}]),
]

# ---------------------------------------------------------------- module trees


def small_net():
    torch.manual_seed(1)
    return nn.Sequential(
        nn.Conv3d(3, 4, 3, padding=1),
        nn.BatchNorm3d(4),
        nn.ReLU(),
        nn.AdaptiveAvgPool3d(1),
        nn.Flatten(),
        nn.Linear(4, 2),
    )


# A PyTorchVideo-shaped tree: the attribute names (snake_case) are PyTorchVideo's.
class ResNetBasicStem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(3, 8, (1, 7, 7), stride=(1, 2, 2), padding=(0, 3, 3), bias=False)
        self.norm = nn.BatchNorm3d(8)
        self.activation = nn.ReLU()
        self.pool = nn.MaxPool3d((1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))


class BottleneckBlock(nn.Module):
    def __init__(self, dim_in, dim_inner, dim_out):
        super().__init__()
        self.conv_a = nn.Conv3d(dim_in, dim_inner, (3, 1, 1), padding=(1, 0, 0), bias=False)
        self.norm_a = nn.BatchNorm3d(dim_inner)
        self.act_a = nn.ReLU()
        self.conv_b = nn.Conv3d(dim_inner, dim_inner, (1, 3, 3), padding=(0, 1, 1), bias=False)
        self.norm_b = nn.BatchNorm3d(dim_inner)
        self.act_b = nn.ReLU()
        self.conv_c = nn.Conv3d(dim_inner, dim_out, 1, bias=False)
        self.norm_c = nn.BatchNorm3d(dim_out)


class ResBlock(nn.Module):
    def __init__(self, dim_in, dim_inner, dim_out, branch1):
        super().__init__()
        self.branch1_conv = nn.Conv3d(dim_in, dim_out, 1, bias=False) if branch1 else None
        self.branch1_norm = nn.BatchNorm3d(dim_out) if branch1 else None
        self.branch2 = BottleneckBlock(dim_in, dim_inner, dim_out)
        self.activation = nn.ReLU()


class ResStage(nn.Module):
    def __init__(self):
        super().__init__()
        self.res_blocks = nn.ModuleList([ResBlock(8, 4, 16, True), ResBlock(16, 4, 16, False)])


class ResNetBasicHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool3d((2, 7, 7), stride=(1, 1, 1))
        self.dropout = nn.Dropout(0.5)
        self.proj = nn.Linear(16, 10)
        self.output_pool = nn.AdaptiveAvgPool3d(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([ResNetBasicStem(), ResStage(), ResNetBasicHead()])


class Odds(nn.Module):
    """Options that change keys: no affine, no running stats, no bias, LayerNorm, named Sequential, tied module."""

    def __init__(self):
        super().__init__()
        self.bn_plain = nn.BatchNorm3d(3, affine=False)
        self.bn_stateless = nn.BatchNorm1d(5, track_running_stats=False, momentum=None, eps=1e-3)
        self.ln = nn.LayerNorm([4, 6], eps=1e-6)
        shared = nn.Linear(6, 6, bias=False)
        self.path = nn.Sequential(OrderedDict([("fc", shared), ("act", nn.Sigmoid()), ("drop", nn.Dropout(0.1))]))
        self.tied = shared
        self.conv2d = nn.Conv2d(4, 6, (3, 5), stride=2, padding=(1, 2), dilation=(1, 2), groups=2)
        self.softmax = nn.Softmax(dim=1)
        self.empty = nn.Identity()


def describe(name, m):
    sd = m.state_dict()
    return {
        "name": name,
        "state_dict": [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in sd.items()],
        "named_parameters": [k for k, _ in m.named_parameters()],
        "named_buffers": [k for k, _ in m.named_buffers()],
        "named_modules": [k for k, _ in m.named_modules()],
        "repr": repr(m),
    }


models = [describe("small_net", small_net()), describe("pytorchvideo_like", Net()), describe("odds", Odds())]

# ---------------------------------------------------------------- load PyTorch weights, same eval output
net = small_net()
net.train()
with torch.no_grad():
    for _ in range(2):  # non-trivial running stats
        net(randn(2, 3, 3, 5, 4, seed=7) * 2 + 0.5)
net.eval()
x = randn(2, 3, 3, 5, 4, seed=8)
with torch.no_grad():
    y = net(x)
load = {
    "name": "small_net",
    "state_dict": {k: enc(v) for k, v in net.state_dict().items()},
    "x": enc(x),
    "y_eval": enc(y),
}

os.makedirs(OUT, exist_ok=True)
path = os.path.join(OUT, "nn.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "optim": optim_cases, "models": models, "load": load}, f, separators=(",", ":"))
print(f"wrote {path}: {len(optim_cases)} optimizer cases, {len(models)} models, {os.path.getsize(path) // 1024} KiB")
