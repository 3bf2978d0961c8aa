"""Plain-torch re-statements of pytorchvideo/layers: nonlocal_net.NonLocal/create_nonlocal,
squeeze_excitation (2-D SE layer and the audio 2-D SE residual block), fusion, mlp and
positional_encoding. Attribute names are PyTorchVideo's (state-dict keys)."""
import math
import torch
import torch.nn as nn
from ptv.fam_base import ResBlock


class NonLocal(nn.Module):
    def __init__(self, *, conv_theta, conv_phi, conv_g, conv_out, pool=None, norm=None, instantiation="dot_product"):
        super().__init__()
        self.conv_theta, self.conv_phi, self.conv_g, self.conv_out = conv_theta, conv_phi, conv_g, conv_out
        self.pool, self.norm, self.instantiation = pool, norm, instantiation

    def forward(self, x):
        d = self.conv_theta.out_channels
        ident = x
        N, C, T, H, W = x.size()
        theta = self.conv_theta(x)
        if self.pool is not None:
            x = self.pool(x)
        phi, g = self.conv_phi(x), self.conv_g(x)
        theta, phi, g = theta.view(N, d, -1), phi.view(N, d, -1), g.view(N, d, -1)
        tp = torch.einsum("nct,ncp->ntp", (theta, phi))
        if self.instantiation == "softmax":
            tp = nn.functional.softmax(tp * (d ** -0.5), dim=2)
        else:
            tp = tp / tp.shape[2]
        y = torch.einsum("ntg,ncg->nct", (tp, g)).view(N, d, T, H, W)
        p = self.conv_out(y)
        if self.norm is not None:
            p = self.norm(p)
        return ident + p


def create_nonlocal(*, dim_in, dim_inner, pool_size=(1, 1, 1), instantiation="softmax", norm=nn.BatchNorm3d,
                    norm_eps=1e-5, norm_momentum=0.1):
    pool_size = pool_size or (1, 1, 1)
    return NonLocal(
        conv_theta=nn.Conv3d(dim_in, dim_inner, 1), conv_phi=nn.Conv3d(dim_in, dim_inner, 1),
        conv_g=nn.Conv3d(dim_in, dim_inner, 1), conv_out=nn.Conv3d(dim_inner, dim_in, 1),
        pool=nn.MaxPool3d(pool_size, stride=pool_size, padding=[0, 0, 0]) if any(s > 1 for s in pool_size) else None,
        norm=None if norm is None else norm(num_features=dim_in, eps=norm_eps, momentum=norm_momentum),
        instantiation=instantiation)


class SqueezeAndExcitationLayer2D(nn.Module):
    def __init__(self, in_planes, reduction_ratio=16, reduced_planes=None):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        r = in_planes // reduction_ratio if reduced_planes is None else reduced_planes
        self.excitation = nn.Sequential(nn.Conv2d(in_planes, r, 1, bias=True), nn.ReLU(), nn.Conv2d(r, in_planes, 1, bias=True), nn.Sigmoid())

    def forward(self, x):
        return x * self.excitation(self.avgpool(x))


def create_audio_2d_squeeze_excitation_block(dim_in, dim_out, use_se=False, se_reduction_ratio=16, conv_a_kernel_size=3,
                                             conv_a_stride=1, conv_a_padding=1, conv_b_kernel_size=3, conv_b_stride=1,
                                             conv_b_padding=1, norm=nn.BatchNorm2d, norm_eps=1e-5, norm_momentum=0.1,
                                             activation=nn.ReLU):
    b2 = [nn.Conv2d(dim_in, dim_out, conv_a_kernel_size, stride=conv_a_stride, padding=conv_a_padding, bias=False),
          norm(dim_out, norm_eps, norm_momentum), activation() if activation else nn.Identity(),
          nn.Conv2d(dim_out, dim_out, conv_b_kernel_size, stride=conv_b_stride, padding=conv_b_padding, bias=False),
          norm(dim_out, norm_eps, norm_momentum)]
    if use_se:
        b2.append(SqueezeAndExcitationLayer2D(dim_out, reduction_ratio=se_reduction_ratio))
    c1 = n1 = None
    if conv_a_stride * conv_b_stride != 1 or dim_in != dim_out:
        c1 = nn.Conv2d(dim_in, dim_out, 1, stride=conv_a_stride * conv_b_stride, bias=False)
        n1 = norm(dim_out, norm_eps, norm_momentum)
    return ResBlock(c1, n1, nn.Sequential(*b2), activation() if activation else None)


class ConcatFusion(nn.Module):
    def forward(self, xs):
        return torch.cat(xs, dim=-1)


class TemporalConcatFusion(nn.Module):
    def forward(self, xs):
        return torch.cat(xs, dim=1)


class ReduceFusion(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, xs):
        return self.fn(torch.stack(xs))


def make_fusion_layer(method, feature_dims):
    return {
        "concat": lambda: ConcatFusion(),
        "temporal_concat": lambda: TemporalConcatFusion(),
        "max": lambda: ReduceFusion(lambda x: torch.max(x, dim=0).values),
        "sum": lambda: ReduceFusion(lambda x: torch.sum(x, dim=0)),
        "prod": lambda: ReduceFusion(lambda x: torch.prod(x, dim=0)),
    }[method]()


def make_multilayer_perceptron(fully_connected_dims, norm=None, mid_activation=nn.ReLU, final_activation=nn.ReLU, dropout_rate=0.0):
    layers, cur = [], fully_connected_dims[0]
    for d in fully_connected_dims[1:-1]:
        layers.append(nn.Linear(cur, d))
        if norm is not None:
            layers.append(norm(d))
        layers.append(mid_activation())
        cur = d
    layers.append(nn.Linear(cur, fully_connected_dims[-1]))
    if dropout_rate > 0:
        layers.append(nn.Dropout(p=dropout_rate))
    if final_activation is not None:
        layers.append(final_activation())
    return nn.Sequential(*layers), fully_connected_dims[-1]


class PositionalEncoding(nn.Module):
    def __init__(self, embed_dim, seq_len=1024):
        super().__init__()
        pe = torch.zeros(seq_len, embed_dim)
        pos = torch.arange(0, seq_len, dtype=torch.float).unsqueeze(1)
        div = torch.exp(torch.arange(0, embed_dim, 2).float() * (-(math.log(10000.0)) / embed_dim))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return x + self.pe[:, : x.size(1), :]


class SpatioTemporalClsPositionalEncoding(nn.Module):
    def __init__(self, embed_dim, patch_embed_shape, sep_pos_embed=False, has_cls=True):
        super().__init__()
        self.cls_embed_on, self.sep_pos_embed = has_cls, sep_pos_embed
        self.num_spatial_patch = patch_embed_shape[1] * patch_embed_shape[2]
        self.num_temporal_patch = patch_embed_shape[0]
        n = self.num_spatial_patch * self.num_temporal_patch + (1 if has_cls else 0)
        if has_cls:
            self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        if sep_pos_embed:
            self.pos_embed_spatial = nn.Parameter(torch.zeros(1, self.num_spatial_patch, embed_dim))
            self.pos_embed_temporal = nn.Parameter(torch.zeros(1, self.num_temporal_patch, embed_dim))
            if has_cls:
                self.pos_embed_class = nn.Parameter(torch.zeros(1, 1, embed_dim))
        else:
            self.pos_embed = nn.Parameter(torch.zeros(1, n, embed_dim))

    def forward(self, x):
        B = x.shape[0]
        if self.cls_embed_on:
            x = torch.cat((self.cls_token.expand(B, -1, -1), x), dim=1)
        if self.sep_pos_embed:
            pe = self.pos_embed_spatial.repeat(1, self.num_temporal_patch, 1) + torch.repeat_interleave(
                self.pos_embed_temporal, self.num_spatial_patch, dim=1)
            if self.cls_embed_on:
                pe = torch.cat([self.pos_embed_class, pe], 1)
            return x + pe
        return x + self.pos_embed
