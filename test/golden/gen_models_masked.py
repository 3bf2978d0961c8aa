"""Parity cases for pytorchvideo.models.masked_multistream (MaskedTemporalPooling, TransposeMultiheadAttention,
LearnMaskedDefault, LSTM, TransposeTransformerEncoder, MaskedSequential, MaskedMultiPathWay).
Run: cd test/golden && /usr/bin/python3 gen_models_masked.py
Reference: test/golden/ptv/masked_multistream.py. Writes data/models_masked.json (one case per module:
inputs x/mask (mask as u8), eval-mode output, state-dict keys, gradients of sum(y * gy) for named
parameters and the input) and test/data/models/masked_<name>.pyth (state dicts).
Inputs are encoded before the call: PyTorchVideo mutates them in place (mask[:, 0] = True, x[~mask] = -inf)."""
import json
import os
import torch
import torch.nn as nn
from common import enc, randn
from models_common import randomize, DATA, GOLD
from ptv import masked_multistream as M
from ptv.layers import PositionalEncoding, ConcatFusion

torch.manual_seed(0)


def mask_of(rows):
    return torch.tensor(rows, dtype=torch.bool)


def run(name, m, pairs, names=(), randomized=True):
    """pairs: list of (x, mask) (one per pathway; a single pair calls m(x, mask))."""
    if randomized:
        randomize(m, seed=len(name))
    m.eval()
    os.makedirs(DATA, exist_ok=True)
    if len(m.state_dict()) > 0:
        torch.save(m.state_dict(), os.path.join(DATA, f"masked_{name}.pyth"))
    inputs = {}
    for i, (x, mask) in enumerate(pairs):
        sfx = "" if len(pairs) == 1 else str(i)
        inputs[f"x{sfx}"] = enc(x)
        if mask is not None:
            inputs[f"mask{sfx}"] = enc(mask.to(torch.uint8))
    xs = [x.clone().requires_grad_(True) for x, _ in pairs]
    args = [(x.clone(), None if mk is None else mk.clone()) for x, (_, mk) in zip(xs, pairs)]
    y = m(args) if len(pairs) > 1 else m(*args[0])
    gy = randn(*y.shape, seed=41)
    (y * gy).sum().backward()
    params = dict(m.named_parameters())
    grads = {n: enc(params[n].grad) for n in names}
    grads.update({f"input_x{i if len(pairs) > 1 else ''}": enc(x.grad) for i, x in enumerate(xs) if x.grad is not None})
    print(f"{name}: output {tuple(y.shape)}, {sum(p.numel() for p in m.parameters())} params")
    return {"name": name, "op": "masked", "params": {"names": list(names), "keys": list(m.state_dict().keys())},
            "inputs": {**inputs, "gy": enc(gy)}, "outputs": {"y": enc(y)}, "grads": grads}


def main():
    cases = []
    x = randn(3, 5, 4, seed=1)
    mk = mask_of([[1, 1, 0, 1, 0], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]])
    for method in ("max", "avg", "sum"):
        cases.append(run(f"pool_{method}", M.MaskedTemporalPooling(method), [(x, mk)], randomized=False))
    cases.append(run("pool_avg_nomask", M.MaskedTemporalPooling("avg"), [(x, None)], randomized=False))
    xa = randn(3, 5, 8, seed=2)
    ma = mask_of([[1, 1, 1, 0, 0], [0, 1, 0, 1, 1], [1, 1, 1, 1, 1]])
    cases.append(run("mha", M.TransposeMultiheadAttention(8, num_heads=2), [(xa, ma)],
                     ["_attention.in_proj_weight", "_attention.in_proj_bias", "_attention.out_proj.weight"]))
    cases.append(run("mha_nomask", M.TransposeMultiheadAttention(8), [(xa, None)], ["_attention.in_proj_weight"]))
    cases.append(run("learn_default", M.LearnMaskedDefault(6), [(randn(3, 6, seed=3), mask_of([[1, 0, 0], [0, 0, 0], [0, 0, 1]]))],
                     ["_learned_defaults"]))
    xl = randn(4, 6, 5, seed=4)
    ml = mask_of([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 1, 0, 1, 1, 0]])
    cases.append(run("lstm", M.LSTM(5, 4), [(xl, ml)], ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_hh_l0"]))
    cases.append(run("lstm_bi", M.LSTM(5, 3, bidirectional=True), [(xl, ml)],
                     ["lstm.weight_ih_l0", "lstm.bias_ih_l0", "lstm.weight_hh_l0_reverse", "lstm.bias_hh_l0_reverse"]))
    cases.append(run("transformer", M.TransposeTransformerEncoder(8, num_heads=2, num_layers=2), [(xa, ma)],
                     ["encoder.layers.0.self_attn.in_proj_weight", "encoder.layers.0.linear1.weight",
                      "encoder.layers.1.norm2.weight", "encoder.layers.1.self_attn.out_proj.bias"]))
    seq = M.MaskedSequential(PositionalEncoding(8, 16), nn.Dropout(p=0.1), M.TransposeMultiheadAttention(8),
                             M.MaskedTemporalPooling("avg"), nn.LayerNorm(8), M.LearnMaskedDefault(8))
    cases.append(run("sequential", seq, [(xa, mask_of([[1, 1, 1, 0, 0], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]]))],
                     ["2._attention.in_proj_weight", "4.weight", "5._learned_defaults"]))
    streams = nn.ModuleList([
        M.MaskedSequential(M.LSTM(5, 4, bidirectional=True), nn.Linear(8, 6)),
        M.MaskedSequential(M.TransposeTransformerEncoder(8, num_heads=2), nn.ReLU()),
    ])
    mp = M.MaskedMultiPathWay(multipathway_blocks=streams, multipathway_fusion=ConcatFusion())
    cases.append(run("multipathway", mp, [(xl, ml), (randn(4, 3, 8, seed=5), mask_of([[1, 1, 1], [0, 1, 1], [0, 0, 0], [1, 0, 1]]))],
                     ["multipathway_blocks.0.0.lstm.weight_hh_l0", "multipathway_blocks.1.0.encoder.layers.0.linear2.weight"]))
    with open(os.path.join(GOLD, "models_masked.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    print(f"models_masked.json: {os.path.getsize(os.path.join(GOLD, 'models_masked.json')) // 1024} KiB")


if __name__ == "__main__":
    main()


def layer_cases():
    """The torch layers themselves, on paths the PyTorchVideo wrappers do not take: MultiheadAttention
    batch-first with attn_mask (bool and float) and per-head weights; a 2-layer bidirectional LSTM
    (sequence first) with h0/c0 and full output; a pre-norm GELU batch-first TransformerEncoderLayer."""
    cases = []

    def add(name, m, inputs, fn, names):
        randomize(m, seed=len(name) + 100)
        m.eval()
        torch.save(m.state_dict(), os.path.join(DATA, f"masked_{name}.pyth"))
        enc_in = {k: enc(v.to(torch.uint8) if v.dtype == torch.bool else v) for k, v in inputs.items()}
        ins = {k: (v.clone().requires_grad_(True) if v.dtype == torch.float32 and k.startswith("x") else v) for k, v in inputs.items()}
        outs = fn(m, ins)
        gys = {k: randn(*v.shape, seed=50 + i) for i, (k, v) in enumerate(outs.items())}
        sum((v * gys[k]).sum() for k, v in outs.items()).backward()
        params = dict(m.named_parameters())
        grads = {n: enc(params[n].grad) for n in names}
        grads.update({f"input_{k}": enc(v.grad) for k, v in ins.items() if isinstance(v, torch.Tensor) and v.grad is not None})
        cases.append({"name": name, "op": "layer", "params": {"names": names, "keys": list(m.state_dict().keys())},
                      "inputs": {**enc_in, **{f"gy_{k}": enc(v) for k, v in gys.items()}},
                      "outputs": {k: enc(v) for k, v in outs.items()}, "grads": grads})
        print(f"{name}: outputs {[tuple(v.shape) for v in outs.values()]}")

    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    kpm = mask_of([[0, 0, 0, 1], [0, 0, 0, 0]])
    add("torch_mha_bf_bool", nn.MultiheadAttention(6, 3, batch_first=True), {"x": randn(2, 4, 6, seed=60), "attn_mask": causal, "kpm": kpm},
        lambda m, i: dict(zip(("y", "w"), m(i["x"], i["x"], i["x"], attn_mask=i["attn_mask"], key_padding_mask=i["kpm"], average_attn_weights=False))),
        ["in_proj_weight", "out_proj.bias"])
    add("torch_mha_float_mask", nn.MultiheadAttention(6, 2), {"x": randn(4, 2, 6, seed=61), "xk": randn(5, 2, 6, seed=62), "attn_mask": randn(4, 5, seed=63)},
        lambda m, i: dict(zip(("y", "w"), m(i["x"], i["xk"], i["xk"], attn_mask=i["attn_mask"]))), ["in_proj_weight", "in_proj_bias"])
    add("torch_lstm_2l_bi", nn.LSTM(3, 4, num_layers=2, bidirectional=True),
        {"x": randn(5, 2, 3, seed=64), "h0": randn(4, 2, 4, seed=65), "c0": randn(4, 2, 4, seed=66)},
        lambda m, i: (lambda o: {"y": o[0], "h": o[1][0], "c": o[1][1]})(m(i["x"], (i["h0"], i["c0"]))),
        ["weight_ih_l0", "weight_hh_l1_reverse", "bias_ih_l1"])
    add("torch_encoder_layer_prenorm", nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, activation="gelu", batch_first=True, norm_first=True),
        {"x": randn(2, 5, 8, seed=67), "kpm": mask_of([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]])},
        lambda m, i: {"y": m(i["x"], src_key_padding_mask=i["kpm"])}, ["self_attn.in_proj_weight", "linear1.weight", "norm2.bias"])
    with open(os.path.join(GOLD, "models_masked_layers.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    layer_cases()
