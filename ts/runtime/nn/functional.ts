// The functional ops the layers call (torch.nn.functional's role). Re-exported from ops so that
// nn's calls are checked against the ops' signatures at compile time.
export {
  conv3d, conv2d, linear, softmax, logSoftmax, crossEntropy, bceWithLogits, mseLoss,
  maxPool3d, avgPool3d, adaptiveAvgPool3d, maxPool2d, avgPool2d, adaptiveAvgPool2d, batchNorm, layerNorm,
} from '../ops/index.js';
export type { ConvOptions, Reduction, MaxPoolOptions, AvgPoolOptions } from '../ops/index.js';
