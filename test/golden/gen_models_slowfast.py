"""SlowFast family parity cases (run: cd test/golden && /usr/bin/python3 gen_models_slowfast.py).
References are test/golden/ptv (PyTorchVideo's builders re-stated in plain torch). Narrow widths
and small clips keep each checkpoint small; kwargs are the vidwasm builder's camelCase options,
with factories named by string ("MaxPool3d") for the test to resolve.

Cases: SlowFast-R50 (narrow, beta 4), SlowFast-R18 (default beta 8), SlowFast-R101 (tiny),
SlowFast with the RoI head, Slow-R50 with the RoI head, C2D-R50 and I3D-R50 (createResnet), and a
training-mode forward/backward on SlowFast-R18 (loss, named gradients, updated BN statistics)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, rand
from models_common import randomize, save_case
from ptv.net import DetectionBBoxNetwork
from ptv.resnet import create_resnet, create_resnet_with_roi_head
from ptv.slowfast import create_slowfast, create_slowfast_with_roi_head

torch.manual_seed(0)
SF_NARROW = dict(slowfast_channel_reduction_ratio=(4,), stem_dim_outs=(4, 1), model_num_class=10)
SF_NARROW_TS = dict(slowfastChannelReductionRatio=[4], stemDimOuts=[4, 1], modelNumClass=10)


def clip(n, t, hw, seed):
    return rand(n, 3, t, hw, hw, seed=seed)


class PathwayArgs(DetectionBBoxNetwork):
    """save_case passes named tensors: the first `pathways` of them form the pathway list."""

    def forward(self, x_0, x_1, bboxes):
        return super().forward([x_0, x_1], bboxes)


def boxes(spec):
    """[K, 5]: batch index, x1, y1, x2, y2 in input pixels."""
    return torch.tensor(spec, dtype=torch.float32)


# SlowFast-R50, narrow: slow 4 frames, fast 16 (alpha 4), 40x40 -> 2x2 after stage 5.
m = randomize(create_slowfast(**SF_NARROW, head_pool_kernel_sizes=((4, 2, 2), (16, 2, 2))), seed=1)
save_case("slowfast_r50_narrow", m, [clip(1, 4, 40, 2), clip(1, 16, 40, 3)], "createSlowfast",
          dict(SF_NARROW_TS, headPoolKernelSizes=[[4, 2, 2], [16, 2, 2]]))

# SlowFast-R101 at tiny width, adaptive head pool and softmax activation, batch 2.
m = randomize(create_slowfast(**SF_NARROW, model_depth=101, head_pool=nn.AdaptiveAvgPool3d,
                              head_output_size=((1, 1, 1), (1, 1, 1)), head_activation=nn.Softmax), seed=4)
save_case("slowfast_r101_tiny", m, [clip(2, 2, 32, 5), clip(2, 8, 32, 6)], "createSlowfast",
          dict(SF_NARROW_TS, modelDepth=101, headPool="AdaptiveAvgPool3d", headOutputSize=[[1, 1, 1], [1, 1, 1]],
               headActivation="Softmax"))

# SlowFast-R18 with the default beta 8 (stem 8/1), fusion kernel 5, odd input 36x28; also the
# training-mode forward/backward check (dropout held in eval so the check is deterministic).
R18 = dict(model_depth=18, stem_dim_outs=(8, 1), model_num_class=6, slowfast_fusion_conv_kernel_size=(5, 1, 1),
           head_pool=nn.AdaptiveAvgPool3d, head_output_size=((1, 1, 1), (1, 1, 1)))
R18_TS = dict(modelDepth=18, stemDimOuts=[8, 1], modelNumClass=6, slowfastFusionConvKernelSize=[5, 1, 1],
              headPool="AdaptiveAvgPool3d", headOutputSize=[[1, 1, 1], [1, 1, 1]])
m = randomize(create_slowfast(**R18), seed=7)
xs_train = [rand(2, 3, 2, 36, 28, seed=8), rand(2, 3, 8, 36, 28, seed=9)]
labels = torch.tensor([1, 4])
names = ["blocks.0.multipathway_blocks.0.conv.weight", "blocks.0.multipathway_blocks.1.conv.weight",
         "blocks.0.multipathway_fusion.conv_fast_to_slow.weight", "blocks.2.multipathway_fusion.conv_fast_to_slow.weight",
         "blocks.3.multipathway_blocks.1.res_blocks.0.branch2.norm_b.weight", "blocks.6.proj.weight", "blocks.6.proj.bias"]
buffers = ["blocks.0.multipathway_blocks.0.norm.running_mean", "blocks.3.multipathway_fusion.norm.running_var"]
trained = create_slowfast(**R18)
trained.load_state_dict(m.state_dict())
trained.train()
for mod in trained.modules():
    if isinstance(mod, nn.Dropout):
        mod.eval()
logits = trained([x.clone() for x in xs_train])
loss = F.cross_entropy(logits, labels)
loss.backward()
params, bufs = dict(trained.named_parameters()), dict(trained.named_buffers())
train = {
    "inputs": {f"input_{i}": enc(x) for i, x in enumerate(xs_train)},
    "labels": enc(labels),
    "logits": enc(logits),
    "loss": loss.item(),
    "grads": {n: enc(params[n].grad) for n in names},
    "buffers": {n: enc(bufs[n]) for n in buffers},
}
save_case("slowfast_r18_train", m, [clip(1, 2, 36, 10), clip(1, 8, 36, 11)], "createSlowfast", R18_TS,
          extra={"train": train})

# SlowFast with the RoI head (dilated last stage, stride 16): 2 clips, 3 boxes.
bx = boxes([[0, 2.0, 3.0, 30.0, 35.0], [1, 10.5, 0.0, 39.0, 20.0], [0, 0.0, 0.0, 40.0, 40.0]])
ROI_SF = dict(SF_NARROW, head_pool_kernel_sizes=((2, 1, 1), (8, 1, 1)))
m = randomize(create_slowfast_with_roi_head(**ROI_SF), seed=12)
xs_roi = [clip(2, 2, 40, 13), clip(2, 8, 40, 14)]
# Training mode through RoI align (same inputs as the eval case): loss = sum(scores * w), gradients
# to the backbone and head.
trained = create_slowfast_with_roi_head(**ROI_SF)
trained.load_state_dict(m.state_dict())
trained.train()
for mod in trained.modules():
    if isinstance(mod, nn.Dropout):
        mod.eval()
scores = trained([x.clone() for x in xs_roi], bx)
w = rand(*scores.shape, seed=25)
(scores * w).sum().backward()
params = dict(trained.named_parameters())
roi_names = ["model.blocks.0.multipathway_blocks.0.conv.weight", "model.blocks.1.multipathway_fusion.conv_fast_to_slow.weight",
             "model.blocks.4.multipathway_blocks.0.res_blocks.2.branch2.conv_b.weight", "detection_head.proj.weight"]
roi_train = {"w": enc(w), "scores": enc(scores),
             "grads": {n: enc(params[n].grad) for n in roi_names}}
m.__class__ = PathwayArgs  # same module tree and keys; inputs named x_0, x_1, bboxes
save_case("slowfast_roi", m, {"x_0": xs_roi[0], "x_1": xs_roi[1], "bboxes": bx},
          "createSlowfastWithRoiHead", dict(SF_NARROW_TS, headPoolKernelSizes=[[2, 1, 1], [8, 1, 1]]),
          extra={"pathways": 2, "train": roi_train})

# Slow-R50 with the RoI head (defaults: dilation (1, 2, 2) and stride 1 in stage 5, sigmoid).
m = randomize(create_resnet_with_roi_head(stem_dim_out=4, model_num_class=7), seed=15)
save_case("slow_r50_roi", m, {"x": clip(2, 4, 40, 16), "bboxes": bx}, "createResnetWithRoiHead",
          dict(stemDimOut=4, modelNumClass=7))

# C2D-R50: 2D stem, stage-1 temporal max pool, no temporal kernels.
C2D = dict(stem_dim_out=4, model_num_class=5, stem_conv_kernel_size=(1, 7, 7), stage1_pool=nn.MaxPool3d,
           stage_conv_a_kernel_size=((1, 1, 1),) * 4, head_pool_kernel_size=(2, 2, 2))
m = randomize(create_resnet(**C2D), seed=17)
save_case("c2d_r50", m, clip(1, 4, 40, 18), "createResnet",
          dict(stemDimOut=4, modelNumClass=5, stemConvKernelSize=[1, 7, 7], stage1Pool="MaxPool3d",
               stageConvAKernelSize=[[1, 1, 1]] * 4, headPoolKernelSize=[2, 2, 2]))

# I3D-R50: 5x7x7 stem, stage-1 pool, per-block conv_a kernel lists repeated over the blocks.
I3D_A = ((3, 1, 1), [(3, 1, 1), (1, 1, 1)], [(3, 1, 1), (1, 1, 1)], [(1, 1, 1), (3, 1, 1)])
m = randomize(create_resnet(stem_dim_out=4, model_num_class=5, stem_conv_kernel_size=(5, 7, 7),
                            stage1_pool=nn.MaxPool3d, stage_conv_a_kernel_size=I3D_A,
                            head_pool_kernel_size=(2, 2, 2)), seed=19)
save_case("i3d_r50", m, clip(1, 4, 40, 20), "createResnet",
          dict(stemDimOut=4, modelNumClass=5, stemConvKernelSize=[5, 7, 7], stage1Pool="MaxPool3d",
               stageConvAKernelSize=[[3, 1, 1], [[3, 1, 1], [1, 1, 1]], [[3, 1, 1], [1, 1, 1]], [[1, 1, 1], [3, 1, 1]]],
               headPoolKernelSize=[2, 2, 2]))

# AVSlowFast-R18 (slow 8 / fast 1 / audio 4 channels): slow 2 frames, fast 8, audio 32 x 16 mel bins.
from ptv.audio_visual_slowfast import create_audio_visual_slowfast  # noqa: E402

m = randomize(create_audio_visual_slowfast(model_depth=18, stem_dim_outs=(8, 1, 4), model_num_class=6,
                                           head_pool_kernel_sizes=((2, 2, 2), (8, 2, 2), (4, 1, 2))), seed=21)
save_case("avslowfast_r18", m, [clip(1, 2, 40, 22), clip(1, 8, 40, 23), rand(1, 1, 32, 1, 16, seed=24)],
          "createAudioVisualSlowfast",
          dict(modelDepth=18, stemDimOuts=[8, 1, 4], modelNumClass=6, headPoolKernelSizes=[[2, 2, 2], [8, 2, 2], [4, 1, 2]]))
