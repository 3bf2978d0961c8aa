"""Plain-torch re-statement of PyTorchVideo's MViT (pytorchvideo/layers/attention.py,
pytorchvideo/models/vision_transformers.py, stem.PatchEmbed, head.VisionTransformerBasicHead /
SequencePool, layers/drop_path.py), written from reading its source. Attribute names and their
assignment order are PyTorchVideo's, so state-dict keys and order are too."""
import math
from functools import partial
import torch
import torch.nn as nn
from ptv.layers import SpatioTemporalClsPositionalEncoding


def round_width(width, multiplier, min_width=8, divisor=8, ceil=False):
    if not multiplier:
        return width
    width *= multiplier
    min_width = min_width or divisor
    if ceil:
        out = max(min_width, int(math.ceil(width / divisor)) * divisor)
    else:
        out = max(min_width, int(width + divisor / 2) // divisor * divisor)
    if out < 0.9 * width:
        out += divisor
    return int(out)


def _prod(a):
    p = 1
    for v in a:
        p *= v
    return p


class DropPath(nn.Module):
    def __init__(self, drop_prob=0.0):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x):
        if self.drop_prob == 0.0 or not self.training:
            return x
        keep = 1 - self.drop_prob
        mask = (keep + torch.rand((x.shape[0],) + (1,) * (x.ndim - 1), dtype=x.dtype)).floor_()
        return x.div(keep) * mask


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features=None, out_features=None, act_layer=nn.GELU, dropout_rate=0.0, bias_on=True):
        super().__init__()
        self.dropout_rate = dropout_rate
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        self.fc1 = nn.Linear(in_features, hidden_features, bias=bias_on)
        self.act = act_layer()
        self.fc2 = nn.Linear(hidden_features, out_features, bias=bias_on)
        if dropout_rate > 0.0:
            self.dropout = nn.Dropout(dropout_rate)

    def forward(self, x):
        x = self.act(self.fc1(x))
        if self.dropout_rate > 0.0:
            x = self.dropout(x)
        x = self.fc2(x)
        if self.dropout_rate > 0.0:
            x = self.dropout(x)
        return x


def attention_pool(t, pool, thw, has_cls_embed=True, norm=None):
    if pool is None:
        return t, thw
    dim = t.ndim
    if dim == 3:
        t = t.unsqueeze(1)
    if has_cls_embed:
        cls, t = t[:, :, :1, :], t[:, :, 1:, :]
    B, N, L, C = t.shape
    T, H, W = thw
    t = t.reshape(B * N, T, H, W, C).permute(0, 4, 1, 2, 3).contiguous()
    if isinstance(norm, (nn.BatchNorm3d, nn.Identity)):
        t = nn.functional.gelu(norm(t))
    t = pool(t)
    thw = [t.shape[2], t.shape[3], t.shape[4]]
    t = t.reshape(B, N, C, thw[0] * thw[1] * thw[2]).transpose(2, 3)
    if has_cls_embed:
        t = torch.cat((cls, t), dim=2)
    if norm is not None and not isinstance(norm, nn.BatchNorm3d):
        t = norm(t)
    if dim == 3:
        t = t.squeeze(1)
    return t, thw


class MultiScaleAttention(nn.Module):
    def __init__(self, dim, num_heads=8, qkv_bias=False, dropout_rate=0.0, kernel_q=(1, 1, 1), kernel_kv=(1, 1, 1),
                 stride_q=(1, 1, 1), stride_kv=(1, 1, 1), norm_layer=nn.LayerNorm, has_cls_embed=True, pool_mode="conv",
                 pool_first=False, residual_pool=True, depthwise_conv=True, bias_on=True, separate_qkv=True):
        super().__init__()
        assert pool_mode in ["conv", "avg", "max"]
        self.pool_first = pool_first
        self.dropout_rate = dropout_rate
        self.num_heads = num_heads
        head_dim = dim // num_heads
        self.scale = head_dim ** -0.5
        self.has_cls_embed = has_cls_embed
        self.residual_pool = residual_pool
        self.separate_qkv = separate_qkv
        pad_q = [int(q // 2) for q in kernel_q]
        pad_kv = [int(kv // 2) for kv in kernel_kv]
        if pool_first or separate_qkv:
            self.q = nn.Linear(dim, dim, bias=qkv_bias)
            self.k = nn.Linear(dim, dim, bias=qkv_bias)
            self.v = nn.Linear(dim, dim, bias=qkv_bias)
        else:
            self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=bias_on)
        if dropout_rate > 0.0:
            self.proj_drop = nn.Dropout(dropout_rate)
        if kernel_q is not None and _prod(kernel_q) == 1 and _prod(stride_q) == 1:
            kernel_q = None
        if kernel_kv is not None and _prod(kernel_kv) == 1 and _prod(stride_kv) == 1:
            kernel_kv = None
        if pool_mode in ("avg", "max"):
            op = nn.MaxPool3d if pool_mode == "max" else nn.AvgPool3d
            self.pool_q = op(kernel_q, stride_q, pad_q, ceil_mode=False) if kernel_q is not None else None
            self.pool_k = op(kernel_kv, stride_kv, pad_kv, ceil_mode=False) if kernel_kv is not None else None
            self.pool_v = op(kernel_kv, stride_kv, pad_kv, ceil_mode=False) if kernel_kv is not None else None
        else:
            g = lambda: head_dim if depthwise_conv else 1
            conv = lambda k, s, p: nn.Conv3d(head_dim, head_dim, k, stride=s, padding=p, groups=g(), bias=False)
            self.pool_q = conv(kernel_q, stride_q, pad_q) if kernel_q is not None else None
            self.norm_q = norm_layer(head_dim) if kernel_q is not None else None
            self.pool_k = conv(kernel_kv, stride_kv, pad_kv) if kernel_kv is not None else None
            self.norm_k = norm_layer(head_dim) if kernel_kv is not None else None
            self.pool_v = conv(kernel_kv, stride_kv, pad_kv) if kernel_kv is not None else None
            self.norm_v = norm_layer(head_dim) if kernel_kv is not None else None

    def _proj(self, lin, t, n, B, C):
        return lin(t).reshape(B, n, self.num_heads, C // self.num_heads).permute(0, 2, 1, 3)

    def _pool(self, q, k, v, thw):
        nq = getattr(self, "norm_q", None)
        nk = getattr(self, "norm_k", None)
        nv = getattr(self, "norm_v", None)
        q, q_shape = attention_pool(q, self.pool_q, thw, self.has_cls_embed, nq)
        k, k_shape = attention_pool(k, self.pool_k, thw, self.has_cls_embed, nk)
        v, v_shape = attention_pool(v, self.pool_v, thw, self.has_cls_embed, nv)
        return q, q_shape, k, k_shape, v, v_shape

    def forward(self, x, thw):
        B, N, C = x.shape
        if self.pool_first:
            x = x.reshape(B, N, self.num_heads, C // self.num_heads).permute(0, 2, 1, 3)
            q, q_shape, k, k_shape, v, v_shape = self._pool(x, x, x, thw)
            cls = 1 if self.has_cls_embed else 0
            qn, kn, vn = _prod(q_shape) + cls, _prod(k_shape) + cls, _prod(v_shape) + cls
            q = q.permute(0, 2, 1, 3).reshape(B, qn, C)
            k = k.permute(0, 2, 1, 3).reshape(B, kn, C)
            v = v.permute(0, 2, 1, 3).reshape(B, vn, C)
            q, k, v = self._proj(self.q, q, qn, B, C), self._proj(self.k, k, kn, B, C), self._proj(self.v, v, vn, B, C)
        else:
            if self.separate_qkv:
                q, k, v = self._proj(self.q, x, N, B, C), self._proj(self.k, x, N, B, C), self._proj(self.v, x, N, B, C)
            else:
                qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4)
                q, k, v = qkv[0], qkv[1], qkv[2]
            q, q_shape, k, k_shape, v, v_shape = self._pool(q, k, v, thw)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        N = q.shape[2]
        o = attn @ v
        if self.residual_pool:
            o = o + q
        x = self.proj(o.transpose(1, 2).reshape(B, N, C))
        if self.dropout_rate > 0.0:
            x = self.proj_drop(x)
        return x, q_shape


class MultiScaleBlock(nn.Module):
    def __init__(self, dim, dim_out, num_heads, mlp_ratio=4.0, qkv_bias=False, dropout_rate=0.0, droppath_rate=0.0,
                 act_layer=nn.GELU, norm_layer=nn.LayerNorm, attn_norm_layer=nn.LayerNorm, kernel_q=(1, 1, 1),
                 kernel_kv=(1, 1, 1), stride_q=(1, 1, 1), stride_kv=(1, 1, 1), pool_mode="conv", has_cls_embed=True,
                 pool_first=False, residual_pool=False, depthwise_conv=True, bias_on=True, separate_qkv=True):
        super().__init__()
        self.dim, self.dim_out = dim, dim_out
        self.norm1 = norm_layer(dim)
        k_skip = [s + 1 if s > 1 else s for s in stride_q]
        self.attn = MultiScaleAttention(dim, num_heads=num_heads, qkv_bias=qkv_bias, dropout_rate=dropout_rate,
                                        kernel_q=kernel_q, kernel_kv=kernel_kv, stride_q=stride_q, stride_kv=stride_kv,
                                        norm_layer=attn_norm_layer, has_cls_embed=has_cls_embed, pool_mode=pool_mode,
                                        pool_first=pool_first, residual_pool=residual_pool, bias_on=bias_on,
                                        depthwise_conv=depthwise_conv, separate_qkv=separate_qkv)
        self.drop_path = DropPath(droppath_rate) if droppath_rate > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.has_cls_embed = has_cls_embed
        self.mlp = Mlp(dim, int(dim * mlp_ratio), dim_out, act_layer=act_layer, dropout_rate=dropout_rate, bias_on=bias_on)
        if dim != dim_out:
            self.proj = nn.Linear(dim, dim_out, bias=bias_on)
        self.pool_skip = (nn.MaxPool3d(k_skip, stride_q, [int(k // 2) for k in k_skip], ceil_mode=False)
                          if len(stride_q) > 0 and _prod(stride_q) > 1 else None)

    def _norm(self, n, x):
        return n(x.permute(0, 2, 1)).permute(0, 2, 1) if isinstance(n, nn.BatchNorm1d) else n(x)

    def forward(self, x, thw):
        x_block, thw_new = self.attn(self._norm(self.norm1, x), thw)
        x_res, _ = attention_pool(x, self.pool_skip, thw, has_cls_embed=self.has_cls_embed)
        x = x_res + self.drop_path(x_block)
        x_norm = self._norm(self.norm2, x)
        x_mlp = self.mlp(x_norm)
        if self.dim != self.dim_out:
            x = self.proj(x_norm)
        return x + self.drop_path(x_mlp), thw_new


class PatchEmbed(nn.Module):
    def __init__(self, patch_model):
        super().__init__()
        self.patch_model = patch_model

    def forward(self, x):
        return self.patch_model(x).flatten(2).transpose(1, 2)


class SequencePool(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        return x[:, 0] if self.mode == "cls" else x.mean(1)


class VisionTransformerBasicHead(nn.Module):
    def __init__(self, sequence_pool=None, dropout=None, proj=None, activation=None):
        super().__init__()
        self.sequence_pool, self.dropout, self.proj, self.activation = sequence_pool, dropout, proj, activation

    def forward(self, x):
        if self.sequence_pool is not None:
            x = self.sequence_pool(x)
        if self.dropout is not None:
            x = self.dropout(x)
        x = self.proj(x)
        if self.activation is not None:
            x = self.activation(x)
        return x


def create_vit_basic_head(*, in_features, out_features, seq_pool_type="cls", dropout_rate=0.5, activation=None):
    return VisionTransformerBasicHead(
        sequence_pool=None if seq_pool_type == "none" else SequencePool(seq_pool_type),
        dropout=nn.Dropout(dropout_rate) if dropout_rate > 0.0 else None,
        proj=nn.Linear(in_features, out_features),
        activation=None if activation is None else (activation(dim=1) if activation == nn.Softmax else activation()))


class MultiscaleVisionTransformers(nn.Module):
    def __init__(self, *, patch_embed, cls_positional_encoding, pos_drop, blocks, norm_embed, head):
        super().__init__()
        self.patch_embed = patch_embed
        self.cls_positional_encoding = cls_positional_encoding
        self.pos_drop = pos_drop
        self.blocks = blocks
        self.norm_embed = norm_embed
        self.head = head
        self.thw = None

    def forward(self, x):
        if self.patch_embed is not None:
            x = self.patch_embed(x)
        x = self.cls_positional_encoding(x)
        if self.pos_drop is not None:
            x = self.pos_drop(x)
        thw = self.thw
        for blk in self.blocks:
            x, thw = blk(x, thw)
        if self.norm_embed is not None:
            x = self.norm_embed(x)
        if self.head is not None:
            x = self.head(x)
        return x


def create_multiscale_vision_transformers(*, spatial_size, temporal_size, cls_embed_on=True, sep_pos_embed=True, depth=16,
                                          norm="layernorm", enable_patch_embed=True, input_channels=3, patch_embed_dim=96,
                                          conv_patch_embed_kernel=(3, 7, 7), conv_patch_embed_stride=(2, 4, 4),
                                          conv_patch_embed_padding=(1, 3, 3), enable_patch_embed_norm=False, use_2d_patch=False,
                                          num_heads=1, mlp_ratio=4.0, qkv_bias=True, dropout_rate_block=0.0,
                                          droppath_rate_block=0.0, pooling_mode="conv", pool_first=False, residual_pool=False,
                                          depthwise_conv=True, bias_on=True, separate_qkv=True, embed_dim_mul=None,
                                          atten_head_mul=None, pool_q_stride_size=None, pool_kv_stride_size=None,
                                          pool_kv_stride_adaptive=None, pool_kvq_kernel=None, head=create_vit_basic_head,
                                          head_dropout_rate=0.5, head_activation=None, head_num_classes=400):
    if norm == "layernorm":
        norm_layer = block_norm = attn_norm = partial(nn.LayerNorm, eps=1e-6)
    else:
        norm_layer, block_norm, attn_norm = None, nn.BatchNorm1d, nn.BatchNorm3d
    if isinstance(spatial_size, int):
        spatial_size = (spatial_size, spatial_size)
    conv_op = nn.Conv2d if use_2d_patch else nn.Conv3d
    patch_embed = PatchEmbed(conv_op(input_channels, patch_embed_dim, conv_patch_embed_kernel, stride=conv_patch_embed_stride,
                                     padding=conv_patch_embed_padding, bias=True)) if enable_patch_embed else None
    dims = [temporal_size, spatial_size[0], spatial_size[1]]
    stride = (1,) + tuple(conv_patch_embed_stride) if use_2d_patch else conv_patch_embed_stride
    pe_shape = [dims[i] // stride[i] for i in range(3)] if enable_patch_embed else dims
    pos = SpatioTemporalClsPositionalEncoding(patch_embed_dim, pe_shape, sep_pos_embed=sep_pos_embed, has_cls=cls_embed_on)
    dpr = [x.item() for x in torch.linspace(0, droppath_rate_block, depth)]
    dim_mul, head_mul = torch.ones(depth + 1), torch.ones(depth + 1)
    for i, m in embed_dim_mul or []:
        dim_mul[i] = m
    for i, m in atten_head_mul or []:
        head_mul[i] = m
    pool_q, pool_kv = [[] for _ in range(depth)], [[] for _ in range(depth)]
    stride_q, stride_kv = [[] for _ in range(depth)], [[] for _ in range(depth)]
    for e in pool_q_stride_size or []:
        stride_q[e[0]] = e[1:]
        pool_q[e[0]] = pool_kvq_kernel if pool_kvq_kernel is not None else [s + 1 if s > 1 else s for s in e[1:]]
    if pool_kv_stride_adaptive is not None:
        s = pool_kv_stride_adaptive
        pool_kv_stride_size = []
        for i in range(depth):
            if len(stride_q[i]) > 0:
                s = [max(s[d] // stride_q[i][d], 1) for d in range(len(s))]
            pool_kv_stride_size.append([i] + s)
    for e in pool_kv_stride_size or []:
        stride_kv[e[0]] = e[1:]
        pool_kv[e[0]] = pool_kvq_kernel if pool_kvq_kernel is not None else [s + 1 if s > 1 else s for s in e[1:]]
    blocks = nn.ModuleList()
    for i in range(depth):
        num_heads = round_width(num_heads, head_mul[i], min_width=1, divisor=1)
        patch_embed_dim = round_width(patch_embed_dim, dim_mul[i], divisor=num_heads)
        dim_out = round_width(patch_embed_dim, dim_mul[i + 1], divisor=round_width(num_heads, head_mul[i + 1]))
        blocks.append(MultiScaleBlock(patch_embed_dim, dim_out, num_heads, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias,
                                      dropout_rate=dropout_rate_block, droppath_rate=dpr[i], norm_layer=block_norm,
                                      attn_norm_layer=attn_norm, kernel_q=pool_q[i], kernel_kv=pool_kv[i], stride_q=stride_q[i],
                                      stride_kv=stride_kv[i], pool_mode=pooling_mode, has_cls_embed=cls_embed_on,
                                      pool_first=pool_first, residual_pool=residual_pool, bias_on=bias_on,
                                      depthwise_conv=depthwise_conv, separate_qkv=separate_qkv))
    emb = dim_out
    model = MultiscaleVisionTransformers(
        patch_embed=patch_embed, cls_positional_encoding=pos,
        pos_drop=nn.Dropout(dropout_rate_block) if dropout_rate_block > 0.0 else None, blocks=blocks,
        norm_embed=None if norm_layer is None else norm_layer(emb),
        head=None if head is None else head(in_features=emb, out_features=head_num_classes,
                                            seq_pool_type="cls" if cls_embed_on else "mean",
                                            dropout_rate=head_dropout_rate, activation=head_activation))
    model.thw = pe_shape
    return model
