"""Minimal plain-torch re-statement of PyTorchVideo's ResNet pieces (Net, basic stem, bottleneck,
residual block/stage, basic head) used by the CSN, R(2+1)D and acoustic references. Written from
reading pytorchvideo/models/{net,stem,resnet,head}.py; module attribute names are PyTorchVideo's so
state-dict keys match. The residual-block shortcut rule is the one of the released PyTorchVideo
that produced ../shared/fixtures (projection when channels or stride change, norm only when
channels change, with default eps/momentum)."""
import torch
import torch.nn as nn

DEPTHS = {18: (2, 2, 2, 2), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


def half(k):
    return [s // 2 for s in k]


class Net(nn.Module):
    def __init__(self, blocks):
        super().__init__()
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x


class ResNetBasicStem(nn.Module):
    def __init__(self, conv, norm=None, activation=None, pool=None):
        super().__init__()
        self.conv, self.norm, self.activation, self.pool = conv, norm, activation, pool

    def forward(self, x):
        x = self.conv(x)
        for m in (self.norm, self.activation, self.pool):
            if m is not None:
                x = m(x)
        return x


def create_res_basic_stem(*, in_channels, out_channels, conv_kernel_size=(3, 7, 7), conv_stride=(1, 2, 2),
                          conv_padding=(1, 3, 3), conv_bias=False, pool=nn.MaxPool3d, pool_kernel_size=(1, 3, 3),
                          pool_stride=(1, 2, 2), pool_padding=(0, 1, 1), norm=nn.BatchNorm3d, norm_eps=1e-5,
                          norm_momentum=0.1, activation=nn.ReLU):
    return ResNetBasicStem(
        nn.Conv3d(in_channels, out_channels, conv_kernel_size, stride=conv_stride, padding=conv_padding, bias=conv_bias),
        None if norm is None else norm(num_features=out_channels, eps=norm_eps, momentum=norm_momentum),
        None if activation is None else activation(),
        None if pool is None else pool(kernel_size=pool_kernel_size, stride=pool_stride, padding=pool_padding),
    )


class BottleneckBlock(nn.Module):
    NAMES = ("conv_a", "norm_a", "act_a", "conv_b", "norm_b", "act_b", "conv_c", "norm_c")

    def __init__(self, **layers):
        super().__init__()
        for k in self.NAMES:
            setattr(self, k, layers.get(k))

    def forward(self, x):
        for k in self.NAMES:
            m = getattr(self, k)
            if m is not None:
                x = m(x)
        return x


def create_bottleneck_block(*, dim_in, dim_inner, dim_out, conv_a_kernel_size=(3, 1, 1), conv_a_stride=(2, 1, 1),
                            conv_a_padding=(1, 0, 0), conv_b_kernel_size=(1, 3, 3), conv_b_stride=(1, 2, 2),
                            conv_b_padding=(0, 1, 1), conv_b_num_groups=1, conv_b_dilation=(1, 1, 1),
                            norm=nn.BatchNorm3d, norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU):
    n = lambda c: None if norm is None else norm(num_features=c, eps=norm_eps, momentum=norm_momentum)
    a = lambda: None if activation is None else activation()
    return BottleneckBlock(
        conv_a=nn.Conv3d(dim_in, dim_inner, conv_a_kernel_size, stride=conv_a_stride, padding=conv_a_padding, bias=False),
        norm_a=n(dim_inner), act_a=a(),
        conv_b=nn.Conv3d(dim_inner, dim_inner, conv_b_kernel_size, stride=conv_b_stride, padding=conv_b_padding,
                         bias=False, groups=conv_b_num_groups, dilation=conv_b_dilation),
        norm_b=n(dim_inner), act_b=a(),
        conv_c=nn.Conv3d(dim_inner, dim_out, (1, 1, 1), bias=False), norm_c=n(dim_out),
    )


class ResBlock(nn.Module):
    def __init__(self, branch1_conv=None, branch1_norm=None, branch2=None, activation=None):
        super().__init__()
        self.branch1_conv, self.branch1_norm, self.branch2, self.activation = branch1_conv, branch1_norm, branch2, activation

    def forward(self, x):
        b2 = self.branch2(x)
        if self.branch1_conv is not None:
            s = self.branch1_conv(x)
            if self.branch1_norm is not None:
                s = self.branch1_norm(s)
        else:
            s = x
        x = s + b2
        return x if self.activation is None else self.activation(x)


class ResStage(nn.Module):
    def __init__(self, res_blocks):
        super().__init__()
        self.res_blocks = nn.ModuleList(res_blocks)

    def forward(self, x):
        for b in self.res_blocks:
            x = b(x)
        return x


def create_res_block(*, dim_in, dim_out, bottleneck, conv_a_stride, conv_b_stride, norm=nn.BatchNorm3d,
                     activation=nn.ReLU, **kw):
    stride = [a * b for a, b in zip(conv_a_stride, conv_b_stride)]
    project = dim_in != dim_out or any(s != 1 for s in stride)
    return ResBlock(
        nn.Conv3d(dim_in, dim_out, (1, 1, 1), stride=stride, bias=False) if project else None,
        norm(num_features=dim_out) if norm is not None and dim_in != dim_out else None,
        bottleneck(dim_in=dim_in, dim_out=dim_out, conv_a_stride=conv_a_stride, conv_b_stride=conv_b_stride,
                   norm=norm, activation=activation, **kw),
        None if activation is None else activation(),
    )


def create_res_stage(*, depth, dim_in, dim_out, conv_a_stride, conv_b_stride, **kw):
    return ResStage([
        create_res_block(dim_in=dim_in if i == 0 else dim_out, dim_out=dim_out,
                         conv_a_stride=conv_a_stride if i == 0 else (1, 1, 1),
                         conv_b_stride=conv_b_stride if i == 0 else (1, 1, 1), **kw)
        for i in range(depth)
    ])


class ResNetBasicHead(nn.Module):
    def __init__(self, pool=None, dropout=None, proj=None, activation=None, output_pool=None):
        super().__init__()
        self.pool, self.dropout, self.proj, self.activation, self.output_pool = pool, dropout, proj, activation, output_pool

    def forward(self, x):
        if self.pool is not None:
            x = self.pool(x)
        if self.dropout is not None:
            x = self.dropout(x)
        if self.proj is not None:
            x = self.proj(x.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3)
        if self.activation is not None:
            x = self.activation(x)
        if self.output_pool is not None:
            x = self.output_pool(x).view(x.shape[0], -1)
        return x


def create_res_basic_head(*, in_features, out_features, pool=nn.AvgPool3d, output_size=(1, 1, 1),
                          pool_kernel_size=(1, 7, 7), pool_stride=(1, 1, 1), pool_padding=(0, 0, 0),
                          dropout_rate=0.5, activation=None, output_with_global_average=True):
    if pool is None:
        p = None
    elif pool == nn.AdaptiveAvgPool3d:
        p = pool(output_size)
    else:
        p = pool(kernel_size=pool_kernel_size, stride=pool_stride, padding=pool_padding)
    act = None if activation is None else (activation(dim=1) if activation == nn.Softmax else activation())
    return ResNetBasicHead(p, nn.Dropout(dropout_rate) if dropout_rate > 0 else None, nn.Linear(in_features, out_features),
                           act, nn.AdaptiveAvgPool3d(1) if output_with_global_average else None)
