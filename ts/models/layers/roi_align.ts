// torchvision.ops.RoIAlign as a module (no parameters): PyTorchVideo's RoI head builds it with
// output_size, spatial_scale and sampling_ratio, and calls it with features [N, C, H, W] and
// boxes [K, 5] (batch index, x1, y1, x2, y2).
import { nn, ops, type Tensor } from '../../runtime/index.js';

type Module = InstanceType<typeof nn.Module>;

export interface RoiArgs { outputSize: number | readonly number[]; spatialScale: number; samplingRatio?: number; aligned?: boolean }
export type RoiFactory = (a: RoiArgs) => Module;

export class RoIAlign extends nn.Module {
  readonly outputSize: [number, number];
  readonly spatialScale: number;
  readonly samplingRatio: number;
  readonly aligned: boolean;
  constructor({ outputSize, spatialScale, samplingRatio = -1, aligned = false }: RoiArgs) {
    super();
    this.outputSize = (typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0], outputSize[1]]) as [number, number];
    this.spatialScale = spatialScale;
    this.samplingRatio = samplingRatio;
    this.aligned = aligned;
  }
  override forward(x: Tensor, boxes: Tensor): Tensor {
    return ops.roiAlign(x, boxes, { outputSize: this.outputSize, spatialScale: this.spatialScale, samplingRatio: this.samplingRatio, aligned: this.aligned });
  }
  override extraRepr(): string {
    return `output_size=(${this.outputSize.join(', ')}), spatial_scale=${this.spatialScale}, sampling_ratio=${this.samplingRatio}, aligned=${this.aligned ? 'True' : 'False'}`;
  }
}

/** The default `roi` factory of createResRoiPoolingHead (torchvision's RoIAlign). */
export const RoIAlignLayer: RoiFactory = (a) => new RoIAlign(a);
