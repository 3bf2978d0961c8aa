"""Reference re-statement of pytorchvideo.models.stem's basic ResNet stem (plain torch)."""
import torch.nn as nn


class ResNetBasicStem(nn.Module):
    def __init__(self, *, conv=None, norm=None, activation=None, pool=None):
        super().__init__()
        self.conv, self.norm, self.activation, self.pool = conv, norm, activation, pool

    def forward(self, x):
        for m in (self.conv, self.norm, self.activation, self.pool):
            if m is not None:
                x = m(x)
        return x


def create_res_basic_stem(*, in_channels, out_channels, conv_kernel_size=(3, 7, 7), conv_stride=(1, 2, 2),
                          conv_padding=(1, 3, 3), conv_bias=False, conv=nn.Conv3d, pool=nn.MaxPool3d,
                          pool_kernel_size=(1, 3, 3), pool_stride=(1, 2, 2), pool_padding=(0, 1, 1),
                          norm=nn.BatchNorm3d, activation=nn.ReLU):
    return ResNetBasicStem(
        conv=conv(in_channels=in_channels, out_channels=out_channels, kernel_size=conv_kernel_size,
                  stride=conv_stride, padding=conv_padding, bias=conv_bias),
        norm=None if norm is None else norm(out_channels),
        activation=None if activation is None else activation(),
        pool=None if pool is None else pool(kernel_size=pool_kernel_size, stride=pool_stride, padding=pool_padding),
    )
