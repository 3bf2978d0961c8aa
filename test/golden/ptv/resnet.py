"""Reference re-statement of pytorchvideo.models.resnet (plain torch): bottleneck block, residual
block and stage, create_resnet (C2D / I3D / Slow) and create_resnet_with_roi_head."""
import math
import torch.nn as nn

from .head import create_res_basic_head, create_res_roi_pooling_head
from .net import DetectionBBoxNetwork, Net
from .stem import create_res_basic_stem

_MODEL_STAGE_DEPTH = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


class BottleneckBlock(nn.Module):
    def __init__(self, *, conv_a, norm_a, act_a, conv_b, norm_b, act_b, conv_c, norm_c):
        super().__init__()
        self.conv_a, self.norm_a, self.act_a = conv_a, norm_a, act_a
        self.conv_b, self.norm_b, self.act_b = conv_b, norm_b, act_b
        self.conv_c, self.norm_c = conv_c, norm_c

    def forward(self, x):
        for m in (self.conv_a, self.norm_a, self.act_a, self.conv_b, self.norm_b, self.act_b, self.conv_c, self.norm_c):
            if m is not None:
                x = m(x)
        return x


class ResBlock(nn.Module):
    def __init__(self, branch1_conv=None, branch1_norm=None, branch2=None, activation=None, branch_fusion=None):
        super().__init__()
        self.branch1_conv, self.branch1_norm, self.branch2, self.activation = branch1_conv, branch1_norm, branch2, activation
        self.branch_fusion = branch_fusion or (lambda a, b: a + b)

    def forward(self, x):
        shortcut = x
        if self.branch1_conv is not None:
            shortcut = self.branch1_conv(x)
            if self.branch1_norm is not None:
                shortcut = self.branch1_norm(shortcut)
        x = self.branch_fusion(shortcut, self.branch2(x))
        return self.activation(x) if self.activation is not None else x


class ResStage(nn.Module):
    def __init__(self, res_blocks):
        super().__init__()
        self.res_blocks = res_blocks

    def forward(self, x):
        for b in self.res_blocks:
            x = b(x)
        return x


def create_bottleneck_block(*, dim_in, dim_inner, dim_out, conv_a_kernel_size=(3, 1, 1), conv_a_stride=(2, 1, 1),
                            conv_a_padding=(1, 0, 0), conv_a=nn.Conv3d, conv_b_kernel_size=(1, 3, 3),
                            conv_b_stride=(1, 2, 2), conv_b_padding=(0, 1, 1), conv_b_num_groups=1,
                            conv_b_dilation=(1, 1, 1), conv_b=nn.Conv3d, conv_c=nn.Conv3d, norm=nn.BatchNorm3d,
                            norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU):
    n = (lambda c: None) if norm is None else (lambda c: norm(num_features=c, eps=norm_eps, momentum=norm_momentum))
    a = (lambda: None) if activation is None else activation
    return BottleneckBlock(
        conv_a=conv_a(in_channels=dim_in, out_channels=dim_inner, kernel_size=conv_a_kernel_size,
                      stride=conv_a_stride, padding=conv_a_padding, bias=False),
        norm_a=n(dim_inner), act_a=a(),
        conv_b=conv_b(in_channels=dim_inner, out_channels=dim_inner, kernel_size=conv_b_kernel_size,
                      stride=conv_b_stride, padding=conv_b_padding, bias=False, groups=conv_b_num_groups,
                      dilation=conv_b_dilation),
        norm_b=n(dim_inner), act_b=a(),
        conv_c=conv_c(in_channels=dim_inner, out_channels=dim_out, kernel_size=(1, 1, 1), bias=False),
        norm_c=n(dim_out),
    )


def create_res_block(*, dim_in, dim_inner, dim_out, bottleneck, conv_a_stride=(2, 1, 1), conv_b_stride=(1, 2, 2),
                     conv_skip=nn.Conv3d, norm=nn.BatchNorm3d, norm_eps=1e-5, norm_momentum=0.1,
                     activation_bottleneck=nn.ReLU, activation_block=nn.ReLU, **bottleneck_kwargs):
    stride = tuple(a * b for a, b in zip(conv_a_stride, conv_b_stride))
    project = dim_in != dim_out or math.prod(stride) != 1
    return ResBlock(
        branch1_conv=conv_skip(dim_in, dim_out, kernel_size=(1, 1, 1), stride=stride, bias=False) if project else None,
        branch1_norm=norm(num_features=dim_out, eps=norm_eps, momentum=norm_momentum) if project and norm else None,
        branch2=bottleneck(dim_in=dim_in, dim_inner=dim_inner, dim_out=dim_out, conv_a_stride=conv_a_stride,
                           conv_b_stride=conv_b_stride, norm=norm, norm_eps=norm_eps, norm_momentum=norm_momentum,
                           activation=activation_bottleneck, **bottleneck_kwargs),
        activation=None if activation_block is None else activation_block(),
    )


def create_res_stage(*, depth, dim_in, dim_inner, dim_out, bottleneck, conv_a_kernel_size=(3, 1, 1),
                     conv_a_stride=(2, 1, 1), conv_a_padding=(1, 0, 0), conv_b_stride=(1, 2, 2),
                     activation=nn.ReLU, **kwargs):
    kernels = [conv_a_kernel_size] if isinstance(conv_a_kernel_size[0], int) else list(conv_a_kernel_size)
    pads = [conv_a_padding] if isinstance(conv_a_padding[0], int) else list(conv_a_padding)
    kernels, pads = (kernels * depth)[:depth], (pads * depth)[:depth]
    blocks = [
        create_res_block(dim_in=dim_in if i == 0 else dim_out, dim_inner=dim_inner, dim_out=dim_out,
                         bottleneck=bottleneck, conv_a_kernel_size=kernels[i],
                         conv_a_stride=conv_a_stride if i == 0 else (1, 1, 1), conv_a_padding=pads[i],
                         conv_b_stride=conv_b_stride if i == 0 else (1, 1, 1),
                         activation_bottleneck=activation, activation_block=activation, **kwargs)
        for i in range(depth)
    ]
    return ResStage(res_blocks=nn.ModuleList(blocks))


def conv_b_padding(kernel, dilation):
    """create_resnet's conv_b padding: the dilation on a dilated spatial axis, else kernel // 2."""
    return (kernel[0] // 2,) + tuple(d if d > 1 else k // 2 for k, d in zip(kernel[1:], dilation[1:]))


def create_resnet(*, input_channel=3, model_depth=50, model_num_class=400, dropout_rate=0.5, norm=nn.BatchNorm3d,
                  activation=nn.ReLU, stem_dim_out=64, stem_conv_kernel_size=(3, 7, 7), stem_conv_stride=(1, 2, 2),
                  stem_pool=nn.MaxPool3d, stem_pool_kernel_size=(1, 3, 3), stem_pool_stride=(1, 2, 2),
                  stem=create_res_basic_stem, stage1_pool=None, stage1_pool_kernel_size=(2, 1, 1),
                  stage_conv_a_kernel_size=((1, 1, 1), (1, 1, 1), (3, 1, 1), (3, 1, 1)),
                  stage_conv_b_kernel_size=((1, 3, 3), (1, 3, 3), (1, 3, 3), (1, 3, 3)),
                  stage_conv_b_num_groups=(1, 1, 1, 1),
                  stage_conv_b_dilation=((1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 1)),
                  stage_spatial_h_stride=(1, 2, 2, 2), stage_spatial_w_stride=(1, 2, 2, 2),
                  stage_temporal_stride=(1, 1, 1, 1), bottleneck=create_bottleneck_block, head=create_res_basic_head,
                  head_pool=nn.AvgPool3d, head_pool_kernel_size=(4, 7, 7), head_output_size=(1, 1, 1),
                  head_activation=None, head_output_with_global_average=True):
    depths = _MODEL_STAGE_DEPTH[model_depth]
    if callable(bottleneck):
        bottleneck = [bottleneck] * len(depths)
    blocks = [stem(in_channels=input_channel, out_channels=stem_dim_out, conv_kernel_size=stem_conv_kernel_size,
                   conv_stride=stem_conv_stride, conv_padding=[k // 2 for k in stem_conv_kernel_size], pool=stem_pool,
                   pool_kernel_size=stem_pool_kernel_size, pool_stride=stem_pool_stride,
                   pool_padding=[k // 2 for k in stem_pool_kernel_size], norm=norm, activation=activation)]
    dim_in, dim_out = stem_dim_out, stem_dim_out * 4
    for i, depth in enumerate(depths):
        ka = stage_conv_a_kernel_size[i]
        pa = [k // 2 for k in ka] if isinstance(ka[0], int) else [[k // 2 for k in kk] for kk in ka]
        blocks.append(create_res_stage(
            depth=depth, dim_in=dim_in, dim_inner=dim_out // 4, dim_out=dim_out, bottleneck=bottleneck[i],
            conv_a_kernel_size=ka, conv_a_stride=(stage_temporal_stride[i], 1, 1), conv_a_padding=pa,
            conv_b_kernel_size=stage_conv_b_kernel_size[i],
            conv_b_stride=(1, stage_spatial_h_stride[i], stage_spatial_w_stride[i]),
            conv_b_padding=conv_b_padding(stage_conv_b_kernel_size[i], stage_conv_b_dilation[i]),
            conv_b_num_groups=stage_conv_b_num_groups[i], conv_b_dilation=stage_conv_b_dilation[i],
            norm=norm, activation=activation))
        dim_in, dim_out = dim_out, dim_out * 2
        if i == 0 and stage1_pool:
            blocks.append(stage1_pool(kernel_size=stage1_pool_kernel_size, stride=stage1_pool_kernel_size,
                                      padding=(0, 0, 0)))
    if head is not None:
        blocks.append(head(in_features=dim_in, out_features=model_num_class, pool=head_pool,
                           output_size=head_output_size, pool_kernel_size=head_pool_kernel_size,
                           dropout_rate=dropout_rate, activation=head_activation,
                           output_with_global_average=head_output_with_global_average))
    return Net(blocks=nn.ModuleList(blocks))


def create_resnet_with_roi_head(*, input_channel=3, model_depth=50, model_num_class=80, dropout_rate=0.5,
                                norm=nn.BatchNorm3d, activation=nn.ReLU, stem_dim_out=64,
                                stem_conv_kernel_size=(1, 7, 7), stem_conv_stride=(1, 2, 2), stem_pool=nn.MaxPool3d,
                                stem_pool_kernel_size=(1, 3, 3), stem_pool_stride=(1, 2, 2),
                                stem=create_res_basic_stem, stage1_pool=None, stage1_pool_kernel_size=(2, 1, 1),
                                stage_conv_a_kernel_size=((1, 1, 1), (1, 1, 1), (3, 1, 1), (3, 1, 1)),
                                stage_conv_b_kernel_size=((1, 3, 3), (1, 3, 3), (1, 3, 3), (1, 3, 3)),
                                stage_conv_b_num_groups=(1, 1, 1, 1),
                                stage_conv_b_dilation=((1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 2, 2)),
                                stage_spatial_h_stride=(1, 2, 2, 1), stage_spatial_w_stride=(1, 2, 2, 1),
                                stage_temporal_stride=(1, 1, 1, 1), bottleneck=create_bottleneck_block,
                                head=create_res_roi_pooling_head, head_pool=nn.AvgPool3d,
                                head_pool_kernel_size=(4, 1, 1), head_output_size=(1, 1, 1),
                                head_activation=nn.Sigmoid, head_output_with_global_average=False,
                                head_spatial_resolution=(7, 7), head_spatial_scale=1.0 / 16.0, head_sampling_ratio=0):
    model = create_resnet(
        input_channel=input_channel, model_depth=model_depth, model_num_class=model_num_class,
        dropout_rate=dropout_rate, norm=norm, activation=activation, stem_dim_out=stem_dim_out,
        stem_conv_kernel_size=stem_conv_kernel_size, stem_conv_stride=stem_conv_stride, stem_pool=stem_pool,
        stem_pool_kernel_size=stem_pool_kernel_size, stem_pool_stride=stem_pool_stride, stem=stem,
        stage1_pool=stage1_pool, stage1_pool_kernel_size=stage1_pool_kernel_size,
        stage_conv_a_kernel_size=stage_conv_a_kernel_size, stage_conv_b_kernel_size=stage_conv_b_kernel_size,
        stage_conv_b_num_groups=stage_conv_b_num_groups, stage_conv_b_dilation=stage_conv_b_dilation,
        stage_spatial_h_stride=stage_spatial_h_stride, stage_spatial_w_stride=stage_spatial_w_stride,
        stage_temporal_stride=stage_temporal_stride, bottleneck=bottleneck, head=None)
    return DetectionBBoxNetwork(model, head(
        in_features=stem_dim_out * 2 ** (len(_MODEL_STAGE_DEPTH[model_depth]) + 1), out_features=model_num_class,
        pool=head_pool, output_size=head_output_size, pool_kernel_size=head_pool_kernel_size,
        dropout_rate=dropout_rate, activation=head_activation,
        output_with_global_average=head_output_with_global_average, resolution=head_spatial_resolution,
        spatial_scale=head_spatial_scale, sampling_ratio=head_sampling_ratio))
