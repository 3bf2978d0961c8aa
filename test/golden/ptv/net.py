"""Reference re-statement of pytorchvideo.models.net in plain torch (for golden parity only):
Net, MultiPathWayWithFuse, DetectionBBoxNetwork, with PyTorchVideo's attribute names so the
state-dict keys are the same."""
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, *, blocks):
        super().__init__()
        self.blocks = blocks

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class MultiPathWayWithFuse(nn.Module):
    # PyTorchVideo's inplace=True overwrites the caller's list; results are the same, so this
    # reference always builds a new list (the generators reuse their input lists).
    def __init__(self, *, multipathway_blocks, multipathway_fusion):
        super().__init__()
        self.multipathway_blocks = multipathway_blocks
        self.multipathway_fusion = multipathway_fusion

    def forward(self, x):
        assert isinstance(x, list)
        out = list(x)
        for i, block in enumerate(self.multipathway_blocks):
            if block is not None:
                out[i] = block(x[i])
        if self.multipathway_fusion is not None:
            out = self.multipathway_fusion(out)
        return out


class DetectionBBoxNetwork(nn.Module):
    def __init__(self, model, detection_head):
        super().__init__()
        self.model = model
        self.detection_head = detection_head

    def forward(self, x, bboxes):
        return self.detection_head(self.model(x), bboxes)
