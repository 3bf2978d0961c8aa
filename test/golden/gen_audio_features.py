"""Golden values for ts/data/audio.ts's spectrogram, mel spectrogram and MFCC: torchaudio's own
transforms.Spectrogram / MelSpectrogram / MFCC (Debian's python3-torchaudio 0.13.1) on
deterministic waveforms, with their defaults and with the three configurations PyTorchVideo's
Ego4dMomentsDataset.signal_transform builds (48 kHz). Outputs are transposed to vidwasm's [T, F].
Run: cd test/golden && /usr/bin/python3 gen_audio_features.py"""
import json
import math
import os
import torch
import torchaudio
from common import OUT, enc, rand

T = torchaudio.transforms


def wave(n, seed, sr):
    t = torch.arange(n, dtype=torch.float64) / sr
    x = 0.5 * torch.sin(2 * math.pi * 440 * t) + 0.25 * torch.sin(2 * math.pi * 2345.6 * t + 0.3)
    x = x * torch.linspace(0.2, 1.0, n, dtype=torch.float64)
    return (x.float() + 0.05 * rand(n, seed=seed)).contiguous()


# name, samples, sample rate, vidwasm function, its options, the torchaudio transform
CASES = [
    ("spectrogram_defaults", 4001, 16000, "spectrogram", {}, T.Spectrogram()),
    ("spectrogram_power1_win300", 3000, 16000, "spectrogram", {"nFft": 512, "winLength": 300, "hopLength": 128, "power": 1},
     T.Spectrogram(n_fft=512, win_length=300, hop_length=128, power=1.0)),
    ("spectrogram_ego4d", 12000, 48000, "spectrogram", {"nFft": 1024, "hopLength": 512, "center": True, "padMode": "reflect", "power": 2},
     T.Spectrogram(n_fft=1024, win_length=None, hop_length=512, center=True, pad_mode="reflect", power=2.0)),
    ("melspectrogram_ego4d", 12000, 48000, "melSpectrogram",
     {"sampleRate": 48000, "nFft": 1024, "hopLength": 512, "center": True, "padMode": "reflect", "power": 2, "norm": "slaney", "nMels": 64, "melScale": "htk"},
     T.MelSpectrogram(sample_rate=48000, n_fft=1024, win_length=None, hop_length=512, center=True, pad_mode="reflect",
                      power=2.0, norm="slaney", onesided=True, n_mels=64, mel_scale="htk")),
    ("mfcc_defaults", 4001, 16000, "mfcc", {}, T.MFCC()),
    ("mfcc_lognorm_none", 2500, 8000, "mfcc", {"sampleRate": 8000, "nMfcc": 13, "norm": None, "logMels": True, "melkwargs": {"nFft": 256, "hopLength": 80, "nMels": 40}},
     T.MFCC(sample_rate=8000, n_mfcc=13, norm=None, log_mels=True, melkwargs={"n_fft": 256, "hop_length": 80, "n_mels": 40})),
    ("mfcc_quiet_topdb", 3000, 16000, "mfcc", {"nMfcc": 20, "melkwargs": {"nFft": 400, "nMels": 40}},
     T.MFCC(n_mfcc=20, melkwargs={"n_fft": 400, "n_mels": 40})),
    ("mfcc_ego4d", 12000, 48000, "mfcc", {"sampleRate": 48000, "nMfcc": 256, "melkwargs": {"nFft": 2048, "nMels": 256, "hopLength": 512, "melScale": "htk"}},
     T.MFCC(sample_rate=48000, n_mfcc=256, melkwargs={"n_fft": 2048, "n_mels": 256, "hop_length": 512, "mel_scale": "htk"})),
]


def main():
    cases = []
    for i, (name, n, sr, fn, opts, tf) in enumerate(CASES):
        x = wave(n, seed=100 + i, sr=sr)
        if name == "mfcc_quiet_topdb":
            x[: n // 2] *= 1e-6  # a near-silent half: the 80 dB floor is active
        y = tf(x)  # [F, T]
        cases.append({"name": name, "op": fn, "params": opts, "inputs": {"x": enc(x)}, "outputs": {"y": enc(y.T)}, "grads": {}})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "audio_features.json"), "w") as f:
        json.dump({"torch": torch.__version__, "torchaudio": torchaudio.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main()
