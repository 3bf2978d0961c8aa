"""Imports the REAL PyTorchVideo data modules (0.1.5 source at /work/ref/pytorchvideo) under
Debian's python3-torch, for the data golden generators (gen_clip_sampling.py, gen_datasets.py).

Run those with
  PYTHONPATH=/work/ref/pytorchvideo:/work/ref/iopath:/work/ref/fvcore /usr/bin/python3 test/golden/gen_<x>.py

What is stubbed, and why it does not change what is measured:
- av, aiofiles, portalocker, tqdm, torchaudio: imported by modules we load but unused on the
  paths we run (no encoded video is opened; iopath only reads local files).
- cv2: FrameVideo and DoMSEV decode frames with cv2.imdecode + cvtColor(BGR2RGB). The trees are
  lossless PNGs, so PIL's decode gives the same RGB array (the stub returns it as BGR and
  cvtColor swaps it back).
- torchvision: only torchvision.datasets.folder.make_dataset is used (LabeledVideoPaths
  .from_directory). It is torchvision's own file, loaded from the torchvision wheel on this machine
  (TORCHVISION_WHEEL, default the one under /opt/pypi-more), not a copy.
"""
import glob
import io
import os
import sys
import types
import zipfile

import numpy as np


def _stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def _install():
    for name in ["av", "av.video", "aiofiles", "portalocker", "torchaudio"]:
        _stub(name)
    _stub("av.video.frame", PictureType=object)
    _stub("tqdm", tqdm=lambda *a, **k: None)

    from PIL import Image

    def imdecode(buf, flags=None):
        rgb = np.array(Image.open(io.BytesIO(buf.tobytes())).convert("RGB"))
        return rgb[:, :, ::-1].copy()

    _stub("cv2", imdecode=imdecode, IMREAD_COLOR=1, COLOR_BGR2RGB=4, cvtColor=lambda img, code: img[:, :, ::-1].copy())

    wheel = os.environ.get("TORCHVISION_WHEEL") or sorted(glob.glob("/opt/pypi-more/files/torchvision-*.whl"))[0]
    src = zipfile.ZipFile(wheel).read("torchvision/datasets/folder.py").decode()
    _stub("torchvision")
    _stub("torchvision.datasets")
    _stub("torchvision.datasets.vision", VisionDataset=object)
    folder = _stub("torchvision.datasets.folder")
    folder.__package__ = "torchvision.datasets"
    exec(compile(src, f"{wheel}:torchvision/datasets/folder.py", "exec"), folder.__dict__)
    return os.path.basename(wheel)


TORCHVISION_WHEEL = _install()


def ego4d_utils():
    """pytorchvideo.data.ego4d.utils without the package's __init__ (which pulls in the whole of
    pytorchvideo.transforms and torchvision for the Ego4D dataset class, unused here)."""
    import importlib
    import pytorchvideo.data

    pkg = _stub("pytorchvideo.data.ego4d")
    pkg.__path__ = [os.path.join(os.path.dirname(pytorchvideo.data.__file__), "ego4d")]
    return importlib.import_module("pytorchvideo.data.ego4d.utils")
