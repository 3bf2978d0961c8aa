"""MViT state dicts as the REAL current PyTorchVideo saves them (issue 15 item 17).
Run: cd test/golden && PYTHONPATH=/work/ref/pytorchvideo:/work/ref/fvcore:/work/ref/iopath /usr/bin/python3 gen_mvit_ptv_aliases.py

Since May 2022, PyTorchVideo's MultiScaleAttention (state-dict version 3) registers each pooling
layer twice: `pool_q` / `norm_q` ... and `_attention_pool_q.pool` / `_attention_pool_q.norm` ...
(the same tensors under two names), so its state dicts carry both key sets. This builds two tiny
MViTs with PyTorchVideo's own create_multiscale_vision_transformers (conv pooling with LayerNorm,
and with BatchNorm3d, whose running stats are aliased too), saves their state dicts with
torch.save (alias keys and `_metadata` included, as users have them), and records the input,
the logits, the keys, and the older key set (no aliases) that vidwasm writes. It also checks
that PyTorchVideo itself loads that older form strictly (its _load_from_state_dict upgrade) and
gives the same logits.

Only PyTorchVideo's model modules are imported: the package __init__ files pull in torchvision
and iopath, which MViT does not use (torchvision.ops.RoIAlign is stubbed for models/head.py)."""
import json
import os
import sys
import types

import torch

REF = "/work/ref"
for name, root in [("pytorchvideo.models", f"{REF}/pytorchvideo"), ("fvcore.nn", f"{REF}/fvcore")]:
    pkg = types.ModuleType(name)
    pkg.__path__ = [os.path.join(root, *name.split("."))]
    sys.modules[name] = pkg
tv, tv_ops = types.ModuleType("torchvision"), types.ModuleType("torchvision.ops")
tv_ops.RoIAlign = type("RoIAlign", (), {})  # imported by models/head.py, unused by MViT
tv.ops = tv_ops
sys.modules["torchvision"], sys.modules["torchvision.ops"] = tv, tv_ops

from pytorchvideo.models.vision_transformers import create_multiscale_vision_transformers  # noqa: E402
from common import enc, randn  # noqa: E402
from models_common import DATA, GOLD, randomize  # noqa: E402
from gen_models_mvit import camel  # noqa: E402

CASES = {
    "mvit_ptv_conv_ln": dict(spatial_size=16, temporal_size=4, depth=2, patch_embed_dim=8, num_heads=2,
                             embed_dim_mul=[[1, 2.0]], atten_head_mul=[[1, 2.0]], pool_q_stride_size=[[1, 1, 2, 2]],
                             pool_kv_stride_adaptive=[1, 2, 2], pool_kvq_kernel=[3, 3, 3], head_num_classes=5),
    "mvit_ptv_conv_bn": dict(spatial_size=16, temporal_size=4, depth=2, patch_embed_dim=8, num_heads=2, norm="batchnorm",
                             pool_q_stride_size=[[1, 1, 2, 2]], pool_kv_stride_adaptive=[1, 2, 2],
                             pool_kvq_kernel=[1, 3, 3], head_num_classes=3),
}
ALIAS = ("._attention_pool_q.", "._attention_pool_k.", "._attention_pool_v.")


def main():
    out = []
    for i, (name, kw) in enumerate(CASES.items()):
        torch.manual_seed(i)
        m = randomize(create_multiscale_vision_transformers(**kw), seed=i + 1).eval()
        x = randn(1, 3, 4, 16, 16, seed=20 + i)
        with torch.no_grad():
            y = m(x)
        sd = m.state_dict()
        keys = list(sd.keys())
        aliases = [k for k in keys if any(a in k for a in ALIAS)]
        assert aliases, f"{name}: this PyTorchVideo writes no alias keys"
        torch.save(sd, os.path.join(DATA, f"{name}.pyth"))
        # The older form, without aliases or version metadata: current PyTorchVideo upgrades it on load,
        # but its upgrade copies only weight/bias: with BatchNorm3d pool norms the running stats stay
        # missing and its strict load fails (recorded, not hidden).
        old = {k: v for k, v in sd.items() if k not in aliases}
        m2 = create_multiscale_vision_transformers(**kw).eval()
        try:
            m2.load_state_dict(old, strict=True)
            with torch.no_grad():
                assert torch.equal(m2(x), y), f"{name}: PyTorchVideo's upgrade of the older form changed the logits"
            upgrades = True
        except RuntimeError as e:
            assert "running_mean" in str(e) and kw.get("norm") == "batchnorm", e
            upgrades = False
        out.append({"name": name, "builder": "createMultiscaleVisionTransformers", "kwargs": camel(kw),
                    "inputs": {"input_0": enc(x)}, "outputs": {"y": enc(y)}, "keys": keys, "olderKeys": list(old.keys()),
                    "ptvLoadsOlderFormStrictly": upgrades})
        print(f"{name}: {len(keys)} keys ({len(aliases)} aliases; PyTorchVideo loads the older form strictly: {upgrades}), checkpoint {os.path.getsize(os.path.join(DATA, name + '.pyth')) // 1024} KiB")
    with open(os.path.join(GOLD, "mvit_ptv_aliases.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
