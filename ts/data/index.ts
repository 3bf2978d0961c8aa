// vidwasm.data: PyTorchVideo's data API (pytorchvideo.data and pytorchvideo.transforms): clip
// samplers, ffmpeg.wasm decoding (EncodedVideo, FrameVideo), the datasets and the DataLoader,
// video transforms on the pixel kernels, and audio spectrograms.
export * from './clip_sampling.js';
export { Fraction, type Seconds } from './fraction.js';
export { EncodedVideo, type EncodedVideoOptions, type Clip } from './encoded_video.js';
export { FrameVideo, type FrameVideoOptions } from './frame_video.js';
export { VideoDecodeError, type VideoDecodeReason } from './errors.js';
export { probe, decodeClip } from './decoder/node_decoder.js';
export { SWS_FLAGS, type VideoInfo, type DecodeOptions } from './decoder/ffmpeg_clip.js';
// Video transforms (pytorchvideo.transforms) and the AssemblyScript pixel kernels they run on.
export * as transforms from './transforms/index.js';
export { initPixels, initPixelsAsync, pixelsReady, pixelKernelNames } from './pixels.js';
// Datasets (Kinetics, UCF101, HMDB51, Charades, SSv2, AVA, ...), video samplers and the DataLoader.
export * from './datasets/index.js';
// Spectrograms / log-mel spectrograms of the audio waveform (torchaudio semantics, [T, F]).
export {
  spectrogram, melSpectrogram, logMelSpectrogram, mfcc, melFilterbank, createDct, hzToMel, melToHz,
  Spectrogram, MelSpectrogram, LogMelSpectrogram, MFCC, type SpectrogramOptions, type MelOptions, type LogMelOptions, type MfccOptions,
} from './audio.js';
export { configureBrowserDecoder, type BrowserDecoderConfig } from './decoder/ffmpeg_browser.js';
export { ImuData, parseImuCsv, imuWindow, resampleImu, ResampleImu, NormalizeImu, IMU_CHANNELS, type ImuRecording, type ImuSample, type ImuSamples } from './imu.js';
// Optical flow: data.computeFlow (Farnebäck, OpenCV's semantics), stored flow frames, flow transforms.
export * from './flow/index.js';
