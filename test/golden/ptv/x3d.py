"""Reference re-statement of pytorchvideo.models.x3d in plain torch (for golden values only):
the (2+1)D stem, the bottleneck with depthwise conv, SE on every other block and Swish, and the
ProjectedPool head. Module names are PyTorchVideo's, so the state-dict keys are the same."""
import math
import torch
import torch.nn as nn

from .head import ResNetBasicHead
from .net import Net
from .resnet import BottleneckBlock, ResBlock, ResStage
from .stem import ResNetBasicStem


def round_width(width, multiplier, min_width=8, divisor=8):
    if not multiplier:
        return width
    width *= multiplier
    min_width = min_width or divisor
    out = max(min_width, int(width + divisor / 2) // divisor * divisor)
    if out < 0.9 * width:
        out += divisor
    return int(out)


def round_repeats(repeats, multiplier):
    return int(math.ceil(multiplier * repeats)) if multiplier else repeats


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class SqueezeExcitation(nn.Module):
    def __init__(self, num_channels, num_channels_reduced):
        super().__init__()
        self.block = nn.Sequential(nn.Conv3d(num_channels, num_channels_reduced, 1, bias=True), nn.ReLU(),
                                   nn.Conv3d(num_channels_reduced, num_channels, 1, bias=True), nn.Sigmoid())

    def forward(self, x):
        return x * self.block(x.mean(dim=(2, 3, 4), keepdim=True))


class Conv2plus1d(nn.Module):
    def __init__(self, conv_t, conv_xy):
        super().__init__()
        self.conv_t, self.conv_xy = conv_t, conv_xy

    def forward(self, x):
        return self.conv_xy(self.conv_t(x))


class ProjectedPool(nn.Module):
    def __init__(self, pre_conv, pre_norm, pre_act, pool, post_conv, post_norm, post_act):
        super().__init__()
        self.pre_conv, self.pre_norm, self.pre_act, self.pool = pre_conv, pre_norm, pre_act, pool
        self.post_conv, self.post_norm, self.post_act = post_conv, post_norm, post_act

    def forward(self, x):
        for m in (self.pre_conv, self.pre_norm, self.pre_act, self.pool, self.post_conv, self.post_norm, self.post_act):
            if m is not None:
                x = m(x)
        return x


def create_x3d(*, input_clip_length=13, input_crop_size=160, model_num_class=400, dropout_rate=0.5, width_factor=2.0,
               depth_factor=2.2, stem_dim_in=12, bottleneck_factor=2.25, se_ratio=0.0625, head_dim_out=2048):
    """create_x3d with the default kernels/strides (stem 5x3x3 stride 1x2x2, stages 3x3x3 stride 2), no head activation."""
    stem_out = round_width(stem_dim_in, width_factor)
    blocks = [ResNetBasicStem(
        conv=Conv2plus1d(conv_t=nn.Conv3d(3, stem_out, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), bias=False),
                         conv_xy=nn.Conv3d(stem_out, stem_out, (5, 1, 1), stride=1, padding=(2, 0, 0), bias=False, groups=stem_out)),
        norm=nn.BatchNorm3d(stem_out), activation=nn.ReLU())]
    depths = [1, 2, 5, 3]
    dims = [stem_dim_in]
    for i in range(1, 4):
        dims.append(round_width(dims[-1], 2.0))
    dim_in = stem_out
    for i, d in enumerate(depths):
        dim_out = round_width(dims[i], width_factor)
        dim_inner = int(bottleneck_factor * dim_out)
        res = []
        for j in range(round_repeats(d, depth_factor)):
            bin_ = dim_in if j == 0 else dim_out
            stride = (1, 2, 2) if j == 0 else (1, 1, 1)
            se = SqueezeExcitation(dim_inner, round_width(dim_inner, se_ratio)) if (j + 1) % 2 and se_ratio > 0 else nn.Identity()
            branch2 = BottleneckBlock(
                conv_a=nn.Conv3d(bin_, dim_inner, 1, bias=False), norm_a=nn.BatchNorm3d(dim_inner), act_a=nn.ReLU(),
                conv_b=nn.Conv3d(dim_inner, dim_inner, 3, stride=stride, padding=1, bias=False, groups=dim_inner),
                norm_b=nn.Sequential(nn.BatchNorm3d(dim_inner), se), act_b=Swish(),
                conv_c=nn.Conv3d(dim_inner, dim_out, 1, bias=False), norm_c=nn.BatchNorm3d(dim_out))
            project = bin_ != dim_out or stride != (1, 1, 1)
            res.append(ResBlock(
                branch1_conv=nn.Conv3d(bin_, dim_out, 1, stride=stride, bias=False) if project else None,
                branch1_norm=nn.BatchNorm3d(dim_out) if bin_ != dim_out else None,
                branch2=branch2, activation=nn.ReLU()))
        blocks.append(ResStage(res_blocks=nn.ModuleList(res)))
        dim_in = dim_out
    pool_k = (input_clip_length, math.ceil(input_crop_size / 32), math.ceil(input_crop_size / 32))
    blocks.append(ResNetBasicHead(
        pool=ProjectedPool(pre_conv=nn.Conv3d(dim_out, dim_inner, 1, bias=False), pre_norm=nn.BatchNorm3d(dim_inner),
                           pre_act=nn.ReLU(), pool=nn.AvgPool3d(pool_k, stride=1),
                           post_conv=nn.Conv3d(dim_inner, head_dim_out, 1, bias=False), post_norm=None, post_act=nn.ReLU()),
        dropout=nn.Dropout(dropout_rate) if dropout_rate > 0 else None,
        proj=nn.Linear(head_dim_out, model_num_class), activation=None, output_pool=nn.AdaptiveAvgPool3d(1)))
    return Net(blocks=nn.ModuleList(blocks))
