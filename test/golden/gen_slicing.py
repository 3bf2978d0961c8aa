"""Golden values for the data-movement ops: cat, stack, slice/narrow, split/chunk, pad,
index_select, gather (forward + gradient of sum(out * gy); see common.py for the format).
Layout is not part of the golden data: the tests replay every case on contiguous and on
channels_last inputs, since PyTorch's values do not depend on memory format."""
import torch
import torch.nn.functional as F
from common import case, randn, save, with_grads, enc

cases = []


def multi(name, op, params, xs, fn):
    """Case for ops with several inputs (cat/stack) or several outputs (split/chunk)."""
    leaves = {k: v.detach().clone().requires_grad_(True) for k, v in xs.items()}
    outs = fn(**leaves)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    gys = [randn(*o.shape, seed=100 + i) for i, o in enumerate(outs)]
    sum((o * g).sum() for o, g in zip(outs, gys)).backward()
    inputs = dict(xs)
    inputs.update({f"gy{i}": g for i, g in enumerate(gys)})
    cases.append(case(name, op, params, inputs, {f"y{i}": o.detach() for i, o in enumerate(outs)},
                      {k: v.grad for k, v in leaves.items()}))


# cat: 5-D along C (the SlowFast fusion case), along T with T=1 pieces, last dim, dim 0, 3-D.
for sa, sb, sc, dim in [((2, 3, 4, 5, 6), (2, 2, 4, 5, 6), (2, 1, 4, 5, 6), 1),
                        ((1, 3, 1, 3, 5), (1, 3, 2, 3, 5), None, 2),
                        ((2, 3, 2, 3, 5), (2, 3, 2, 3, 1), None, -1),
                        ((1, 4, 3, 3), (2, 4, 3, 3), (3, 4, 3, 3), 0),
                        ((2, 5, 7), (2, 3, 7), None, 1)]:
    xs = {"a": randn(*sa, seed=1), "b": randn(*sb, seed=2)}
    if sc:
        xs["c"] = randn(*sc, seed=3)
    names = sorted(xs)
    multi(f"cat {[list(xs[k].shape) for k in names]} dim={dim}", "cat", {"dim": dim, "names": names}, xs,
          lambda **t: torch.cat([t[k] for k in names], dim))

for shape, dim in [((2, 3, 2, 4, 5), 0), ((2, 3, 2, 4, 5), 2), ((3, 4, 5), -1), ((2, 3, 1, 4, 4), 1)]:
    xs = {"a": randn(*shape, seed=4), "b": randn(*shape, seed=5), "c": randn(*shape, seed=6)}
    multi(f"stack 3x{list(shape)} dim={dim}", "stack", {"dim": dim, "names": ["a", "b", "c"]}, xs,
          lambda a, b, c: torch.stack([a, b, c], dim))

# slice x[start:end:step] along a dim
for shape, dim, start, end, step in [((2, 3, 7, 5, 6), 2, 1, 6, 2), ((2, 5, 3, 4, 7), 1, -4, 5, 1),
                                     ((2, 3, 3, 4, 9), -1, 0, 9, 3), ((2, 3, 1, 4, 5), 3, 1, 3, 1),
                                     ((3, 6, 5), 1, 2, 6, 3), ((4, 5, 2, 3, 3), 0, 1, 4, 2)]:
    x = randn(*shape, seed=7)
    sl = [slice(None)] * len(shape)
    sl[dim] = slice(start, end, step)
    out, gy, g = with_grads(lambda x: x[tuple(sl)], {"x": x}, ["x"])
    cases.append(case(f"slice {list(shape)} dim={dim} {start}:{end}:{step}", "slice",
                      {"dim": dim, "start": start, "end": end, "step": step}, {"x": x, "gy": gy}, {"y": out}, g))

x = randn(2, 6, 3, 4, 5, seed=8)
out, gy, g = with_grads(lambda x: torch.narrow(x, 1, 2, 3), {"x": x}, ["x"])
cases.append(case("narrow [2,6,3,4,5] dim=1 2+3", "narrow", {"dim": 1, "start": 2, "length": 3}, {"x": x, "gy": gy}, {"y": out}, g))

for shape, arg, dim in [((2, 7, 3, 4, 5), 3, 1), ((2, 6, 5, 3, 4), [1, 3, 1], 2), ((5, 4, 3), [2, 3], 0)]:
    multi(f"split {list(shape)} {arg} dim={dim}", "split", {"arg": arg, "dim": dim}, {"x": randn(*shape, seed=9)},
          lambda x: torch.split(x, arg, dim))
for shape, chunks, dim in [((2, 7, 3, 4, 5), 3, 1), ((2, 4, 5, 3, 4), 2, -1), ((6, 4, 3), 4, 0)]:
    multi(f"chunk {list(shape)} {chunks} dim={dim}", "chunk", {"chunks": chunks, "dim": dim}, {"x": randn(*shape, seed=10)},
          lambda x: torch.chunk(x, chunks, dim))

# pad: torch.nn.functional.pad semantics, amounts from the last dim backwards
for shape, p, mode, value in [((2, 3, 3, 4, 5), [1, 2, 0, 1, 2, 0], "constant", 0.5),
                              ((2, 3, 3, 4, 5), [1, 1], "constant", 0.0),
                              ((2, 3, 3, 4, 5), [-1, 2, 1, -2], "constant", -1.0),
                              ((2, 3, 4, 5), [0, 0, 0, 0, 1, 1, 1, 0], "constant", 2.0),
                              ((2, 3, 5), [2, 3], "constant", 0.0),
                              ((2, 3, 4, 5), [1, 2, 2, 1], "reflect", None),
                              ((2, 3, 3, 4, 5), [1, 1, 2, 0, 1, 2], "reflect", None),
                              ((2, 3, 7), [3, 2], "reflect", None),
                              ((2, 3, 3, 4, 5), [1, 1, 2, 0, 1, 2], "replicate", None),
                              ((1, 2, 1, 3, 3), [2, 1, 1, 2, 2, 1], "replicate", None),
                              ((2, 3, 4, 5), [3, 0, 0, 2], "replicate", None)]:
    x = randn(*shape, seed=11)
    kw = {"mode": mode} if value is None else {"mode": mode, "value": value}
    out, gy, g = with_grads(lambda x: F.pad(x, p, **kw), {"x": x}, ["x"])
    cases.append(case(f"pad {list(shape)} {p} {mode}", "pad", {"pad": p, "mode": mode, "value": value},
                      {"x": x, "gy": gy}, {"y": out}, g))

for shape, dim, idx in [((2, 5, 3, 4, 4), 1, [4, 0, 0, 2]), ((3, 4, 6), -1, [5, 1, 1, 1, 0, 3, 2]),
                        ((4, 3, 2, 3, 3), 0, [3, 3]), ((2, 3, 5, 4, 4), 2, [0, 4, 2])]:
    x = randn(*shape, seed=12)
    index = torch.tensor(idx, dtype=torch.int64)
    out, gy, g = with_grads(lambda x: torch.index_select(x, dim, index), {"x": x}, ["x"])
    cases.append(case(f"indexSelect {list(shape)} dim={dim} {idx}", "indexSelect", {"dim": dim},
                      {"x": x, "index": index, "gy": gy}, {"y": out}, g))

for shape, dim, ishape in [((3, 5, 4), 1, [3, 7, 4]), ((2, 3, 6), -1, [2, 3, 2]), ((2, 4, 2, 3, 3), 1, [2, 5, 2, 3, 3]),
                           ((3, 5, 4), 1, [2, 6, 3]), ((2, 4, 3, 3, 5), 4, [1, 3, 2, 3, 7])]:
    x = randn(*shape, seed=13)
    index = torch.randint(0, shape[dim], ishape, generator=torch.Generator().manual_seed(14))
    out, gy, g = with_grads(lambda x: torch.gather(x, dim, index), {"x": x}, ["x"])
    cases.append(case(f"gather {list(shape)} dim={dim} index {ishape}", "gather", {"dim": dim},
                      {"x": x, "index": index, "gy": gy}, {"y": out}, g))

save("slicing", cases)
