"""Reference re-statement of pytorchvideo.models.head (plain torch + torchvision's RoIAlign):
ResNetBasicHead, ResNetRoIHead and their builders."""
import torch
import torch.nn as nn
from torchvision.ops import RoIAlign


def _activation(activation):
    if activation is None:
        return None
    return activation(dim=1) if activation == nn.Softmax else activation()


def _pool(pool, output_size, kernel_size, stride, padding):
    if pool is None:
        return None
    if pool == nn.AdaptiveAvgPool3d:
        return pool(output_size)
    return pool(kernel_size=kernel_size, stride=stride, padding=padding)


class ResNetBasicHead(nn.Module):
    def __init__(self, pool=None, dropout=None, proj=None, activation=None, output_pool=None):
        super().__init__()
        self.pool, self.dropout, self.proj, self.activation, self.output_pool = pool, dropout, proj, activation, output_pool

    def forward(self, x):
        if self.pool is not None:
            x = self.pool(x)
        if self.dropout is not None:
            x = self.dropout(x)
        x = self.proj(x.permute((0, 2, 3, 4, 1))).permute((0, 4, 1, 2, 3))
        if self.activation is not None:
            x = self.activation(x)
        if self.output_pool is not None:
            x = self.output_pool(x)
            x = x.view(x.shape[0], -1)
        return x


class ResNetRoIHead(nn.Module):
    def __init__(self, pool=None, pool_spatial=None, roi_layer=None, dropout=None, proj=None, activation=None,
                 output_pool=None):
        super().__init__()
        self.pool, self.pool_spatial, self.roi_layer = pool, pool_spatial, roi_layer
        self.dropout, self.proj, self.activation, self.output_pool = dropout, proj, activation, output_pool

    def forward(self, x, bboxes):
        if self.pool is not None:
            x = self.pool(x)
        if self.roi_layer is not None:
            if x.shape[-3] != 1:
                raise Exception("Temporal dimension should be 1. Consider modifying the pool layer.")
            x = self.roi_layer(torch.squeeze(x, -3), bboxes)
            if self.pool_spatial is not None:
                x = self.pool_spatial(x)
            x = x.unsqueeze(-3)
        if self.dropout is not None:
            x = self.dropout(x)
        x = self.proj(x.permute((0, 2, 3, 4, 1))).permute((0, 4, 1, 2, 3))
        if self.activation is not None:
            x = self.activation(x)
        if self.output_pool is not None:
            x = self.output_pool(x)
            x = x.view(x.shape[0], -1)
        return x


def create_res_basic_head(*, in_features, out_features, pool=nn.AvgPool3d, output_size=(1, 1, 1),
                          pool_kernel_size=(1, 7, 7), pool_stride=(1, 1, 1), pool_padding=(0, 0, 0),
                          dropout_rate=0.5, activation=None, output_with_global_average=True):
    return ResNetBasicHead(
        proj=nn.Linear(in_features, out_features),
        activation=_activation(activation),
        pool=_pool(pool, output_size, pool_kernel_size, pool_stride, pool_padding),
        dropout=nn.Dropout(dropout_rate) if dropout_rate > 0 else None,
        output_pool=nn.AdaptiveAvgPool3d(1) if output_with_global_average else None,
    )


def create_res_roi_pooling_head(*, in_features, out_features, resolution, spatial_scale, sampling_ratio=0,
                                roi=RoIAlign, pool=nn.AvgPool3d, output_size=(1, 1, 1), pool_kernel_size=(1, 7, 7),
                                pool_stride=(1, 1, 1), pool_padding=(0, 0, 0), pool_spatial=nn.MaxPool2d,
                                dropout_rate=0.5, activation=None, output_with_global_average=True):
    return ResNetRoIHead(
        proj=nn.Linear(in_features, out_features),
        activation=_activation(activation),
        pool=_pool(pool, output_size, pool_kernel_size, pool_stride, pool_padding),
        pool_spatial=pool_spatial(resolution, stride=1) if pool_spatial else None,
        roi_layer=roi(output_size=resolution, spatial_scale=spatial_scale, sampling_ratio=sampling_ratio),
        dropout=nn.Dropout(dropout_rate) if dropout_rate > 0 else None,
        output_pool=nn.AdaptiveAvgPool3d(1) if output_with_global_average else None,
    )
