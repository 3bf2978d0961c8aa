"""Plain-torch re-statement of pytorchvideo/models/masked_multistream.py, written from reading its
source. nn.MultiheadAttention, nn.LSTM (with pack_padded_sequence) and nn.TransformerEncoder are
real torch. Masks are bool [batch, seq_len], False = invalid. Note the in-place mask[:, 0] = True
(attention and transformer) and x[~mask] = -inf (max pooling), as PyTorchVideo does."""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


class MaskedTemporalPooling(nn.Module):
    def __init__(self, method):
        super().__init__()
        assert method in ("max", "avg", "sum")
        self._method = method

    def forward(self, x, mask=None):
        b, t = x.shape[0], x.shape[1]
        if mask is None:
            mask = torch.ones((b, t), dtype=torch.bool)
        if self._method == "max":
            x[~mask, :] = float("-inf")
            x[~mask.view(b, -1).any(dim=-1), :] = 0
            return torch.max(x, dim=1)[0]
        x = x * mask.unsqueeze(-1).float()
        if self._method == "sum":
            return x.sum(dim=1)
        valid = mask.view(b, t, -1).any(dim=-1).float().sum(dim=-1).int()
        x = x.sum(dim=1)
        return x.div(valid.clamp(min=1).unsqueeze(-1).expand(x.size()).float())


class TransposeMultiheadAttention(nn.Module):
    def __init__(self, feature_dim, num_heads=1):
        super().__init__()
        self._attention = nn.MultiheadAttention(embed_dim=feature_dim, num_heads=num_heads)
        self._attention_weights = None

    def forward(self, x, mask=None):
        if mask is not None:
            mask[:, 0] = True
            mask = ~mask
        x = x.transpose(0, 1)
        out, self._attention_weights = self._attention(x, x, x, key_padding_mask=mask)
        return out.transpose(0, 1)


class LearnMaskedDefault(nn.Module):
    def __init__(self, feature_dim, init_method="gaussian", freeze=False):
        super().__init__()
        if init_method == "zeros":
            self._learned_defaults = nn.Parameter(torch.zeros(feature_dim), requires_grad=not freeze)
        else:
            self._learned_defaults = nn.Parameter(torch.Tensor(feature_dim), requires_grad=not freeze)
            nn.init.normal_(self._learned_defaults)

    def forward(self, x, mask):
        mask = mask.view(mask.shape[0], -1).any(dim=-1)
        for i in range(1, x.dim()):
            mask = mask.unsqueeze(i)
        return x * mask.float() + self._learned_defaults * (1 - mask.float())


class LSTM(nn.Module):
    def __init__(self, dim_in, hidden_dim, dropout=0.0, bidirectional=False):
        super().__init__()
        self.lstm = nn.LSTM(dim_in, hidden_dim, batch_first=True, dropout=dropout, bidirectional=bidirectional)
        self.lstm.flatten_parameters()
        self.output_dim = 2 * hidden_dim if bidirectional else hidden_dim
        self.bidirectional = bidirectional

    def forward(self, data, mask=None):
        b, t = data.shape[0], data.shape[1]
        if mask is None:
            mask = torch.ones((b, t), dtype=torch.bool)
        lengths = mask.sum(axis=1)
        packed = pack_padded_sequence(data, lengths.clamp(1, data.size(1)), batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return torch.cat([h[0, :, :], h[1, :, :]], dim=-1) if self.bidirectional else h[-1, :, :]


class TransposeTransformerEncoder(nn.Module):
    def __init__(self, dim_in, num_heads=1, num_layers=1):
        super().__init__()
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(dim_in, num_heads), num_layers)

    def forward(self, data, mask=None):
        if mask is not None:
            mask[:, 0] = True
            mask = ~mask
        out = self.encoder(src=data.transpose(0, 1), src_key_padding_mask=mask).transpose(0, 1)
        return out[:, 0, :]


class MaskedSequential(nn.Sequential):
    _MASK_MODULES = [MaskedTemporalPooling, LearnMaskedDefault, TransposeMultiheadAttention, LSTM, TransposeTransformerEncoder]

    def forward(self, input, mask):
        for module in self:
            if any(isinstance(module, t) for t in self._MASK_MODULES):
                input = module(input, mask=mask)
            else:
                input = module(input)
        return input


class MaskedMultiPathWay(nn.Module):
    def __init__(self, *, multipathway_blocks, multipathway_fusion):
        super().__init__()
        self.multipathway_blocks = multipathway_blocks
        self.multipathway_fusion = multipathway_fusion

    def forward(self, x_and_mask):
        out = [self.multipathway_blocks[i](*x_and_mask[i]) for i in range(len(self.multipathway_blocks))]
        return self.multipathway_fusion(out)
