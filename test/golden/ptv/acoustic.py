"""Acoustic ResNet re-stated from pytorchvideo/models/{resnet,stem}.py and ConvReduce3D from
pytorchvideo/layers/convolutions.py (plain torch). create_acoustic_resnet follows the documented
signature (seeds' API reference): the create_resnet body with an acoustic stem, H/W strides and a
per-stage bottleneck list. Both separable conv_b branches take the full conv_b stride (the
PyTorchVideo code that lets a W-strided stage sum its two branches)."""
import torch
import torch.nn as nn
from ptv.fam_base import DEPTHS, Net, half, ResNetBasicStem, create_res_stage, create_bottleneck_block, create_res_basic_head


class ConvReduce3D(nn.Module):
    def __init__(self, *, in_channels, out_channels, kernel_size, stride=None, padding=None, dilation=None, groups=None,
                 bias=None, reduction_method="sum"):
        super().__init__()
        self.reduction_method = reduction_method
        convs = []
        for i, k in enumerate(kernel_size):
            kw = {}
            for name, v in (("stride", stride), ("padding", padding), ("dilation", dilation), ("groups", groups), ("bias", bias)):
                if v is not None and v[i] is not None:
                    kw[name] = v[i]
            convs.append(nn.Conv3d(in_channels, out_channels, k, **kw))
        self.convs = nn.ModuleList(convs)

    def forward(self, x):
        out = [c(x) for c in self.convs]
        return torch.stack(out, 0).sum(0) if self.reduction_method == "sum" else torch.cat(out, 1)


def create_acoustic_res_basic_stem(*, in_channels, out_channels, conv_kernel_size=(3, 7, 7), conv_stride=(1, 1, 1),
                                   conv_padding=(1, 3, 3), conv_bias=False, pool=nn.MaxPool3d, pool_kernel_size=(1, 3, 3),
                                   pool_stride=(1, 2, 2), pool_padding=(0, 1, 1), norm=nn.BatchNorm3d, norm_eps=1e-5,
                                   norm_momentum=0.1, activation=nn.ReLU):
    conv = ConvReduce3D(in_channels=in_channels, out_channels=out_channels,
                        kernel_size=((conv_kernel_size[0], 1, 1), (1, conv_kernel_size[1], conv_kernel_size[2])),
                        stride=(conv_stride, conv_stride),
                        padding=((conv_padding[0], 0, 0), (0, conv_padding[1], conv_padding[2])),
                        bias=(conv_bias, conv_bias), reduction_method="sum")
    return ResNetBasicStem(conv, None if norm is None else norm(num_features=out_channels, eps=norm_eps, momentum=norm_momentum),
                           None if activation is None else activation(),
                           None if pool is None else pool(kernel_size=pool_kernel_size, stride=pool_stride, padding=pool_padding))


class SeparableBottleneckBlock(nn.Module):
    def __init__(self, *, conv_a, norm_a, act_a, conv_b, norm_b, act_b, conv_c, norm_c, reduce_method="sum"):
        super().__init__()
        self.conv_a, self.norm_a, self.act_a = conv_a, norm_a, act_a
        self.conv_b, self.norm_b, self.act_b = conv_b, norm_b, act_b
        self.conv_c, self.norm_c, self.reduce_method = conv_c, norm_c, reduce_method

    def forward(self, x):
        for m in (self.conv_a, self.norm_a, self.act_a):
            if m is not None:
                x = m(x)
        out = []
        for i in range(len(self.conv_b)):
            y = self.conv_b[i](x)
            if self.norm_b[i] is not None:
                y = self.norm_b[i](y)
            if self.act_b[i] is not None:
                y = self.act_b[i](y)
            out.append(y)
        x = torch.stack(out, 0).sum(0) if self.reduce_method == "sum" else torch.cat(out, 1)
        x = self.conv_c(x)
        return x if self.norm_c is None else self.norm_c(x)


def create_acoustic_bottleneck_block(*, dim_in, dim_inner, dim_out, conv_a_kernel_size=(3, 1, 1), conv_a_stride=(2, 1, 1),
                                     conv_a_padding=(1, 0, 0), conv_b_kernel_size=(1, 1, 1), conv_b_stride=(1, 1, 1),
                                     conv_b_padding=(0, 0, 0), conv_b_num_groups=1, conv_b_dilation=(1, 1, 1),
                                     norm=nn.BatchNorm3d, norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU):
    n = lambda c: None if norm is None else norm(num_features=c, eps=norm_eps, momentum=norm_momentum)
    a = lambda: None if activation is None else activation()
    conv_b_1 = nn.Conv3d(dim_inner, dim_inner, [conv_b_kernel_size[0], 1, 1], stride=conv_b_stride,
                         padding=[conv_b_padding[0], 0, 0], bias=False, groups=conv_b_num_groups,
                         dilation=[conv_b_dilation[0], 1, 1])
    conv_b_2 = nn.Conv3d(dim_inner, dim_inner, [1, conv_b_kernel_size[1], conv_b_kernel_size[2]], stride=conv_b_stride,
                         padding=[0, conv_b_padding[1], conv_b_padding[2]], bias=False, groups=conv_b_num_groups,
                         dilation=[1, conv_b_dilation[1], conv_b_dilation[2]])
    norm_b_1, act_b_1 = n(dim_inner), a()
    norm_b_2, act_b_2 = n(dim_inner), a()
    return SeparableBottleneckBlock(
        conv_a=nn.Conv3d(dim_in, dim_inner, conv_a_kernel_size, stride=conv_a_stride, padding=conv_a_padding, bias=False),
        norm_a=n(dim_inner), act_a=a(),
        conv_b=nn.ModuleList([conv_b_2, conv_b_1]), norm_b=nn.ModuleList([norm_b_2, norm_b_1]),
        act_b=nn.ModuleList([act_b_2, act_b_1]),
        conv_c=nn.Conv3d(dim_inner, dim_out, (1, 1, 1), bias=False), norm_c=n(dim_out))


def create_acoustic_resnet(*, input_channel=1, model_depth=50, model_num_class=400, dropout_rate=0.5, norm=nn.BatchNorm3d,
                           activation=nn.ReLU, stem_dim_out=64, stem_conv_kernel_size=(9, 1, 9), stem_conv_stride=(1, 1, 3),
                           stem_pool=None, stem_pool_kernel_size=(3, 1, 3), stem_pool_stride=(2, 1, 2),
                           stem=create_acoustic_res_basic_stem, stage1_pool=None, stage1_pool_kernel_size=(2, 1, 1),
                           stage_conv_a_kernel_size=(3, 1, 1), stage_conv_b_kernel_size=(3, 1, 3),
                           stage_conv_b_num_groups=(1, 1, 1, 1), stage_conv_b_dilation=(1, 1, 1),
                           stage_spatial_h_stride=(1, 1, 1, 1), stage_spatial_w_stride=(1, 2, 2, 2),
                           stage_temporal_stride=(1, 2, 2, 2),
                           bottleneck=(create_acoustic_bottleneck_block, create_acoustic_bottleneck_block,
                                       create_bottleneck_block, create_bottleneck_block),
                           head_pool=nn.AvgPool3d, head_pool_kernel_size=(4, 1, 2), head_output_size=(1, 1, 1),
                           head_activation=None, head_output_with_global_average=True):
    depths = DEPTHS[model_depth]
    per = lambda v: [v] * len(depths) if isinstance(v[0], int) else v
    a_k, b_k, b_d = per(stage_conv_a_kernel_size), per(stage_conv_b_kernel_size), per(stage_conv_b_dilation)
    blocks = [stem(in_channels=input_channel, out_channels=stem_dim_out, conv_kernel_size=stem_conv_kernel_size,
                   conv_stride=stem_conv_stride, conv_padding=half(stem_conv_kernel_size), pool=stem_pool,
                   pool_kernel_size=stem_pool_kernel_size, pool_stride=stem_pool_stride, pool_padding=half(stem_pool_kernel_size),
                   norm=norm, activation=activation)]
    dim_in, dim_out = stem_dim_out, stem_dim_out * 4
    for i, depth in enumerate(depths):
        blocks.append(create_res_stage(
            depth=depth, dim_in=dim_in, dim_inner=dim_out // 4, dim_out=dim_out, bottleneck=bottleneck[i],
            conv_a_kernel_size=a_k[i], conv_a_stride=(stage_temporal_stride[i], 1, 1), conv_a_padding=half(a_k[i]),
            conv_b_kernel_size=b_k[i], conv_b_stride=(1, stage_spatial_h_stride[i], stage_spatial_w_stride[i]),
            conv_b_padding=half(b_k[i]), conv_b_num_groups=stage_conv_b_num_groups[i], conv_b_dilation=b_d[i],
            norm=norm, activation=activation))
        dim_in, dim_out = dim_out, dim_out * 2
        if i == 0 and stage1_pool is not None:
            blocks.append(stage1_pool(kernel_size=stage1_pool_kernel_size, stride=stage1_pool_kernel_size, padding=(0, 0, 0)))
    blocks.append(create_res_basic_head(in_features=dim_in, out_features=model_num_class, pool=head_pool, output_size=head_output_size,
                                        pool_kernel_size=head_pool_kernel_size, dropout_rate=dropout_rate, activation=head_activation,
                                        output_with_global_average=head_output_with_global_average))
    return Net(blocks)


def create_acoustic_building_block(*, dim_in, dim_inner, dim_out, conv_a_kernel_size=None, conv_a_stride=None,
                                   conv_a_padding=None, conv_b_kernel_size=(1, 1, 1), conv_b_stride=(1, 1, 1),
                                   conv_b_padding=(0, 0, 0), conv_b_num_groups=1, conv_b_dilation=(1, 1, 1),
                                   norm=nn.BatchNorm3d, norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU):
    """No conv_a; a temporal (conv_b.0) and a spatial (conv_b.1) conv straight from dim_in, each with its own stride part."""
    n = lambda c: None if norm is None else norm(num_features=c, eps=norm_eps, momentum=norm_momentum)
    a = lambda: None if activation is None else activation()
    conv_b_1 = nn.Conv3d(dim_in, dim_inner, [conv_b_kernel_size[0], 1, 1], stride=[conv_b_stride[0], 1, 1],
                         padding=[conv_b_padding[0], 0, 0], bias=False, groups=conv_b_num_groups, dilation=[conv_b_dilation[0], 1, 1])
    norm_b_1, act_b_1 = n(dim_inner), a()
    conv_b_2 = nn.Conv3d(dim_in, dim_inner, [1, conv_b_kernel_size[1], conv_b_kernel_size[2]], stride=[1, conv_b_stride[1], conv_b_stride[2]],
                         padding=[0, conv_b_padding[1], conv_b_padding[2]], bias=False, groups=conv_b_num_groups,
                         dilation=[1, conv_b_dilation[1], conv_b_dilation[2]])
    norm_b_2, act_b_2 = n(dim_inner), a()
    return SeparableBottleneckBlock(conv_a=None, norm_a=None, act_a=None, conv_b=nn.ModuleList([conv_b_1, conv_b_2]),
                                    norm_b=nn.ModuleList([norm_b_1, norm_b_2]), act_b=nn.ModuleList([act_b_1, act_b_2]),
                                    conv_c=nn.Conv3d(dim_inner, dim_out, (1, 1, 1), bias=False), norm_c=n(dim_out))
