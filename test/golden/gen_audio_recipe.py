"""Golden values for the audio-classification pipeline (ts/zoo/audio_pipeline.ts): PyTorchVideo's
audio recipe (tutorials/video_classification_example/train.py, _audio_transform, at its default
arguments) run with Debian's torchaudio 0.13 on a 2 s stereo 44.1 kHz waveform given by a formula
(so the test rebuilds the same samples without storing them): PyTorchVideo's channel mean,
Resample(44100 -> 16000), MelSpectrogram(n_fft 512, hop 256, 80 mels, center False), clamp(1e-10),
log, 128 frames uniformly subsampled along time, [1, T, 1, F], Normalize(-7.03, 4.66).

The tutorial applies UniformTemporalSubsample(128) to the [F, T] spectrogram with PyTorchVideo
0.1.5's default temporal_dim=-3, which raises IndexError on a 2-D tensor; the subsampling is along
time as intended (temporal_dim=-1 of [F, T]), which is what this script does.
Run: cd test/golden && /usr/bin/python3 gen_audio_recipe.py"""
import json
import math
import os
import sys
import torch
import torchaudio

sys.path.insert(0, "/work/ref/pytorchvideo")
from pytorchvideo.transforms.functional import uniform_temporal_subsample  # noqa: E402
from common import OUT, case  # noqa: E402

RAW, RATE, SECS = 44100, 16000, 2.0


def waveform():
    """The formula the test evaluates too: stereo, float64 then rounded to float32."""
    n = int(RAW * SECS)
    t = torch.arange(n, dtype=torch.float64) / RAW
    # Broadband noise from an integer LCG (exact in JS doubles too), so every mel bin holds
    # real energy rather than float32 round-off of a pure tone's leakage.
    i = torch.arange(n, dtype=torch.int64)
    noise = ((i * 1103515245 + 12345) % 2147483648).to(torch.float64) / 2147483648 - 0.5
    left = 0.5 * torch.sin(2 * math.pi * 440 * t) + 0.2 * torch.sin(2 * math.pi * 3000 * t) + 0.02 * noise
    right = 0.3 * torch.sin(2 * math.pi * 1000 * t + 0.5) * (t / SECS) + 0.02 * noise.flip(0)
    return torch.stack([left, right]).float()


def main():
    x = waveform().mean(0)
    resampled = torchaudio.transforms.Resample(orig_freq=RAW, new_freq=RATE)(x)
    n_fft, hop = int(RATE / 1000 * 32), int(RATE / 1000 * 16)
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=RATE, n_fft=n_fft, hop_length=hop, n_mels=80, center=False)(resampled)
    logmel = torch.log(mel.clamp(min=1e-10))
    sub = uniform_temporal_subsample(logmel, 128, temporal_dim=-1)
    y = sub.transpose(1, 0)
    y = y.view(1, y.size(0), 1, y.size(1))
    y = (y - (-7.03)) / 4.66
    params = {"rawRate": RAW, "seconds": SECS, "nFft": n_fft, "hop": hop, "melFrames": int(mel.shape[1]),
              "resampledLength": int(resampled.shape[0]), "sliceStart": 4000}
    cases = [case("tutorial_audio_transform", "audio_recipe", params, {}, {"resampled_slice": resampled[4000:4400], "input": y})]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "audio_recipe.json"), "w") as f:
        json.dump({"torch": torch.__version__, "torchaudio": torchaudio.__version__, "cases": cases}, f)


main()
