"""State-dict keys and shapes of the SlowFast-family builders at PyTorchVideo's default arguments
(full width, no weights saved): test/golden/data/models_slowfast_defaults.json. The narrow parity
cases check the arithmetic; this checks that the defaults build the same full-size trees.
Run: cd test/golden && /usr/bin/python3 gen_models_slowfast_defaults.py"""
import json
import os

import torch

from ptv.audio_visual_slowfast import create_audio_visual_slowfast
from ptv.resnet import create_resnet_with_roi_head
from ptv.slowfast import create_slowfast, create_slowfast_with_roi_head

builders = {
    "createSlowfast": create_slowfast,
    "createSlowfastWithRoiHead": create_slowfast_with_roi_head,
    "createResnetWithRoiHead": create_resnet_with_roi_head,
    "createAudioVisualSlowfast": create_audio_visual_slowfast,
}
out = {}
for name, fn in builders.items():
    m = fn()
    sd = m.state_dict()
    out[name] = {"keys": list(sd.keys()), "shapes": [list(t.shape) for t in sd.values()],
                 "params": sum(p.numel() for p in m.parameters())}
    print(name, len(sd), "keys", out[name]["params"], "params")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "models_slowfast_defaults.json"), "w") as f:
    json.dump({"torch": torch.__version__, "builders": out}, f, separators=(",", ":"))
