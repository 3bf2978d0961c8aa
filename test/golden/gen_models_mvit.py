"""Parity cases for MViT (create_multiscale_vision_transformers and its layers).
Run: cd test/golden && /usr/bin/python3 gen_models_mvit.py
Reference: test/golden/ptv/mvit.py (plain-torch restatement of PyTorchVideo's MViT).
Writes tiny MViTs (conv / avg / max pooling, separable or joint position embeddings, cls token or
mean pooling, pool-first, joint qkv, batchnorm, 2-D patches), MultiScaleAttention alone in each
pool mode, and data/models_mvit_grad.json: a training-mode forward/backward of the tiny MViT
(float64 reference) with gradients of named parameters."""
import copy
import json
import os
import torch
import torch.nn as nn
from common import enc, randn
from models_common import randomize, save_case, GOLD
from ptv.mvit import create_multiscale_vision_transformers, MultiScaleAttention

torch.manual_seed(0)

TINY = dict(spatial_size=32, temporal_size=4, depth=4, patch_embed_dim=16, num_heads=2,
            embed_dim_mul=[[1, 2.0], [3, 2.0]], atten_head_mul=[[1, 2.0], [3, 2.0]],
            pool_q_stride_size=[[1, 1, 2, 2], [3, 1, 2, 2]], pool_kv_stride_adaptive=[1, 4, 4],
            pool_kvq_kernel=[3, 3, 3], head_num_classes=10)


def camel(kw):
    up = lambda k: k.split("_")[0] + "".join(w[:1].upper() + w[1:] for w in k.split("_")[1:])
    fix = {"use2dPatch": "use2dPatch"}
    out = {}
    for k, v in kw.items():
        c = up(k).replace("use_2d", "use2d")
        out[fix.get(c, c)] = list(v) if isinstance(v, tuple) else v.__name__ if isinstance(v, type) else v
    return out


def mvit(name, seed, x, **kw):
    m = randomize(create_multiscale_vision_transformers(**kw), seed=seed)
    save_case(name, m, x, "createMultiscaleVisionTransformers", camel(kw))
    return m


def models():
    mvit("mvit_tiny", 1, randn(2, 3, 4, 32, 32, seed=11), **TINY)
    # No cls token (mean pooling head), joint position embedding, residual pooling, explicit kv strides.
    mvit("mvit_tiny_mean", 2, randn(1, 3, 4, 32, 32, seed=12), spatial_size=32, temporal_size=4, depth=3, patch_embed_dim=8,
         num_heads=2, cls_embed_on=False, sep_pos_embed=False, residual_pool=True, embed_dim_mul=[[1, 2.0]],
         atten_head_mul=[[1, 2.0]], pool_q_stride_size=[[1, 1, 2, 2]],
         pool_kv_stride_size=[[0, 1, 2, 2], [1, 1, 2, 2], [2, 1, 1, 1]], head_num_classes=5)
    # Average pooling, one qkv projection, odd grid (T=3 patches), dropout layers present (eval: identity).
    mvit("mvit_tiny_avg_qkv", 3, randn(1, 3, 6, 24, 40, seed=13), spatial_size=(24, 40), temporal_size=6, depth=2,
         patch_embed_dim=8, num_heads=2, pooling_mode="avg", separate_qkv=False, pool_q_stride_size=[[1, 1, 2, 2]],
         pool_kv_stride_adaptive=[1, 2, 2], dropout_rate_block=0.1, droppath_rate_block=0.2, head_num_classes=4)
    # Max pooling applied before the projections; batchnorm (BatchNorm1d blocks, BatchNorm3d in attention: ignored by
    # max pooling) and no final norm; softmax head.
    mvit("mvit_tiny_max_poolfirst_bn", 4, randn(2, 3, 4, 16, 16, seed=14), spatial_size=16, temporal_size=4, depth=2,
         patch_embed_dim=8, num_heads=2, pooling_mode="max", pool_first=True, norm="batchnorm",
         pool_q_stride_size=[[1, 1, 2, 2]], pool_kv_stride_adaptive=[1, 2, 2], head_num_classes=3, head_activation=nn.Softmax)
    # Conv pooling with BatchNorm3d before the pool (+ GELU), batchnorm blocks.
    mvit("mvit_tiny_conv_bn", 5, randn(2, 3, 4, 16, 16, seed=15), spatial_size=16, temporal_size=4, depth=2,
         patch_embed_dim=8, num_heads=2, norm="batchnorm", pool_q_stride_size=[[1, 1, 2, 2]],
         pool_kv_stride_adaptive=[1, 2, 2], pool_kvq_kernel=[1, 3, 3], head_num_classes=3)
    # 2-D patches (image MViT, temporal_size 1).
    mvit("mvit_tiny_2d", 6, randn(1, 3, 32, 32, seed=16), spatial_size=32, temporal_size=1, depth=2, patch_embed_dim=8,
         num_heads=1, conv_patch_embed_kernel=(7, 7), conv_patch_embed_stride=(4, 4), conv_patch_embed_padding=(3, 3),
         use_2d_patch=True, embed_dim_mul=[[1, 2.0]], atten_head_mul=[[1, 2.0]], pool_q_stride_size=[[1, 1, 2, 2]],
         pool_kv_stride_adaptive=[1, 2, 2], pool_kvq_kernel=[1, 3, 3], head_num_classes=6)


def attention():
    """MultiScaleAttention alone: the forward input is (x, thw); outputs the pooled tokens."""
    for mode, extra in [("conv", dict(residual_pool=True)), ("avg", {}), ("max", dict(has_cls_embed=False))]:
        kw = dict(num_heads=2, qkv_bias=True, kernel_q=(3, 3, 3), kernel_kv=(3, 3, 3), stride_q=(1, 2, 2),
                  stride_kv=(2, 2, 2), pool_mode=mode, **extra)
        m = randomize(MultiScaleAttention(12, **kw), seed=20)
        thw = [3, 4, 5]
        cls = 0 if extra.get("has_cls_embed") is False else 1
        x = randn(2, 60 + cls, 12, seed=21)
        m.eval()
        with torch.no_grad():
            y, q_shape = m(x, thw)

        class Wrap(nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, t):
                return self.inner(t, thw)[0]
        # save_case needs a one-input module: a wrapper; keys are stored without its prefix.
        w = Wrap(m)
        save_case(f"msa_{mode}", w, x, "MultiScaleAttention", dict(dim=12, thw=thw, qShape=list(q_shape), **camel(kw)),
                  extra={"keys": list(m.state_dict().keys())})
        sd = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "models", f"msa_{mode}.pyth")
        torch.save(m.state_dict(), sd)


def train_case(name, m, x, names):
    m.train()
    md = copy.deepcopy(m).double()
    y64 = md(x.double())
    gy = randn(*y64.shape, seed=41)
    (y64 * gy.double()).sum().backward()
    y32 = m(x)
    (y32 * gy).sum().backward()
    p32, p64 = dict(m.named_parameters()), dict(md.named_parameters())
    rel = lambda a, b: float((a.double() - b).abs().max() / b.abs().max())
    err = {"y": rel(y32, y64), **{n: rel(p32[n].grad, p64[n].grad) for n in names}}
    print(f"{name}: torch float32 vs float64: " + ", ".join(f"{k} {v:.1e}" for k, v in err.items()))
    return {"name": name, "op": "train", "params": {"names": names, "torchF32RelErr": err},
            "inputs": {"x": enc(x), "gy": enc(gy)}, "outputs": {"y": enc(y64.float())},
            "grads": {n: enc(p64[n].grad.float()) for n in names}}


def grads():
    # Same weights as mvit_tiny (same seed, same parameter shapes); no head dropout so train = eval numerics.
    m = randomize(create_multiscale_vision_transformers(**dict(TINY, head_dropout_rate=0.0)), seed=1)
    case = train_case("mvit_tiny_train", m, randn(2, 3, 4, 32, 32, seed=40), [
        "patch_embed.patch_model.weight", "cls_positional_encoding.cls_token", "cls_positional_encoding.pos_embed_spatial",
        "cls_positional_encoding.pos_embed_temporal", "blocks.0.attn.pool_k.weight", "blocks.1.attn.pool_q.weight",
        "blocks.1.attn.norm_q.weight", "blocks.1.attn.q.weight", "blocks.0.proj.weight", "blocks.2.proj.bias", "blocks.2.mlp.fc1.weight",
        "blocks.3.norm1.bias", "norm_embed.weight", "head.proj.weight", "head.proj.bias"])
    with open(os.path.join(GOLD, "models_mvit_grad.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": [case]}, f, separators=(",", ":"))


if __name__ == "__main__":
    models()
    attention()
    grads()
