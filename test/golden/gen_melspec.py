"""Golden values for ts/data/audio.ts: torchaudio's Spectrogram / MelSpectrogram (Debian's
python3-torchaudio 0.13) on deterministic waveforms, transposed to vidwasm's [T, F].
Run: cd test/golden && /usr/bin/python3 gen_melspec.py"""
import json
import math
import os
import torch
import torchaudio
from common import OUT, enc, rand


def wave(n, seed, sr=16000):
    t = torch.arange(n, dtype=torch.float64) / sr
    x = 0.5 * torch.sin(2 * math.pi * 440 * t) + 0.25 * torch.sin(2 * math.pi * 1234.5 * t + 0.3)
    x = x * torch.linspace(0.2, 1.0, n, dtype=torch.float64)
    return (x.float() + 0.05 * rand(n, seed=seed)).contiguous()


CASES = [
    # name, samples, options (vidwasm names), torchaudio kwargs
    ("torchaudio_defaults_n400", 4001, {}, {}),
    ("n512_win400_hop160_slaney", 3000,
     {"nFft": 512, "winLength": 400, "hopLength": 160, "nMels": 80, "fMin": 50, "fMax": 7600, "melScale": "slaney", "norm": "slaney"},
     {"n_fft": 512, "win_length": 400, "hop_length": 160, "n_mels": 80, "f_min": 50.0, "f_max": 7600.0, "mel_scale": "slaney", "norm": "slaney"}),
    ("n256_nocenter_power1", 1000,
     {"nFft": 256, "hopLength": 100, "center": False, "power": 1, "nMels": 32},
     {"n_fft": 256, "hop_length": 100, "center": False, "power": 1.0, "n_mels": 32}),
    ("n64_constant_short", 33,
     {"nFft": 64, "hopLength": 16, "padMode": "constant", "nMels": 10, "sampleRate": 8000},
     {"n_fft": 64, "hop_length": 16, "pad_mode": "constant", "n_mels": 10, "sample_rate": 8000}),
    ("n128_replicate_sr8k_htk_slaneynorm", 777,
     {"nFft": 128, "hopLength": 50, "padMode": "replicate", "nMels": 40, "sampleRate": 8000, "norm": "slaney"},
     {"n_fft": 128, "hop_length": 50, "pad_mode": "replicate", "n_mels": 40, "sample_rate": 8000, "norm": "slaney"}),
    ("n96_mixed_p32_q3", 1500, {"nFft": 96, "hopLength": 40, "nMels": 24}, {"n_fft": 96, "hop_length": 40, "n_mels": 24}),
    ("n50_mixed_p2_q25", 700, {"nFft": 50, "hopLength": 20, "nMels": 12}, {"n_fft": 50, "hop_length": 20, "n_mels": 12}),
    ("n45_mixed_p1_q45_bluestein", 500, {"nFft": 45, "hopLength": 15, "nMels": 8}, {"n_fft": 45, "hop_length": 15, "n_mels": 8}),
    ("n300_bluestein_win250", 2501,
     {"nFft": 300, "winLength": 250, "hopLength": 120, "nMels": 64},
     {"n_fft": 300, "win_length": 250, "hop_length": 120, "n_mels": 64}),
]


def main():
    cases = []
    for i, (name, n, opts, kw) in enumerate(CASES):
        sr = kw.get("sample_rate", 16000)
        x = wave(n, seed=i, sr=sr)
        kw = {"sample_rate": sr, **kw}
        ms = torchaudio.transforms.MelSpectrogram(**kw)
        mel = ms(x)  # [F, T]
        spec = ms.spectrogram(x)
        # torchaudio builds its filterbank in float32, whose rounding moves some weights by
        # ~3e-4; the reference filterbank is torchaudio's own function run in float64, applied
        # (in float64) to torchaudio's spectrogram. torchaudio's float32 result is kept too.
        torch.set_default_dtype(torch.float64)
        try:
            fb64 = torchaudio.functional.melscale_fbanks(
                ms.n_fft // 2 + 1, ms.mel_scale.f_min, ms.mel_scale.f_max, ms.mel_scale.n_mels, sr,
                ms.mel_scale.norm, ms.mel_scale.mel_scale)
        finally:
            torch.set_default_dtype(torch.float32)
        ref = (spec.T.double() @ fb64)
        outs = {"mel": ref.float(), "logmel": torch.log(ref + 1e-6).float(), "spec": spec.T,
                "fb": fb64.float(), "mel_torchaudio": mel.T}
        cases.append({"name": name, "op": "melspec", "params": opts, "inputs": {"x": enc(x)},
                      "outputs": {k: enc(v) for k, v in outs.items()}, "grads": {}})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "melspec.json"), "w") as f:
        json.dump({"torch": torch.__version__, "torchaudio": torchaudio.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main()
