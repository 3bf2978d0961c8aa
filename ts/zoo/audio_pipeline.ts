// pipeline('audio-classification', 'acoustic_resnet', { weights }): PyTorchVideo's acoustic
// ResNet (create_acoustic_resnet, as its video-classification tutorial builds it: one input
// channel, 400 Kinetics classes) on log-mel spectrograms made by the tutorial's audio transform:
//   the clip's audio (mono), resampled to 16 kHz -> mel spectrogram (32 ms window = n_fft 512,
//   16 ms step = hop 256, 80 mels, no centring) -> log(max(x, 1e-10)) -> 128 frames uniformly
//   subsampled along time -> [1, T, 1, F] -> normalised with mean -7.03, std 4.66
// on the centre `seconds` (the tutorial's clip_duration, 2 s) of the input. PyTorchVideo publishes
// no acoustic checkpoint, so the weights are yours ({ weights }), or random ({ pretrained: false }).
// Inputs: a media file with an audio track (any container ffmpeg.wasm decodes that has a video
// stream, e.g. mp4/webm), a WAV file (read here, any rate: resampled as torchaudio does), as a
// path, URL, File/Blob or bytes; or a f32 [S] mono waveform Tensor at 16 kHz (used whole).
import { Tensor } from '../runtime/tensor.js';
import { tidy } from '../runtime/memory.js';
import { noGrad } from '../runtime/autograd.js';
import { ArgumentError } from '../runtime/errors.js';
import * as F from '../runtime/ops/index.js';
import type { nn } from '../runtime/index.js';
import { logMelSpectrogram } from '../data/audio.js';
import { isWav, readWav, resample } from '../data/wav.js';
import { uniformTemporalIndices } from '../data/transforms/functional_video.js';
import { createAcousticResnet } from '../models/acoustic.js';
import { KINETICS400_CLASSES } from './kinetics400.js';
import { loadWeightsInto, type LoadOptions } from './load.js';
import { mediaBytes, mediaHead, openVideo, resolveMedia, type MediaInput } from './media_input.js';
import { top, type Prediction } from './predictions.js';

type Module = InstanceType<typeof nn.Module>;

/** PyTorchVideo's audio recipe: the tutorial's defaults (tutorials/video_classification_example/train.py). */
export const AUDIO_RECIPE = {
  sampleRate: 16000, windowMs: 32, stepMs: 16, nMels: 80, frames: 128, mean: -7.03, std: 4.66, eps: 1e-10, seconds: 2,
} as const;
export type AudioRecipe = { readonly [K in keyof typeof AUDIO_RECIPE]: number };

/** The audio models the pipeline knows (none is in the published zoo). */
export const AUDIO_MODELS = ['acoustic_resnet'] as const;

export type AudioInput = MediaInput | Tensor;
export interface AudioClassifier {
  (input: AudioInput, opts?: { topk?: number }): Promise<Prediction[]>;
  readonly model: Module;
  readonly recipe: AudioRecipe;
  dispose(): void;
}

/**
 * A f32 [S] mono waveform at recipe.sampleRate -> the model input [1, 1, frames, 1, nMels]
 * (the tutorial's chain from MelSpectrogram on; the waveform is left alone).
 */
export function audioInput(waveform: Tensor, recipe: AudioRecipe = AUDIO_RECIPE): Tensor {
  const sr = recipe.sampleRate;
  const mel = logMelSpectrogram(waveform, {
    sampleRate: sr, nFft: Math.floor((sr / 1000) * recipe.windowMs), hopLength: Math.floor((sr / 1000) * recipe.stepMs),
    nMels: recipe.nMels, center: false, logMode: 'clamp', eps: recipe.eps,
  });
  const [t, f] = mel.shape;
  const m = mel.toArray() as Float32Array;
  mel.dispose();
  const out = new Float32Array(recipe.frames * f);
  uniformTemporalIndices(t, recipe.frames).forEach((src, i) => {
    for (let j = 0; j < f; j++) out[i * f + j] = (m[src * f + j] - recipe.mean) / recipe.std;
  });
  return Tensor.from(out, [1, 1, recipe.frames, 1, f]);
}

export interface AudioPipelineOptions extends Pick<LoadOptions, 'weights' | 'pretrained' | 'strict' | 'limits' | 'options'> {
  labels?: readonly string[];
}

export async function audioPipeline(name: string, o: AudioPipelineOptions = {}): Promise<AudioClassifier> {
  if (!(AUDIO_MODELS as readonly string[]).includes(name)) {
    throw new ArgumentError(`pipeline(audio-classification): unknown model '${name}' (audio models: ${AUDIO_MODELS.join(', ')})`);
  }
  if (o.weights === undefined && o.pretrained !== false) {
    throw new ArgumentError(`pipeline(audio-classification): PyTorchVideo publishes no '${name}' checkpoint: pass { weights: path | URL | bytes } `
      + '(a create_acoustic_resnet checkpoint, e.g. trained with PyTorchVideo\'s tutorial) or { pretrained: false } for random weights');
  }
  const numClasses = (o.options?.modelNumClass as number | undefined) ?? o.labels?.length ?? KINETICS400_CLASSES.length;
  const names = o.labels ?? (numClasses === KINETICS400_CLASSES.length ? KINETICS400_CLASSES : null);
  if (names && names.length !== numClasses) throw new ArgumentError(`pipeline: ${names.length} labels for a model with ${numClasses} classes`);
  let net = createAcousticResnet({ inputChannel: 1, ...o.options, modelNumClass: numClasses, headActivation: null });
  if (o.weights !== undefined) net = await loadWeightsInto(net, o.weights, o) as typeof net;
  net.eval();
  const recipe = AUDIO_RECIPE;

  const classify = async (input: AudioInput, opts: { topk?: number } = {}): Promise<Prediction[]> => {
    const wave = input instanceof Tensor ? checkWaveform(input) : await decodeAudio(input, recipe);
    try {
      const scores = tidy(() => noGrad(() => {
        const out = net.forward(audioInput(wave, recipe)) as Tensor;
        return F.softmax(F.reshape(out, [1, out.size]), 1).toArray() as Float32Array;
      }));
      return top(scores, opts.topk ?? 5, names);
    } finally {
      if (wave !== input) wave.dispose();
    }
  };
  return Object.assign(classify, { model: net as Module, recipe, dispose: () => net.dispose() });
}

function checkWaveform(t: Tensor): Tensor {
  if (t.shape.length !== 1 || t.dtype !== 'f32') throw new ArgumentError(`pipeline(audio-classification): a waveform tensor is f32 [S] (mono, ${AUDIO_RECIPE.sampleRate} Hz), got ${t.dtype} [${t.shape.join(', ')}]`);
  return t;
}

/** The centre `recipe.seconds` of the input's audio, mono at recipe.sampleRate. */
async function decodeAudio(input: MediaInput, recipe: AudioRecipe): Promise<Tensor> {
  const m = await resolveMedia(input);
  const window = (duration: number) => {
    const len = Math.min(recipe.seconds, duration);
    const start = (duration - len) / 2;
    return [start, start + len] as const;
  };
  if (isWav(await mediaHead(m))) {
    const bytes = await mediaBytes(m);
    const { duration, sampleRate } = readWav(bytes, m.name, 0, 0);
    const wav = readWav(bytes, m.name, ...window(duration));
    const mono = resample(wav.mono, sampleRate, recipe.sampleRate);
    return Tensor.from(mono, [mono.length]);
  }
  const { video, cleanup } = await openVideo(m, { decodeAudio: true, sampleRate: recipe.sampleRate });
  try {
    if (!video.hasAudio) throw new ArgumentError(`pipeline(audio-classification): ${m.name} has no audio track`);
    const [start, end] = window(video.duration);
    // The frames of the window come along; decode them tiny, only the audio is used.
    const clip = await video.getClip(start, end + 1e-6, { width: 16, height: 16 });
    clip.video.dispose();
    if (!clip.audio) throw new ArgumentError(`pipeline(audio-classification): ${m.name}: no audio in [${start}, ${end}) s`);
    return clip.audio;
  } finally {
    video.close();
    await cleanup();
  }
}
