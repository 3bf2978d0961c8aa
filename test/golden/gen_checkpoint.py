"""Checkpoint golden data (run after write_ours_checkpoint.ts, with /usr/bin/python3):

1. torch.load of vidwasm's ours.pyth must give the expected tensors (checked here, asserted);
   its sha256 goes into checkpoint.json so the test knows torch accepted exactly those bytes.
2. torch_made.pyth / torch_made_legacy.pyth: PyTorch-written files with awkward tensors
   (non-contiguous views, channels_last, shared storage, float64/int64/bool/half/bfloat16,
   nested optimizer state); their values go into checkpoint.json.
3. Hostile and broken files the reader must refuse: a pickle calling os.system, a tensor whose
   view runs past its storage, an unknown storage type.
4. Files for the reader's limits (issue 15): an empty state dict, broadcast views small and huge,
   memo-shared nested lists with 2**27 paths, legacy-looking pickles without the magic number.
"""
import hashlib
import io
import math
import os
import pickle
import zipfile
from collections import OrderedDict

import torch
from common import enc, save

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "checkpoints")

# 1. our writer -> torch.load
ours = os.path.join(D, "ours.pyth")
obj = torch.load(ours)
sd = obj["model_state"]
w = torch.tensor([math.sin(i) * 0.5 for i in range(54)], dtype=torch.float32).reshape(2, 3, 1, 3, 3)
assert torch.allclose(sd["blocks.0.conv.weight"], w, rtol=1e-6, atol=0)
assert sd["blocks.0.norm.num_batches_tracked"].dtype == torch.int64 and sd["blocks.0.norm.num_batches_tracked"].item() == 123456
assert torch.equal(sd["blocks.1.proj.weight"], (torch.arange(12, dtype=torch.float32) / 7).reshape(2, 3, 1, 1, 2))
assert sd["blocks.1.half"].dtype == torch.float16 and sd["blocks.1.half"].tolist()[:2] == [1.0, -2.0]
assert sd["blocks.1.bytes"].tolist() == [0, 7, 255] and sd["blocks.1.chars"].tolist() == [-128, 1, 127]
assert obj["epoch"] == 7 and obj["lr"] == 0.125 and obj["name"] == "vidwasm" and obj["flags"] == [True, False, None]
m = torch.nn.Conv3d(3, 2, (1, 3, 3), bias=False)
m.load_state_dict({"weight": sd["blocks.0.conv.weight"]})  # loads into a real module
ours_sha = hashlib.sha256(open(ours, "rb").read()).hexdigest()

# 2. PyTorch-written files
g = torch.Generator().manual_seed(0)
base = torch.randn(4, 6, generator=g)
cl = torch.randn(2, 3, 2, 2, 2, generator=g).contiguous(memory_format=torch.channels_last_3d)
tensors = OrderedDict([
    ("plain", torch.randn(3, 5, generator=g)),
    ("transposed", base.t()),                 # non-contiguous view
    ("sliced", base[1:3, ::2]),               # offset + strides into a shared storage
    ("channels_last", cl),
    ("float64", torch.randn(3, generator=g, dtype=torch.float64)),
    ("int64", torch.tensor([-5, 0, 2**31 - 1])),
    ("bool", torch.tensor([True, False, True])),
    ("half", torch.tensor([0.5, -1.25, 3.0], dtype=torch.float16)),
    ("bfloat16", torch.tensor([0.5, -1.25, 3.0], dtype=torch.bfloat16)),
    ("scalar", torch.tensor(3.5)),
    ("empty", torch.zeros(0, 3)),
])
ckpt = {"model_state": tensors, "optimizer_state": {"state": {0: {"momentum_buffer": torch.ones(2)}}, "param_groups": [{"lr": 0.1}]}, "epoch": 3}
torch.save(ckpt, os.path.join(D, "torch_made.pyth"))
torch.save(ckpt, os.path.join(D, "torch_made_legacy.pyth"), _use_new_zipfile_serialization=False)
torch.save(tensors, os.path.join(D, "torch_bare.pyth"))
expected = {k: (v.float() if v.dtype in (torch.float64, torch.float16, torch.bfloat16) else v.to(torch.int32) if v.dtype in (torch.int64, torch.bool) else v) for k, v in tensors.items()}
expected["bool"] = tensors["bool"].to(torch.uint8)


# 3. hostile / broken files
class Evil:
    def __reduce__(self):
        return (os.system, ("echo vidwasm-was-pwned > /tmp/vidwasm-pwned",))


def zip_with_pickle(path, pkl_bytes, extra=None):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl_bytes)
        z.writestr("archive/version", "3\n")
        for k, v in (extra or {}).items():
            z.writestr(k, v)


zip_with_pickle(os.path.join(D, "evil_os_system.pyth"), pickle.dumps({"model_state": Evil()}, protocol=2))

# a tensor [4, 4] over a storage of 8 floats: view past the end of the storage
buf = io.BytesIO()
torch.save({"w": torch.zeros(8)}, buf)
zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
names = zin.namelist()
pkl_name = [n for n in names if n.endswith("data.pkl")][0]
prefix = pkl_name[: -len("data.pkl")]
pkl = zin.read(pkl_name)
# the pickle encodes size (8,) and stride (1,): rewrite the tensor as size (4, 4) stride (4, 1)
size_old = b"K\x08\x85q"  # BININT1 8, TUPLE1, BINPUT
assert size_old in pkl, pkl
pkl_oob = pkl.replace(b"K\x08\x85q", b"K\x04K\x04\x86q", 1).replace(b"K\x01\x85q", b"K\x04K\x01\x86q", 1)
with zipfile.ZipFile(os.path.join(D, "out_of_bounds.pyth"), "w", compression=zipfile.ZIP_STORED) as z:
    for n in names:
        z.writestr(n, pkl_oob if n == pkl_name else zin.read(n))

# 4. issue 15's shapes, written by PyTorch itself
# a module without parameters: PyTorch saves and loads {'model_state': {}}
torch.save({"model_state": torch.nn.ReLU().state_dict()}, os.path.join(D, "empty_state.pyth"))
# broadcast (stride-0) views: torch.save keeps the one-element storage and the view
small = torch.tensor([1.5, -2.0]).reshape(2, 1).expand(2, 3)
torch.save({"model_state": {"small": small}}, os.path.join(D, "broadcast_small.pyth"))
torch.save({"model_state": {"huge": torch.tensor([2.0]).expand(2**28)}}, os.path.join(D, "broadcast_huge.pyth"))
# nested lists sharing sub-lists through the pickle memo: 2**27 paths in a few hundred bytes
x = []
for _ in range(27):
    x = [x, x]
torch.save({"model_state": {"w": torch.ones(2)}, "shared": x}, os.path.join(D, "memo_paths.pyth"))
# legacy-looking pickles whose first value is not the magic integer
with open(os.path.join(D, "legacy_str_first.pyth"), "wb") as f:
    f.write(pickle.dumps("not a checkpoint", protocol=2))
with open(os.path.join(D, "legacy_float_first.pyth"), "wb") as f:
    f.write(pickle.dumps(1.5e300, protocol=2))

save("checkpoint", [
    {"name": "ours", "ours_sha256": ours_sha},
    {"name": "torch_made", "inputs": {k: enc(v) for k, v in expected.items()}},
    {"name": "broadcast_small", "inputs": {"small": enc(small)}},
])
