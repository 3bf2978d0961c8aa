"""Golden values for vidwasm's video transforms (ts/data/transforms) from real torch/torchvision.
Run: cd test/golden && /usr/bin/python3 gen_transforms.py  ->  data/transforms.json

PyTorchVideo is not installed here; its functional math is plain torch, re-stated below from its
documented behaviour (short_side_scale = F.interpolate(size=...), uniform_crop offsets,
uniform_temporal_subsample = linspace + long, box helpers, convert_to_one_hot, _mix_labels).
"""
import math
import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from common import case, save

torch.manual_seed(0)
cases = []


def video(c, t, h, w, seed, dtype="f32"):
    g = torch.Generator().manual_seed(seed)
    if dtype == "u8":
        return torch.randint(0, 256, (c, t, h, w), generator=g, dtype=torch.uint8)
    return torch.rand((c, t, h, w), generator=g) * 255.0


# --- resize (F.interpolate, align_corners=False), f32 and u8 (read as float) inputs
for (shape, size, mode, dt, seed) in [
    ((3, 2, 24, 32), (20, 26), "bilinear", "f32", 1),    # downscale
    ((2, 3, 9, 13), (16, 23), "bilinear", "f32", 2),     # upscale, odd sizes
    ((3, 1, 10, 7), (10, 7), "bilinear", "f32", 3),      # identity size, T=1
    ((1, 2, 17, 5), (6, 11), "bilinear", "u8", 4),       # mixed down/up, u8
    ((3, 2, 24, 32), (16, 21), "bilinear", "u8", 5),
    ((3, 2, 12, 9), (7, 18), "nearest", "f32", 6),
    ((2, 2, 8, 10), (16, 20), "nearest", "u8", 7),       # exact 2x
    ((2, 1, 11, 6), (5, 13), "nearest", "u8", 8),
]:
    x = video(*shape, seed, dt)
    y = F.interpolate(x.float(), size=size, mode=mode, **({"align_corners": False} if mode == "bilinear" else {}))
    cases.append(case(f"resize {mode} {dt} {list(shape)}->{list(size)}", "resize", {"size": list(size), "mode": mode}, {"x": x}, {"y": y}))

# --- short_side_scale
def short_side_scale(x, size, interpolation="bilinear"):
    c, t, h, w = x.shape
    if w < h:
        new_h, new_w = int(math.floor((float(h) / w) * size)), size
    else:
        new_h, new_w = size, int(math.floor((float(w) / h) * size))
    return F.interpolate(x, size=(new_h, new_w), mode=interpolation, align_corners=False if interpolation == "bilinear" else None)

for (shape, size, seed) in [((3, 2, 24, 32), 20, 11), ((3, 2, 30, 17), 9, 12), ((3, 1, 15, 15), 21, 13)]:
    x = video(*shape, seed)
    cases.append(case(f"short_side_scale {list(shape)} {size}", "short_side_scale", {"size": size}, {"x": x}, {"y": short_side_scale(x, size)}))

# --- crops
for (shape, size, seed) in [((3, 2, 11, 14), [6, 6], 21), ((3, 2, 11, 14), [5, 8], 22), ((2, 1, 9, 9), [4, 4], 23), ((3, 2, 10, 13), [10, 13], 24)]:
    x = video(*shape, seed, "u8")
    cases.append(case(f"center_crop {list(shape)} {size}", "center_crop", {"size": size}, {"x": x}, {"y": TF.center_crop(x, size)}))

def uniform_crop(frames, size, spatial_idx):
    height, width = frames.shape[2], frames.shape[3]
    y_offset, x_offset = int(math.ceil((height - size) / 2)), int(math.ceil((width - size) / 2))
    if height > width:
        if spatial_idx == 0: y_offset = 0
        elif spatial_idx == 2: y_offset = height - size
    else:
        if spatial_idx == 0: x_offset = 0
        elif spatial_idx == 2: x_offset = width - size
    return frames[:, :, y_offset:y_offset + size, x_offset:x_offset + size], x_offset, y_offset

for (shape, size, seed) in [((3, 2, 10, 17), 7, 31), ((3, 2, 19, 8), 5, 32)]:
    x = video(*shape, seed)
    for idx in (0, 1, 2):
        y, _, _ = uniform_crop(x, size, idx)
        cases.append(case(f"uniform_crop {list(shape)} {size} {idx}", "uniform_crop", {"size": size, "spatial_idx": idx}, {"x": x}, {"y": y}))

# --- flips (odd widths exercise the SIMD tails)
for (shape, dt, seed) in [((3, 2, 5, 37), "u8", 41), ((3, 2, 4, 17), "f32", 42), ((1, 1, 3, 3), "u8", 43), ((2, 1, 2, 16), "u8", 44)]:
    x = video(*shape, seed, dt)
    cases.append(case(f"hflip {dt} {list(shape)}", "hflip", {}, {"x": x}, {"y": TF.hflip(x)}))

# --- dtype conversion and normalisation
x = video(3, 2, 5, 19, 51, "u8")
cases.append(case("convert_uint8_to_float", "convert_u8", {}, {"x": x}, {"y": TF.convert_image_dtype(x, torch.float32)}))
cases.append(case("div_255 u8", "div255", {}, {"x": x}, {"y": x / 255.0}))
xf = video(3, 2, 5, 19, 52)
cases.append(case("div_255 f32", "div255", {}, {"x": xf}, {"y": xf / 255.0}))
mean, std = [0.45, 0.40, 0.35], [0.225, 0.25, 0.3]
xn = TF.convert_image_dtype(video(3, 2, 7, 13, 53, "u8"), torch.float32)
# pytorchvideo Normalize: permute to T C H W, torchvision normalize, permute back
yn = TF.normalize(xn.permute(1, 0, 2, 3), mean, std).permute(1, 0, 2, 3)
cases.append(case("normalize", "normalize", {"mean": mean, "std": std}, {"x": xn}, {"y": yn}))

# --- uniform_temporal_subsample indices
for (t, n) in [(30, 8), (7, 8), (1, 4), (64, 32), (10, 3), (100, 7), (16, 16), (300, 64)]:
    idx = torch.clamp(torch.linspace(0, t - 1, n), 0, t - 1).long()
    cases.append(case(f"temporal indices t={t} n={n}", "temporal_indices", {"t": t, "n": n}, {}, {"idx": idx}))
x = video(2, 9, 3, 4, 61, "u8")
idx = torch.clamp(torch.linspace(0, 8, 4), 0, 8).long()
cases.append(case("uniform_temporal_subsample", "uniform_temporal_subsample", {"n": 4}, {"x": x}, {"y": torch.index_select(x, 1, idx)}))

# --- crop + resize window (random_resized_crop with a fixed box)
x = video(3, 2, 20, 30, 71)
for (i, j, h, w, th, tw) in [(3, 5, 11, 17, 8, 8), (0, 0, 20, 30, 13, 7), (9, 20, 5, 6, 10, 12)]:
    y = F.interpolate(x[:, :, i:i + h, j:j + w], size=(th, tw), mode="bilinear", align_corners=False)
    cases.append(case(f"resized crop window {i},{j},{h},{w}->{th}x{tw}", "resize_window", {"box": [i, j, h, w], "size": [th, tw]}, {"x": x}, {"y": y}))

# --- boxes
boxes = torch.tensor([[2.0, 3.0, 10.0, 12.0], [-4.0, 1.5, 40.0, 7.25], [15.0, 0.0, 16.0, 30.0]])
def crop_boxes(b, xo, yo):
    c = b.clone(); c[:, [0, 2]] = b[:, [0, 2]] - xo; c[:, [1, 3]] = b[:, [1, 3]] - yo; return c
def clip_boxes(b, h, w):
    c = b.clone()
    c[:, [0, 2]] = torch.minimum(torch.tensor(w - 1.0), torch.maximum(torch.tensor(0.0), b[:, [0, 2]]))
    c[:, [1, 3]] = torch.minimum(torch.tensor(h - 1.0), torch.maximum(torch.tensor(0.0), b[:, [1, 3]]))
    return c
cases.append(case("crop_boxes", "crop_boxes", {"x_offset": 3, "y_offset": 2}, {"boxes": boxes}, {"y": crop_boxes(boxes, 3, 2)}))
cases.append(case("clip_boxes_to_image", "clip_boxes", {"height": 9, "width": 14}, {"boxes": boxes}, {"y": clip_boxes(boxes, 9, 14)}))
flipped = boxes.clone(); W = 21
flipped[:, [0, 2]] = W - boxes[:, [2, 0]] - 1
cases.append(case("horizontal_flip_with_boxes prob=1", "flip_boxes", {"width": W}, {"boxes": boxes}, {"y": flipped}))
x = video(3, 2, 24, 32, 81)
y = short_side_scale(x, 20)
sb = boxes.clone(); sb *= float(y.shape[3]) / 32
cases.append(case("short_side_scale_with_boxes", "short_side_scale_boxes", {"size": 20}, {"x": x, "boxes": boxes}, {"y": y, "boxes": sb}))
x = video(3, 2, 10, 17, 82)
for idx in (0, 1, 2):
    y, xo, yo = uniform_crop(x, 7, idx)
    cases.append(case(f"uniform_crop_with_boxes {idx}", "uniform_crop_boxes", {"size": 7, "spatial_idx": idx}, {"x": x, "boxes": boxes}, {"y": y, "boxes": clip_boxes(crop_boxes(boxes, xo, yo), 7, 7)}))

# --- one-hot and label mixing
def convert_to_one_hot(targets, num_class, label_smooth=0.0):
    non_target = label_smooth / num_class
    target = 1.0 - label_smooth + non_target
    oh = torch.full((targets.shape[0], num_class), non_target, dtype=torch.long if label_smooth == 0.0 else None)
    oh.scatter_(1, targets.long().view(-1, 1), target)
    return oh
labels = torch.tensor([3, 0, 7, 3, 9], dtype=torch.int32)
for ls in (0.0, 0.1):
    cases.append(case(f"convert_to_one_hot ls={ls}", "one_hot", {"num_class": 10, "label_smooth": ls}, {"labels": labels}, {"y": convert_to_one_hot(labels, 10, ls)}))
lam = torch.tensor(0.3127)
for ls in (0.0, 0.2):
    mixed = convert_to_one_hot(labels, 10, ls) * lam + convert_to_one_hot(labels.flip(0), 10, ls) * (1.0 - lam)
    cases.append(case(f"mix_labels ls={ls}", "mix_labels", {"num_classes": 10, "lam": float(lam), "label_smoothing": ls}, {"labels": labels}, {"y": mixed.float()}))
# MixUp arithmetic with a given lambda (x.flip(0).mul_(1-lam); x.mul_(lam).add_(flipped))
xb = torch.rand(3, 2, 2, 3, 4, generator=torch.Generator().manual_seed(91))
xm = xb.clone(); fl = xm.flip(0).mul_(1.0 - lam); xm.mul_(lam).add_(fl)
cases.append(case("mixup arithmetic", "mixup_apply", {"lam": float(lam)}, {"x": xb}, {"y": xm}))

# --- Kinetics val chain: subsample 4, /255, normalise, short side 16, center crop 14
x = video(3, 10, 24, 32, 101, "u8")
idx = torch.clamp(torch.linspace(0, 9, 4), 0, 9).long()
v = torch.index_select(x, 1, idx)
v = TF.convert_image_dtype(v, torch.float32)
v = TF.normalize(v.permute(1, 0, 2, 3), [0.45] * 3, [0.225] * 3).permute(1, 0, 2, 3)
v = short_side_scale(v, 16)
v = TF.center_crop(v, [14, 14])
cases.append(case("kinetics val chain", "kinetics_val", {}, {"x": x}, {"y": v}))

save("transforms", cases)


# ---------------------------------------------------------------------------------------------
# Augmentations (pytorchvideo.transforms.augmentations, i.e. torchvision tensor ops) on
# [T, C, H, W] videos, u8 and float in [0, 1] -> data/transforms_aug.json
import torchvision.transforms.functional_tensor as F_t
from torchvision.transforms.functional import InterpolationMode

aug = []
g = torch.Generator().manual_seed(7)
vu8 = torch.randint(0, 256, (2, 3, 9, 11), generator=g, dtype=torch.uint8)
# a low-contrast u8 video so equalize/autocontrast have work to do
vlow = (torch.randint(60, 140, (2, 3, 9, 11), generator=g)).to(torch.uint8)
vf = torch.rand((2, 3, 9, 11), generator=g)
fill = [0.5, 0.5, 0.5]


def ptv_equalize(v):
    if v.dtype != torch.uint8:
        return (TF.equalize((v * 255).to(torch.uint8)) / 255).to(v.dtype)
    return TF.equalize(v)


def ptv_posterize(v, bits):
    if v.dtype != torch.uint8:
        return (TF.posterize((v * 255).to(torch.uint8), bits) / 255).to(v.dtype)
    return TF.posterize(v, bits)


ops = [
    ("adjust_brightness", 1.6, lambda v, a: TF.adjust_brightness(v, a)),
    ("adjust_brightness", 0.4, lambda v, a: TF.adjust_brightness(v, a)),
    ("adjust_contrast", 1.7, lambda v, a: TF.adjust_contrast(v, a)),
    ("adjust_contrast", 0.3, lambda v, a: TF.adjust_contrast(v, a)),
    ("adjust_saturation", 1.5, lambda v, a: TF.adjust_saturation(v, a)),
    ("adjust_saturation", 0.2, lambda v, a: TF.adjust_saturation(v, a)),
    ("adjust_sharpness", 1.9, lambda v, a: TF.adjust_sharpness(v, a)),
    ("adjust_sharpness", 0.1, lambda v, a: TF.adjust_sharpness(v, a)),
    ("autocontrast", None, lambda v, a: TF.autocontrast(v)),
    ("equalize", None, lambda v, a: ptv_equalize(v)),
    ("invert", None, lambda v, a: TF.invert(v)),
    ("posterize", 3, lambda v, a: ptv_posterize(v, a)),
    ("rotate", 17.0, lambda v, a: TF.rotate(v, a, fill=fill, interpolation=InterpolationMode.BILINEAR)),
    ("rotate", -25.0, lambda v, a: TF.rotate(v, a, fill=fill, interpolation=InterpolationMode.BILINEAR)),
    ("shear_x", 0.2, lambda v, a: F_t.affine(v, [1, a, v.size(-2) * a / 2, 0, 1, 0], fill=fill, interpolation="bilinear")),
    ("shear_y", -0.15, lambda v, a: F_t.affine(v, [1, 0, 0, a, 1, v.size(-1) * a / 2], fill=fill, interpolation="bilinear")),
    ("translate_x", 0.3, lambda v, a: F_t.affine(v, [1, 0, a * v.size(-1), 0, 1, 0], fill=fill, interpolation="bilinear")),
    ("translate_y", -0.2, lambda v, a: F_t.affine(v, [1, 0, 0, 0, 1, a * v.size(-2)], fill=fill, interpolation="bilinear")),
]
for name, arg, fn in ops:
    for label, v in (("u8", vu8), ("u8 low", vlow), ("f32", vf)):
        if label == "u8 low" and name not in ("equalize", "autocontrast", "adjust_contrast"):
            continue
        aug.append(case(f"{name} {arg} {label}", name, {"arg": arg}, {"x": v}, {"y": fn(v.clone(), arg)}))
for label, v, thr in (("u8", vu8, 0.3), ("u8", vu8, 200.0), ("f32", vf, 0.6)):
    aug.append(case(f"solarize {thr} {label}", "solarize", {"arg": thr}, {"x": v}, {"y": TF.solarize(v.clone(), thr)}))
save("transforms_aug", aug)
