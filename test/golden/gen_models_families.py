"""Parity cases for the CSN, R(2+1)D and acoustic ResNet families and the layers of
pytorchvideo.layers (NonLocal, audio 2-D SE block, fusion, MLP, positional encodings).
Run: cd test/golden && /usr/bin/python3 gen_models_families.py
References: test/golden/ptv/{fam_base,csn,r2plus1d,acoustic,layers}.py (plain-torch restatements).
Also writes data/models_families_fusion.json (stateless fusion layers) and
data/models_families_grad.json: training-mode forward/backward (batch statistics, batch 2) of the
narrow R(2+1)D-R50, a (2+1)D stage and an acoustic stage, with gradients of named parameters."""
import copy
import json
import os
import torch
import torch.nn as nn
from common import case, enc, randn
from models_common import randomize, save_case, GOLD
from ptv.csn import create_csn
from ptv.fam_base import create_res_stage
from ptv.r2plus1d import create_r2plus1d, create_2plus1d_bottleneck_block, create_conv_2plus1d
from ptv.acoustic import ConvReduce3D, create_acoustic_resnet, create_acoustic_bottleneck_block, create_acoustic_building_block
from ptv import layers as L

torch.manual_seed(0)


def csn():
    kw = dict(modelDepth=101, modelNumClass=10, stemDimOut=4, headPoolKernelSize=[1, 2, 2])
    m = randomize(create_csn(model_depth=101, model_num_class=10, stem_dim_out=4, head_pool_kernel_size=(1, 2, 2)), seed=1)
    save_case("csn_r101_narrow", m, randn(1, 3, 4, 32, 32, seed=11), "createCsn", kw)
    m = randomize(create_csn(model_depth=50, model_num_class=6, stem_dim_out=4, stem_pool=nn.MaxPool3d, bottleneck_ratio=8,
                             stage_conv_b_width_per_group=2, head_pool_kernel_size=(1, 1, 1), head_activation=nn.Softmax), seed=27)
    save_case("csn_r50_pool_groups", m, randn(1, 3, 8, 64, 64, seed=51), "createCsn",
              dict(modelDepth=50, modelNumClass=6, stemDimOut=4, stemPool="MaxPool3d", bottleneckRatio=8, stageConvBWidthPerGroup=2,
                   headPoolKernelSize=[1, 1, 1], headActivation="Softmax"))


def r2plus1d():
    kw = dict(modelDepth=50, modelNumClass=10, stemDimOut=4, headPoolKernelSize=[1, 2, 2])
    m = randomize(create_r2plus1d(model_depth=50, model_num_class=10, stem_dim_out=4, head_pool_kernel_size=(1, 2, 2)), seed=2)
    save_case("r2plus1d_r50_narrow", m, randn(1, 3, 4, 64, 64, seed=12), "createR2plus1d", kw)


def acoustic():
    kw = dict(modelDepth=50, modelNumClass=10, stemDimOut=4)
    m = randomize(create_acoustic_resnet(model_depth=50, model_num_class=10, stem_dim_out=4), seed=3)
    save_case("acoustic_r50_narrow", m, randn(1, 1, 32, 1, 32, seed=13), "createAcousticResnet", kw)
    m = randomize(create_acoustic_building_block(dim_in=6, dim_inner=4, dim_out=8, conv_b_kernel_size=(3, 1, 3),
                                                 conv_b_padding=(1, 0, 1), conv_b_stride=(1, 1, 1)), seed=23)
    save_case("acoustic_building_block", m, randn(2, 6, 5, 1, 7, seed=47), "createAcousticBuildingBlock",
              dict(dimIn=6, dimInner=4, dimOut=8, convBKernelSize=[3, 1, 3], convBPadding=[1, 0, 1], convBStride=[1, 1, 1]))
    m = randomize(create_conv_2plus1d(in_channels=5, out_channels=6), seed=24)
    save_case("conv2plus1d", m, randn(1, 5, 5, 7, 6, seed=48), "createConv2plus1d", dict(inChannels=5, outChannels=6))
    m = randomize(create_conv_2plus1d(in_channels=4, out_channels=6, inner_channels=8, kernel_size=(3, 3, 3), stride=(1, 2, 2),
                                      padding=(2, 1, 1), dilation=(2, 1, 1), groups=2), seed=26)
    save_case("conv2plus1d_groups", m, randn(2, 4, 5, 7, 6, seed=50), "createConv2plus1d",
              dict(inChannels=4, outChannels=6, innerChannels=8, kernelSize=[3, 3, 3], stride=[1, 2, 2], padding=[2, 1, 1],
                   dilation=[2, 1, 1], groups=2))
    m = randomize(ConvReduce3D(in_channels=4, out_channels=3, kernel_size=((3, 1, 1), (1, 3, 3), (1, 1, 1)),
                               stride=((1, 2, 2), (1, 2, 2), (1, 2, 2)), padding=((1, 0, 0), (0, 1, 1), None),
                               bias=(True, False, None), reduction_method="cat"), seed=25)
    save_case("conv_reduce_cat", m, randn(1, 4, 3, 5, 5, seed=49), "ConvReduce3D",
              dict(inChannels=4, outChannels=3, kernelSize=[[3, 1, 1], [1, 3, 3], [1, 1, 1]], stride=[[1, 2, 2], [1, 2, 2], [1, 2, 2]],
                   padding=[[1, 0, 0], [0, 1, 1], None], bias=[True, False, None], reductionMethod="cat"))


def layers():
    m = randomize(L.create_nonlocal(dim_in=8, dim_inner=4, pool_size=(1, 2, 2)), seed=4)
    save_case("nonlocal_softmax_pool", m, randn(2, 8, 2, 4, 6, seed=14), "createNonlocal",
              dict(dimIn=8, dimInner=4, poolSize=[1, 2, 2]))
    m = randomize(L.create_nonlocal(dim_in=6, dim_inner=3, instantiation="dot_product", norm=None), seed=5)
    save_case("nonlocal_dot", m, randn(1, 6, 3, 3, 5, seed=15), "createNonlocal",
              dict(dimIn=6, dimInner=3, instantiation="dot_product", norm=None))
    m = randomize(L.create_audio_2d_squeeze_excitation_block(8, 16, use_se=True, se_reduction_ratio=4, conv_a_stride=2), seed=6)
    save_case("audio_se2d_stride", m, randn(2, 8, 9, 10, seed=16), "createAudio2dSqueezeExcitationBlock",
              dict(dimIn=8, dimOut=16, useSe=True, seReductionRatio=4, convAStride=2))
    m = randomize(L.create_audio_2d_squeeze_excitation_block(6, 6), seed=7)
    save_case("audio_se2d_identity", m, randn(1, 6, 5, 7, seed=17), "createAudio2dSqueezeExcitationBlock", dict(dimIn=6, dimOut=6))
    mlp, _ = L.make_multilayer_perceptron([6, 12, 8, 5], norm=nn.BatchNorm1d, final_activation=None)
    save_case("mlp_bn", randomize(mlp, seed=8), randn(4, 6, seed=30), "makeMultilayerPerceptron",
              dict(fullyConnectedDims=[6, 12, 8, 5], norm="BatchNorm1d", finalActivation=None))
    mlp, _ = L.make_multilayer_perceptron([5, 7, 3])
    save_case("mlp_relu", randomize(mlp, seed=9), randn(3, 5, seed=31), "makeMultilayerPerceptron", dict(fullyConnectedDims=[5, 7, 3]))
    save_case("posenc", L.PositionalEncoding(8, 16), randn(2, 5, 8, seed=32), "PositionalEncoding", dict(embedDim=8, seqLen=16))
    m = randomize(L.SpatioTemporalClsPositionalEncoding(8, (2, 2, 3), sep_pos_embed=True), seed=10)
    save_case("st_cls_posenc_sep", m, randn(2, 12, 8, seed=33), "SpatioTemporalClsPositionalEncoding",
              dict(embedDim=8, patchEmbedShape=[2, 2, 3], sepPosEmbed=True))
    m = randomize(L.SpatioTemporalClsPositionalEncoding(8, (2, 2, 2)), seed=11)
    save_case("st_cls_posenc", m, randn(1, 8, 8, seed=34), "SpatioTemporalClsPositionalEncoding",
              dict(embedDim=8, patchEmbedShape=[2, 2, 2]))
    m = randomize(L.SpatioTemporalClsPositionalEncoding(8, (1, 2, 2), has_cls=False), seed=12)
    save_case("st_posenc_nocls", m, randn(2, 4, 8, seed=35), "SpatioTemporalClsPositionalEncoding",
              dict(embedDim=8, patchEmbedShape=[1, 2, 2], hasCls=False))


def fusion():
    """Fusion layers have no state (no checkpoint): inputs and outputs only, in one file."""
    cases = []
    for method, shapes, dims in [
        ("concat", [(2, 3, 5), (2, 3, 7)], [5, 7]), ("temporal_concat", [(2, 3, 5), (2, 4, 5)], [5, 5]),
        ("max", [(2, 3, 5)] * 3, [5, 5, 5]), ("sum", [(2, 3, 5)] * 3, [5, 5, 5]), ("prod", [(2, 3, 5)] * 3, [5, 5, 5]),
    ]:
        xs = {f"input_{i}": randn(*s, seed=20 + i) for i, s in enumerate(shapes)}
        camel = "temporalConcat" if method == "temporal_concat" else method
        y = L.make_fusion_layer(method, dims)(list(xs.values()))
        cases.append(case(f"fusion_{method}", camel, {"featureDims": dims}, xs, {"y": y}))
    with open(os.path.join(GOLD, "models_families_fusion.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


def train_case(name, m, x, names):
    """Training mode (batch-statistics BN): forward, backward of sum(y * gy), named parameter grads.
    The reference is computed in float64 (a deep train-mode BN stack loses ~1e-4 in float32, so a
    float32 reference would not be a 1e-4 reference); torch's own float32 error is recorded."""
    m.train()
    md = copy.deepcopy(m).double()
    y64 = md(x.double())
    gy = randn(*y64.shape, seed=41)
    (y64 * gy.double()).sum().backward()
    y32 = m(x)
    (y32 * gy).sum().backward()
    p32, p64 = dict(m.named_parameters()), dict(md.named_parameters())
    rel = lambda a, b: float((a.double() - b).abs().max() / b.abs().max())
    torch_err = {"y": rel(y32, y64), **{n: rel(p32[n].grad, p64[n].grad) for n in names}}
    print(f"{name}: torch float32 vs float64, max error / max |value|: " + ", ".join(f"{k} {v:.1e}" for k, v in torch_err.items()))
    return {"name": name, "op": "train", "params": {"names": names, "torchF32RelErr": torch_err},
            "inputs": {"x": enc(x), "gy": enc(gy)}, "outputs": {"y": enc(y64.float())},
            "grads": {n: enc(p64[n].grad.float()) for n in names}}


def camel(kw):
    """snake_case keyword arguments -> vidwasm's camelCase options (tuples as lists)."""
    up = lambda k: k.split("_")[0] + "".join(w[:1].upper() + w[1:] for w in k.split("_")[1:])
    return {up(k): list(v) if isinstance(v, tuple) else v for k, v in kw.items()}


def grad_cases():
    cases = []
    # Whole R(2+1)D-R50 (narrow), no temporal striding so every BN sees >= 64 values per channel.
    # Same parameter shapes and seed as r2plus1d_r50_narrow, so the test loads that checkpoint.
    m = randomize(create_r2plus1d(model_depth=50, model_num_class=10, stem_dim_out=4, stage_temporal_stride=(1, 1, 1, 1),
                                  head_pool_kernel_size=(4, 2, 2), head_activation=None), seed=2)
    cases.append(train_case("r2plus1d_r50_train", m, randn(2, 3, 4, 64, 64, seed=40), [
        "blocks.0.conv.weight", "blocks.1.res_blocks.0.branch2.conv_b.conv_t.weight",
        "blocks.2.res_blocks.1.branch2.norm_b.weight", "blocks.4.res_blocks.2.branch2.conv_c.weight",
        "blocks.4.res_blocks.0.branch1_conv.weight", "blocks.5.proj.weight", "blocks.5.proj.bias"]))
    # One (2+1)D residual stage and one acoustic (separable) stage, each two blocks deep.
    st = dict(dim_in=8, dim_inner=4, dim_out=16, conv_a_kernel_size=(1, 1, 1), conv_a_padding=(0, 0, 0),
              conv_b_kernel_size=(3, 3, 3), conv_b_padding=(1, 1, 1), conv_a_stride=(1, 1, 1), conv_b_stride=(2, 2, 2))
    m = randomize(create_res_stage(depth=2, bottleneck=create_2plus1d_bottleneck_block, **st), seed=21)
    save_case("r2plus1d_stage_train", m, randn(1, 8, 4, 8, 8, seed=43), "createResStage",
              dict(camel(st), depth=2, bottleneck="create2plus1dBottleneckBlock"))
    cases.append(train_case("r2plus1d_stage_train", m, randn(2, 8, 4, 8, 8, seed=44), [
        "res_blocks.0.branch1_conv.weight", "res_blocks.0.branch2.conv_b.conv_xy.weight", "res_blocks.0.branch2.conv_b.norm.weight",
        "res_blocks.1.branch2.conv_a.weight", "res_blocks.1.branch2.norm_c.bias"]))
    st = dict(dim_in=8, dim_inner=4, dim_out=16, conv_a_kernel_size=(3, 1, 1), conv_a_padding=(1, 0, 0),
              conv_b_kernel_size=(3, 1, 3), conv_b_padding=(1, 0, 1), conv_a_stride=(2, 1, 1), conv_b_stride=(1, 1, 2))
    m = randomize(create_res_stage(depth=2, bottleneck=create_acoustic_bottleneck_block, **st), seed=22)
    save_case("acoustic_stage_train", m, randn(1, 8, 8, 1, 12, seed=45), "createResStage",
              dict(camel(st), depth=2, bottleneck="createAcousticBottleneckBlock"))
    cases.append(train_case("acoustic_stage_train", m, randn(2, 8, 8, 1, 12, seed=46), [
        "res_blocks.0.branch1_conv.weight", "res_blocks.0.branch2.conv_b.0.weight", "res_blocks.0.branch2.conv_b.1.weight",
        "res_blocks.0.branch2.norm_b.1.weight", "res_blocks.1.branch2.conv_c.weight", "res_blocks.1.branch2.norm_a.bias"]))
    with open(os.path.join(GOLD, "models_families_grad.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    csn()
    r2plus1d()
    acoustic()
    layers()
    fusion()
    grad_cases()
