"""Model parity cases (run with /usr/bin/python3). PyTorchVideo itself cannot be installed here
(no PyPI, no Debian package), so each family's reference is built in PyTorch by test/golden/ptv/,
a small re-statement of PyTorchVideo's module trees written from its documented source; the two
real-PyTorchVideo fixtures in ../shared/fixtures (X3D-XS, Slow-R50) anchor it.

save_case(name, model, inputs, builder, kwargs) writes:
  test/data/models/<name>.pyth   the state dict (torch.save zip, as vidwasm reads it)
  test/golden/data/models_<name>.json   inputs, eval-mode outputs, and the builder call
Weights are randomised (BN stats too) so no branch is multiplied by zero.
"""
import json
import os
import torch
from common import enc

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "models")
GOLD = os.path.join(HERE, "data")


def randomize(model, seed=0):
    """Random weights with sane scales; BN affine and running stats randomised too."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                if m.affine:
                    m.weight.copy_(1 + 0.3 * torch.randn(m.weight.shape, generator=g))
                    m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
                m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=g))
                m.running_var.copy_(1 + 0.5 * torch.rand(m.running_var.shape, generator=g))
                m.num_batches_tracked.fill_(2)
                continue
            for p in m.parameters(recurse=False):
                fan = p[0].numel() if p.dim() > 1 else 1
                p.copy_(torch.randn(p.shape, generator=g) / fan ** 0.5)
    return model


def save_case(name, model, inputs, builder, kwargs, extra=None):
    """inputs: a tensor, a list of tensors (multi-pathway), or a dict of named tensors."""
    os.makedirs(DATA, exist_ok=True)
    model.eval()
    with torch.no_grad():
        if isinstance(inputs, dict):
            out = model(**inputs)
            named = inputs
        else:
            out = model(inputs)
            named = {f"input_{i}": t for i, t in enumerate(inputs)} if isinstance(inputs, list) else {"input_0": inputs}
    torch.save(model.state_dict(), os.path.join(DATA, f"{name}.pyth"))
    case = {
        "name": name,
        "builder": builder,
        "kwargs": kwargs,
        "multipathway": isinstance(inputs, list),
        "inputs": {k: enc(v) for k, v in named.items()},
        "outputs": {"y": enc(out)},
        "keys": list(model.state_dict().keys()),
    }
    if extra:
        case.update(extra)
    with open(os.path.join(GOLD, f"models_{name}.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": [case]}, f, separators=(",", ":"))
    size = os.path.getsize(os.path.join(DATA, f"{name}.pyth"))
    print(f"{name}: {sum(p.numel() for p in model.parameters())} params, checkpoint {size // 1024} KiB, output {tuple(out.shape)}")
