// pytorchvideo.layers.accelerator.mobile_cpu.pool.
import { nn, ShapeError, fmtShape, type Tensor } from '../../runtime/index.js';
import { EfficientBlockBase, NoOpConvertBlock } from '../efficient_blocks.js';

/**
 * The global pool's deploy form is a fixed-kernel AvgPool: on an input of another size it would
 * silently average a corner (or fail later), so the deploy form refuses it.
 */
function checkDeploySize(block: EfficientBlockBase & { readonly pool: nn.Module }, x: Tensor): void {
  if (!block.convertFlag) return;
  const k = (block.pool as unknown as { kernelSize: number[] }).kernelSize;
  if (x.shape.length !== k.length + 2 || k.some((d, i) => d !== x.shape[i + 2])) {
    throw new ShapeError(`${block.typeName}: the deploy form was converted for inputs ${fmtShape(k)} (after [N, C]), got ${fmtShape(x.shape)}; convert again with an example of this size`);
  }
}

/** Global average pooling: an adaptive pool to size 1, deployed as a fixed pool over the input's own size. */
abstract class AdaptiveAvgPoolOutSize1 extends EfficientBlockBase {
  constructor(adaptive: nn.Module, private readonly fixed: new (kernelSize: number[]) => nn.Module) {
    super();
    this.registerModule('pool', adaptive);
  }
  get pool(): nn.Module { return this.getAttr('pool') as nn.Module; }
  override convert(inputBlobSize: readonly number[]): void {
    this.beginConvert();
    this.registerModule('pool', new this.fixed(inputBlobSize.slice(2)));
  }
  override forward(x: Tensor): Tensor {
    checkDeploySize(this, x);
    return this.pool.forward(x);
  }
}

/** AdaptiveAvgPool3d to (1, 1, 1); deploy form: AvgPool3d whose kernel is the input's T x H x W. */
export class AdaptiveAvgPool3dOutSize1 extends AdaptiveAvgPoolOutSize1 {
  constructor() { super(new nn.AdaptiveAvgPool3d(1), nn.AvgPool3d); }
}

/** AdaptiveAvgPool2d to (1, 1); deploy form: AvgPool2d whose kernel is the input's H x W. */
export class AdaptiveAvgPool2dOutSize1 extends AdaptiveAvgPoolOutSize1 {
  constructor() { super(new nn.AdaptiveAvgPool2d(1), nn.AvgPool2d); }
}

/** AdaptiveAvgPool3d to any output size (unchanged by convert). */
export class AdaptiveAvgPool3d extends NoOpConvertBlock {
  constructor(outputSize: number | readonly number[]) { super(new nn.AdaptiveAvgPool3d(outputSize)); }
}

/** AdaptiveAvgPool2d to any output size (unchanged by convert). */
export class AdaptiveAvgPool2d extends NoOpConvertBlock {
  constructor(outputSize: number | readonly number[]) { super(new nn.AdaptiveAvgPool2d(outputSize)); }
}
