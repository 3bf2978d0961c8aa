"""create_r2plus1d / create_2plus1d_bottleneck_block re-stated from pytorchvideo/models/r2plus1d.py
and Conv2plus1d / create_conv_2plus1d from pytorchvideo/layers/convolutions.py (plain torch). As in the
released version, the bottleneck builds conv_b with create_conv_2plus1d (groups/dilation forwarded)."""
import torch.nn as nn
from ptv.fam_base import DEPTHS, Net, half, BottleneckBlock, create_res_basic_stem, create_res_stage, create_res_basic_head


class Conv2plus1d(nn.Module):
    def __init__(self, conv_t, norm, activation, conv_xy):
        super().__init__()
        self.conv_t, self.norm, self.activation, self.conv_xy = conv_t, norm, activation, conv_xy

    def forward(self, x):
        x = self.conv_t(x)
        if self.norm is not None:
            x = self.norm(x)
        if self.activation is not None:
            x = self.activation(x)
        return self.conv_xy(x)


def create_2plus1d_bottleneck_block(*, dim_in, dim_inner, dim_out, conv_a_kernel_size=(1, 1, 1), conv_a_stride=(1, 1, 1),
                                    conv_a_padding=(0, 0, 0), conv_b_kernel_size=(3, 3, 3), conv_b_stride=(2, 2, 2),
                                    conv_b_padding=(1, 1, 1), conv_b_num_groups=1, conv_b_dilation=(1, 1, 1),
                                    norm=nn.BatchNorm3d, norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU):
    n = lambda c: None if norm is None else norm(num_features=c, eps=norm_eps, momentum=norm_momentum)
    a = lambda: None if activation is None else activation()
    conv_b = create_conv_2plus1d(in_channels=dim_inner, out_channels=dim_inner, kernel_size=conv_b_kernel_size,
                                 stride=conv_b_stride, padding=conv_b_padding, bias=False, groups=conv_b_num_groups,
                                 dilation=conv_b_dilation, norm=norm, norm_eps=norm_eps, norm_momentum=norm_momentum,
                                 activation=activation)
    return BottleneckBlock(
        conv_a=nn.Conv3d(dim_in, dim_inner, conv_a_kernel_size, stride=conv_a_stride, padding=conv_a_padding, bias=False),
        norm_a=n(dim_inner), act_a=a(), conv_b=conv_b, norm_b=n(dim_inner), act_b=a(),
        conv_c=nn.Conv3d(dim_inner, dim_out, (1, 1, 1), bias=False), norm_c=n(dim_out))


def create_r2plus1d(*, input_channel=3, model_depth=50, model_num_class=400, dropout_rate=0.0, norm=nn.BatchNorm3d,
                    norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU, stem_dim_out=64, stem_conv_kernel_size=(1, 7, 7),
                    stem_conv_stride=(1, 2, 2), stage_conv_a_kernel_size=((1, 1, 1),) * 4,
                    stage_conv_b_kernel_size=((3, 3, 3),) * 4, stage_conv_b_num_groups=(1, 1, 1, 1),
                    stage_conv_b_dilation=((1, 1, 1),) * 4, stage_spatial_stride=(2, 2, 2, 2),
                    stage_temporal_stride=(1, 1, 2, 2), stage_bottleneck=(create_2plus1d_bottleneck_block,) * 4,
                    head_pool=nn.AvgPool3d, head_pool_kernel_size=(4, 7, 7), head_output_size=(1, 1, 1), head_activation=nn.Softmax):
    blocks = [create_res_basic_stem(in_channels=input_channel, out_channels=stem_dim_out, conv_kernel_size=stem_conv_kernel_size,
                                    conv_stride=stem_conv_stride, conv_padding=half(stem_conv_kernel_size), pool=None,
                                    norm=norm, activation=activation)]
    dim_in, dim_out = stem_dim_out, stem_dim_out * 4
    for i, depth in enumerate(DEPTHS[model_depth]):
        blocks.append(create_res_stage(
            depth=depth, dim_in=dim_in, dim_inner=dim_out // 4, dim_out=dim_out, bottleneck=stage_bottleneck[i],
            conv_a_kernel_size=stage_conv_a_kernel_size[i], conv_a_stride=[1, 1, 1], conv_a_padding=half(stage_conv_a_kernel_size[i]),
            conv_b_kernel_size=stage_conv_b_kernel_size[i],
            conv_b_stride=(stage_temporal_stride[i], stage_spatial_stride[i], stage_spatial_stride[i]),
            conv_b_padding=half(stage_conv_b_kernel_size[i]), conv_b_num_groups=stage_conv_b_num_groups[i],
            conv_b_dilation=stage_conv_b_dilation[i], norm=norm, activation=activation))
        dim_in, dim_out = dim_out, dim_out * 2
    blocks.append(create_res_basic_head(in_features=dim_in, out_features=model_num_class, pool=head_pool, output_size=head_output_size,
                                        pool_kernel_size=head_pool_kernel_size, dropout_rate=dropout_rate, activation=head_activation))
    return Net(blocks)


def create_conv_2plus1d(*, in_channels, out_channels, inner_channels=None, kernel_size=(3, 3, 3), stride=(2, 2, 2),
                        padding=(1, 1, 1), bias=False, dilation=(1, 1, 1), groups=1, norm=nn.BatchNorm3d, norm_eps=1e-5,
                        norm_momentum=0.1, activation=nn.ReLU):
    """Released signature (inner_channels, dilation and groups reach both convs); conv_xy_first not restated."""
    inner = out_channels if inner_channels is None else inner_channels
    return Conv2plus1d(
        nn.Conv3d(in_channels, inner, (kernel_size[0], 1, 1), stride=(stride[0], 1, 1), padding=(padding[0], 0, 0),
                  dilation=(dilation[0], 1, 1), groups=groups, bias=bias),
        None if norm is None else norm(num_features=inner, eps=norm_eps, momentum=norm_momentum),
        None if activation is None else activation(),
        nn.Conv3d(inner, out_channels, (1, kernel_size[1], kernel_size[2]), stride=(1, stride[1], stride[2]),
                  padding=(0, padding[1], padding[2]), dilation=(1, dilation[1], dilation[2]), groups=groups, bias=bias))
