"""Reference re-statement of pytorchvideo.models.audio_visual_slowfast (plain torch):
create_audio_visual_slowfast, AudioToSlowFastFusionBuilder, FuseAudioToFastSlow. The acoustic
stem and bottleneck come from ptv.acoustic."""
import torch
import torch.nn as nn

from ptv.acoustic import create_acoustic_bottleneck_block, create_acoustic_res_basic_stem
from .resnet import create_bottleneck_block
from .slowfast import create_slowfast
from .stem import create_res_basic_stem


class FuseAudioToFastSlow(nn.Module):
    def __init__(self, block_fast_to_slow, block_audio_to_fastslow):
        super().__init__()
        self.block_fast_to_slow, self.block_audio_to_fastslow = block_fast_to_slow, block_audio_to_fastslow

    def forward(self, x):
        fuse = self.block_fast_to_slow(x[1])
        fuse_a = self.block_audio_to_fastslow(torch.mean(x[2], dim=-1, keepdim=True))
        return [fuse_a + torch.cat([x[0], fuse], 1), x[1], x[2]]


class AudioToSlowFastFusionBuilder:
    def __init__(self, slowfast_channel_reduction_ratio, slowfast_audio_reduction_ratio, conv_fusion_channel_ratio,
                 conv_kernel_size, conv_kernel_size_a, conv_stride, conv_stride_a, conv_fusion_channel_interm_dim=0.25,
                 conv_num_a=2, norm=nn.BatchNorm3d, norm_eps=1e-5, norm_momentum=0.1, activation=nn.ReLU,
                 max_stage_idx=3):
        self.r, self.ra, self.fr = slowfast_channel_reduction_ratio, slowfast_audio_reduction_ratio, conv_fusion_channel_ratio
        self.k, self.ka, self.s, self.sa = conv_kernel_size, conv_kernel_size_a, conv_stride, conv_stride_a
        self.interm, self.num_a, self.norm, self.eps, self.mom = conv_fusion_channel_interm_dim, conv_num_a, norm, norm_eps, norm_momentum
        self.activation, self.max_stage_idx = activation, max_stage_idx

    def _cbr(self, cin, cout, k, stride):
        mods = [nn.Conv3d(cin, cout, kernel_size=k, stride=stride, padding=[v // 2 for v in k], bias=False)]
        if self.norm is not None:
            mods.append(self.norm(num_features=cout, eps=self.eps, momentum=self.mom))
        if self.activation is not None:
            mods.append(self.activation())
        return mods

    def create_module(self, fusion_dim_in, stage_idx):
        if stage_idx > self.max_stage_idx:
            return nn.Identity()
        s = self.s[stage_idx] if isinstance(self.s[0], tuple) else self.s
        sa = self.sa[stage_idx] if isinstance(self.sa[0], tuple) else self.sa
        c, ca = fusion_dim_in // self.r, fusion_dim_in // self.ra
        interm = self.interm if isinstance(self.interm, int) else int(ca * self.interm)
        audio, cin = [], ca
        for i in range(self.num_a):
            last = i == self.num_a - 1
            cout = int(c * self.fr + fusion_dim_in) if last else interm
            audio += self._cbr(cin, cout, self.ka, sa if last else (1, 1, 1))
            cin = cout
        return FuseAudioToFastSlow(nn.Sequential(*self._cbr(c, int(c * self.fr), self.k, s)), nn.Sequential(*audio))


def create_audio_visual_slowfast(*, slowfast_channel_reduction_ratio=(8, 2), slowfast_conv_channel_fusion_ratio=2,
                                 fusion_builder=None, norm=nn.BatchNorm3d, activation=nn.ReLU, **kwargs):
    if fusion_builder is None:
        fusion_builder = AudioToSlowFastFusionBuilder(
            slowfast_channel_reduction_ratio[0], slowfast_channel_reduction_ratio[1], slowfast_conv_channel_fusion_ratio,
            (7, 1, 1), (5, 1, 1), (4, 1, 1), ((16, 1, 1), (16, 1, 1), (8, 1, 1), (4, 1, 1), (2, 1, 1)),
            norm=norm, activation=activation).create_module
    B, A = create_bottleneck_block, create_acoustic_bottleneck_block
    defaults = dict(
        input_channels=(3, 3, 1), stem_dim_outs=(64, 8, 32),
        stem_conv_kernel_sizes=((1, 7, 7), (5, 7, 7), (9, 1, 9)), stem_conv_strides=((1, 2, 2), (1, 2, 2), (1, 1, 1)),
        stem_pool=(nn.MaxPool3d, nn.MaxPool3d, None), stem_pool_kernel_sizes=((1, 3, 3),) * 3,
        stem_pool_strides=((1, 2, 2), (1, 2, 2), (1, 1, 1)),
        stage_conv_a_kernel_sizes=(((1, 1, 1), (1, 1, 1), (3, 1, 1), (3, 1, 1)), ((3, 1, 1),) * 4, ((1, 1, 1),) * 4),
        stage_conv_b_kernel_sizes=(((1, 3, 3),) * 4, ((1, 3, 3),) * 4, ((3, 1, 3),) * 4),
        stage_conv_b_num_groups=((1, 1, 1, 1),) * 3, stage_conv_b_dilations=(((1, 1, 1),) * 4,) * 3,
        stage_spatial_strides=((1, 2, 2, 2),) * 3, stage_temporal_strides=((1, 1, 1, 1), (1, 1, 1, 1), (1, 2, 2, 2)),
        bottleneck=((B,) * 4, (B,) * 4, (A, A, B, B)), head_pool=nn.AvgPool3d,
        head_pool_kernel_sizes=((8, 7, 7), (32, 7, 7), (16, 1, 10)))
    defaults.update(kwargs)
    return create_slowfast(
        slowfast_channel_reduction_ratio=slowfast_channel_reduction_ratio,
        slowfast_conv_channel_fusion_ratio=slowfast_conv_channel_fusion_ratio, fusion_builder=fusion_builder,
        norm=norm, activation=activation,
        stem_function=(create_res_basic_stem, create_res_basic_stem, create_acoustic_res_basic_stem), **defaults)
