// pytorchvideo.models.net: Net, MultiPathWayWithFuse, DetectionBBoxNetwork.
import { nn, ArgumentError, fmtShape, type Tensor } from '../runtime/index.js';

type Module = InstanceType<typeof nn.Module>;

/** A list of blocks applied in order (keys blocks.0, blocks.1, ...). */
export class Net extends nn.Module {
  readonly blocks: InstanceType<typeof nn.ModuleList>;
  constructor({ blocks }: { blocks: Module[] | InstanceType<typeof nn.ModuleList> }) {
    super();
    this.blocks = this.registerModule('blocks', blocks instanceof nn.ModuleList ? blocks : new nn.ModuleList(blocks));
  }
  override forward(x: any): any {
    for (const b of this.blocks) x = b.forward(x);
    return x;
  }
}

/** Each pathway runs its own block on its own input; then an optional fusion mixes them. */
export class MultiPathWayWithFuse extends nn.Module {
  readonly multipathwayBlocks: InstanceType<typeof nn.ModuleList>;
  readonly multipathwayFusion: Module | null;
  constructor({ multipathwayBlocks, multipathwayFusion }: { multipathwayBlocks: (Module | null)[]; multipathwayFusion: Module | null }) {
    super();
    // Absent pathway blocks (None in PyTorchVideo) pass their input through.
    this.multipathwayBlocks = this.registerModule('multipathway_blocks', new nn.ModuleList(multipathwayBlocks.map((b) => b ?? new nn.Identity())));
    this.multipathwayFusion = this.registerModule('multipathway_fusion', multipathwayFusion);
  }
  override forward(xs: Tensor[]): Tensor[] {
    if (!Array.isArray(xs) || xs.length !== this.multipathwayBlocks.length) {
      const got = Array.isArray(xs) ? `a list of ${xs.length}: [${xs.map((x) => (x?.shape ? fmtShape(x.shape) : typeof x)).join(', ')}]` : (xs as any)?.shape ? `one tensor ${fmtShape((xs as any).shape)}` : typeof xs;
      throw new ArgumentError(`MultiPathWayWithFuse: expected a list of ${this.multipathwayBlocks.length} pathway inputs, got ${got}`);
    }
    let out = xs.map((x, i) => this.multipathwayBlocks.get(i).forward(x) as Tensor);
    if (this.multipathwayFusion) out = this.multipathwayFusion.forward(out);
    return out;
  }
}

/** A backbone followed by a head that also takes boxes [K, 5] (batch index, x1, y1, x2, y2). */
export class DetectionBBoxNetwork extends nn.Module {
  readonly model: Module;
  readonly detectionHead: Module;
  constructor(model: Module, detectionHead: Module) {
    super();
    this.model = this.registerModule('model', model);
    this.detectionHead = this.registerModule('detection_head', detectionHead);
  }
  override forward(x: any, bboxes: Tensor): Tensor {
    const features = this.model.forward(x);
    return this.detectionHead.forward(features, bboxes);
  }
}

