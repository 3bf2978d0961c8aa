"""Reference re-statement of pytorchvideo.models.slowfast (plain torch): create_slowfast,
create_slowfast_with_roi_head, PoolConcatPathway, FastToSlowFusionBuilder, FuseFastToSlow."""
import torch
import torch.nn as nn

from .head import create_res_basic_head, create_res_roi_pooling_head
from .net import DetectionBBoxNetwork, MultiPathWayWithFuse, Net
from .resnet import conv_b_padding, create_bottleneck_block, create_res_stage
from .stem import create_res_basic_stem

_MODEL_STAGE_DEPTH = {18: (1, 1, 1, 1), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


class PoolConcatPathway(nn.Module):
    def __init__(self, retain_list=False, pool=None, dim=1):
        super().__init__()
        self.retain_list, self.pool, self.dim = retain_list, pool, dim

    def forward(self, x):
        out = []
        for i, xi in enumerate(x):
            if xi is None:
                continue
            if self.pool is not None and self.pool[i] is not None:
                xi = self.pool[i](xi)
            out.append(xi)
        y = torch.cat(out, 1)
        return [y] if self.retain_list else y


class FuseFastToSlow(nn.Module):
    def __init__(self, conv_fast_to_slow, norm=None, activation=None):
        super().__init__()
        self.conv_fast_to_slow, self.norm, self.activation = conv_fast_to_slow, norm, activation

    def forward(self, x):
        fuse = self.conv_fast_to_slow(x[1])
        if self.norm is not None:
            fuse = self.norm(fuse)
        if self.activation is not None:
            fuse = self.activation(fuse)
        return [torch.cat([x[0], fuse], 1), x[1]]


class FastToSlowFusionBuilder:
    def __init__(self, slowfast_channel_reduction_ratio, conv_fusion_channel_ratio, conv_kernel_size, conv_stride,
                 norm=nn.BatchNorm3d, norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU, max_stage_idx=3):
        self.ratio, self.fusion_ratio = slowfast_channel_reduction_ratio, conv_fusion_channel_ratio
        self.kernel, self.stride, self.norm, self.eps, self.momentum = conv_kernel_size, conv_stride, norm, norm_eps, norm_momentum
        self.activation, self.max_stage_idx = activation, max_stage_idx

    def create_module(self, fusion_dim_in, stage_idx):
        if stage_idx > self.max_stage_idx:
            return nn.Identity()
        c = fusion_dim_in // self.ratio
        return FuseFastToSlow(
            conv_fast_to_slow=nn.Conv3d(c, int(c * self.fusion_ratio), kernel_size=self.kernel, stride=self.stride,
                                        padding=[k // 2 for k in self.kernel], bias=False),
            norm=None if self.norm is None else self.norm(num_features=c * self.fusion_ratio, eps=self.eps,
                                                         momentum=self.momentum),
            activation=None if self.activation is None else self.activation(),
        )


def create_slowfast(*, slowfast_channel_reduction_ratio=(8,), slowfast_conv_channel_fusion_ratio=2,
                    slowfast_fusion_conv_kernel_size=(7, 1, 1), slowfast_fusion_conv_stride=(4, 1, 1),
                    fusion_builder=None, input_channels=(3, 3), model_depth=50, model_num_class=400,
                    dropout_rate=0.5, norm=nn.BatchNorm3d, activation=nn.ReLU,
                    stem_function=(create_res_basic_stem, create_res_basic_stem), stem_dim_outs=(64, 8),
                    stem_conv_kernel_sizes=((1, 7, 7), (5, 7, 7)), stem_conv_strides=((1, 2, 2), (1, 2, 2)),
                    stem_pool=(nn.MaxPool3d, nn.MaxPool3d), stem_pool_kernel_sizes=((1, 3, 3), (1, 3, 3)),
                    stem_pool_strides=((1, 2, 2), (1, 2, 2)),
                    stage_conv_a_kernel_sizes=(((1, 1, 1), (1, 1, 1), (3, 1, 1), (3, 1, 1)),
                                               ((3, 1, 1), (3, 1, 1), (3, 1, 1), (3, 1, 1))),
                    stage_conv_b_kernel_sizes=(((1, 3, 3),) * 4, ((1, 3, 3),) * 4),
                    stage_conv_b_num_groups=((1, 1, 1, 1), (1, 1, 1, 1)),
                    stage_conv_b_dilations=(((1, 1, 1),) * 4, ((1, 1, 1),) * 4),
                    stage_spatial_strides=((1, 2, 2, 2), (1, 2, 2, 2)),
                    stage_temporal_strides=((1, 1, 1, 1), (1, 1, 1, 1)),
                    bottleneck=((create_bottleneck_block,) * 4, (create_bottleneck_block,) * 4),
                    head=create_res_basic_head, head_pool=nn.AvgPool3d,
                    head_pool_kernel_sizes=((8, 7, 7), (32, 7, 7)), head_output_size=(1, 1, 1),
                    head_activation=None, head_output_with_global_average=True):
    npath = len(input_channels)
    depths = _MODEL_STAGE_DEPTH[model_depth]
    if isinstance(slowfast_channel_reduction_ratio, int):
        slowfast_channel_reduction_ratio = (slowfast_channel_reduction_ratio,)
    if callable(stem_pool):
        stem_pool = (stem_pool,) * npath
    if callable(bottleneck):
        bottleneck = ((bottleneck,) * len(depths),) * npath
    if fusion_builder is None:
        fusion_builder = FastToSlowFusionBuilder(
            slowfast_channel_reduction_ratio[0], slowfast_conv_channel_fusion_ratio, slowfast_fusion_conv_kernel_size,
            slowfast_fusion_conv_stride, norm=norm, activation=activation, max_stage_idx=len(depths) - 1,
        ).create_module
    stems = [stem_function[p](
        in_channels=input_channels[p], out_channels=stem_dim_outs[p], conv_kernel_size=stem_conv_kernel_sizes[p],
        conv_stride=stem_conv_strides[p], conv_padding=[k // 2 for k in stem_conv_kernel_sizes[p]],
        pool=stem_pool[p], pool_kernel_size=stem_pool_kernel_sizes[p], pool_stride=stem_pool_strides[p],
        pool_padding=[k // 2 for k in stem_pool_kernel_sizes[p]], norm=norm, activation=activation)
        for p in range(npath)]
    blocks = [MultiPathWayWithFuse(multipathway_blocks=nn.ModuleList(stems),
                                   multipathway_fusion=fusion_builder(fusion_dim_in=stem_dim_outs[0], stage_idx=0))]
    dim_in, dim_out = stem_dim_outs[0], stem_dim_outs[0] * 4
    for idx, depth in enumerate(depths):
        r0 = slowfast_channel_reduction_ratio[0]
        ins = [dim_in + dim_in * slowfast_conv_channel_fusion_ratio // r0]
        inners, outs = [dim_out // 4], [dim_out]
        for r in slowfast_channel_reduction_ratio:
            ins.append(dim_in // r)
            inners.append(dim_out // 4 // r)
            outs.append(dim_out // r)
        stage = []
        for p in range(npath):
            ka, kb, dil = stage_conv_a_kernel_sizes[p][idx], stage_conv_b_kernel_sizes[p][idx], stage_conv_b_dilations[p][idx]
            stage.append(create_res_stage(
                depth=depth, dim_in=ins[p], dim_inner=inners[p], dim_out=outs[p], bottleneck=bottleneck[p][idx],
                conv_a_kernel_size=ka, conv_a_stride=(stage_temporal_strides[p][idx], 1, 1),
                conv_a_padding=[k // 2 for k in ka], conv_b_kernel_size=kb,
                conv_b_stride=(1, stage_spatial_strides[p][idx], stage_spatial_strides[p][idx]),
                conv_b_padding=conv_b_padding(kb, dil), conv_b_num_groups=stage_conv_b_num_groups[p][idx],
                conv_b_dilation=dil, norm=norm, activation=activation))
        blocks.append(MultiPathWayWithFuse(multipathway_blocks=nn.ModuleList(stage),
                                           multipathway_fusion=fusion_builder(fusion_dim_in=dim_out, stage_idx=idx + 1)))
        dim_in, dim_out = dim_out, dim_out * 2
    if head_pool is None:
        pools = None
    elif head_pool == nn.AdaptiveAvgPool3d:
        pools = nn.ModuleList([head_pool(head_output_size[p]) for p in range(npath)])
    elif head_pool == nn.AvgPool3d:
        pools = nn.ModuleList([head_pool(kernel_size=head_pool_kernel_sizes[p], stride=(1, 1, 1), padding=(0, 0, 0))
                               for p in range(npath)])
    else:
        raise NotImplementedError(head_pool)
    blocks.append(PoolConcatPathway(retain_list=False, pool=pools))
    head_in = dim_in + sum(dim_in // r for r in slowfast_channel_reduction_ratio)
    if head is not None:
        blocks.append(head(in_features=head_in, out_features=model_num_class, pool=None, output_size=head_output_size,
                           dropout_rate=dropout_rate, activation=head_activation,
                           output_with_global_average=head_output_with_global_average))
    return Net(blocks=nn.ModuleList(blocks))


def create_slowfast_with_roi_head(*, model_num_class=80, model_depth=50, dropout_rate=0.5, stem_dim_outs=(64, 8),
                                  slowfast_channel_reduction_ratio=(8,),
                                  stage_conv_b_dilations=(((1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 2, 2)),) * 2,
                                  stage_spatial_strides=((1, 2, 2, 1), (1, 2, 2, 1)),
                                  head=create_res_roi_pooling_head, head_pool=nn.AvgPool3d,
                                  head_pool_kernel_sizes=((8, 1, 1), (32, 1, 1)), head_output_size=(1, 1, 1),
                                  head_activation=nn.Sigmoid, head_output_with_global_average=False,
                                  head_spatial_resolution=(7, 7), head_spatial_scale=1.0 / 16.0,
                                  head_sampling_ratio=0, **kwargs):
    model = create_slowfast(model_num_class=model_num_class, model_depth=model_depth, dropout_rate=dropout_rate,
                            stem_dim_outs=stem_dim_outs, slowfast_channel_reduction_ratio=slowfast_channel_reduction_ratio,
                            stage_conv_b_dilations=stage_conv_b_dilations, stage_spatial_strides=stage_spatial_strides,
                            head=None, head_pool=head_pool, head_pool_kernel_sizes=head_pool_kernel_sizes,
                            head_output_size=head_output_size, **kwargs)
    ratios = (slowfast_channel_reduction_ratio,) if isinstance(slowfast_channel_reduction_ratio, int) else slowfast_channel_reduction_ratio
    dim = stem_dim_outs[0] * 2 ** (len(_MODEL_STAGE_DEPTH[model_depth]) + 1)
    head_in = dim + sum(dim // r for r in ratios)
    return DetectionBBoxNetwork(model, head(
        in_features=head_in, out_features=model_num_class, pool=None, output_size=head_output_size,
        dropout_rate=dropout_rate, activation=head_activation,
        output_with_global_average=head_output_with_global_average, resolution=head_spatial_resolution,
        spatial_scale=head_spatial_scale, sampling_ratio=head_sampling_ratio))
