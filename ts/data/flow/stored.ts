// FlowFrames: optical flow stored as the flow datasets distribute it, one grayscale JPEG per
// component per flow frame, each value q in [0, 255] the displacement d quantised over a bound B
// (q = round(255 (d + B) / 2B), clipped; B = 20 is the common choice), decoded back to
// d = q 2B / 255 - B pixels. Layouts:
//   EPIC-KITCHENS   flow/<participant>/<video>/{u,v}/frame_%010d.jpg   (u = x, v = y), one flow
//                   frame per `stride` RGB frames (2: half the RGB frame rate)
//   TV-L1 extractions of Kinetics / UCF101 (denseflow and its forks)
//                   <video>/flow_x_%05d.jpg, <video>/flow_y_%05d.jpg, one per RGB frame
// Times follow FrameVideo at the flow frame rate (rgbFps / stride): a clip [start, end) holds the
// flow frames ceil(fps start) .. ceil(fps min(end, duration)) - 1, as the RGB frames of the same
// clip; flow frame j is the motion from RGB frame j stride on. Values come out in pixels per RGB
// frame: a stored displacement spanning `dilation` RGB frames is divided by it.
import { ArgumentError } from '../../runtime/errors.js';
import { Tensor } from '../../runtime/tensor.js';
import { FrameVideo, type FrameVideoOptions } from '../frame_video.js';
import { nodeHost } from '../decoder/node_host.js';
import { VideoDecodeError } from '../errors.js';
import { toFloat, type Seconds } from '../fraction.js';

export interface FlowFramesOptions extends FrameVideoOptions {
  /** The quantisation bound B in pixels: q = 0 is -B, q = 255 is +B. Default 20. */
  bound?: number;
  /** Frame rate of the RGB video the flow was computed from. Default 30. */
  rgbFps?: Seconds;
  /** RGB frames per stored flow frame. Default: 2 for fromEpicKitchens, 1 otherwise. */
  stride?: number;
  /** RGB frame intervals one stored displacement spans (the flow is divided by it). Default 1. */
  dilation?: number;
}

export interface FlowClip {
  /** f32 [2, T, H, W]: x then y displacement in pixels per RGB frame. */
  flow: Tensor;
  /** The flow frames read (0-based positions in the sorted frame lists). */
  frameIndices: number[];
}

const EPIC_NAME = /^frame_(\d+)\.jpe?g$/i;
const TVL1_NAME = /^flow_([xy])_(\d+)\.jpe?g$/i;
const byNumber = (re: RegExp, g: number) => (a: string, b: string) => Number(re.exec(a)![g]) - Number(re.exec(b)![g]);

export class FlowFrames {
  readonly fps: number;
  readonly duration: number;
  private constructor(private readonly x: FrameVideo, private readonly y: FrameVideo, readonly numFrames: number,
    private readonly scale: number, private readonly bound: number) {
    this.fps = x.fps;
    this.duration = x.duration;
  }

  /** Flow frames from two equally long lists of x (u) and y (v) component images. */
  static fromFramePaths(xPaths: string[], yPaths: string[], opts: FlowFramesOptions = {}): FlowFrames {
    if (xPaths.length === 0) throw new ArgumentError('FlowFrames: no flow frames');
    if (xPaths.length !== yPaths.length) {
      throw new ArgumentError(`FlowFrames: ${xPaths.length} x (u) frames but ${yPaths.length} y (v) frames`);
    }
    const bound = opts.bound ?? 20, stride = opts.stride ?? 1, dilation = opts.dilation ?? 1, rgbFps = toFloat(opts.rgbFps ?? 30);
    if (!(bound > 0 && Number.isFinite(bound))) throw new ArgumentError(`FlowFrames: bound must be > 0, got ${bound}`);
    if (!(Number.isInteger(stride) && stride >= 1)) throw new ArgumentError(`FlowFrames: stride must be a positive integer, got ${stride}`);
    if (!(dilation > 0 && Number.isFinite(dilation))) throw new ArgumentError(`FlowFrames: dilation must be > 0, got ${dilation}`);
    if (!(rgbFps > 0)) throw new ArgumentError(`FlowFrames: rgbFps must be > 0, got ${rgbFps}`);
    const fps = rgbFps / stride;
    const x = FrameVideo.fromFramePaths(xPaths, fps, opts), y = FrameVideo.fromFramePaths(yPaths, fps, opts);
    return new FlowFrames(x, y, xPaths.length, 2 * bound / 255 / dilation, bound / dilation);
  }

  /** EPIC-KITCHENS: <flowRoot>/<participant>/<videoId>/{u,v}/frame_%010d.jpg; stride 2 unless given. */
  static async fromEpicKitchens(flowRoot: string, participant: string, videoId: string, opts: FlowFramesOptions = {}): Promise<FlowFrames> {
    const dir = `${flowRoot.replace(/\/$/, '')}/${participant}/${videoId}`;
    const [u, v] = await Promise.all(['u', 'v'].map((c) => listFrames(`${dir}/${c}`, EPIC_NAME, 1)));
    return FlowFrames.fromFramePaths(u.map((n) => `${dir}/u/${n}`), v.map((n) => `${dir}/v/${n}`), { stride: 2, ...opts });
  }

  /** TV-L1 extractions (Kinetics, UCF101): <dir>/flow_x_%05d.jpg and <dir>/flow_y_%05d.jpg. */
  static async fromTvl1(dir: string, opts: FlowFramesOptions = {}): Promise<FlowFrames> {
    const names = await listFrames(dir, TVL1_NAME, 2);
    const of = (c: string) => names.filter((n) => TVL1_NAME.exec(n)![1].toLowerCase() === c).map((n) => `${dir.replace(/\/$/, '')}/${n}`);
    return FlowFrames.fromFramePaths(of('x'), of('y'), opts);
  }

  /** Flow of the clip [startSec, endSec) (FrameVideo's frame rule at the flow rate); null outside [0, duration]. */
  async getClip(startSec: Seconds, endSec: Seconds): Promise<FlowClip | null> {
    const cx = await this.x.getClip(startSec, endSec);
    if (!cx) return null;
    let cy: Awaited<ReturnType<FrameVideo['getClip']>> = null;
    try {
      cy = await this.y.getClip(startSec, endSec);
      const [, T, H, W] = cx.video.shape;
      if (!cy || cy.video.shape[2] !== H || cy.video.shape[3] !== W) {
        throw new VideoDecodeError(this.x.name, 'unreadable', `flow x frames are ${W}x${H} but the y frames ${cy ? `${cy.video.shape[3]}x${cy.video.shape[2]}` : 'are missing'}`);
      }
      const flow = Tensor.empty([2, T, H, W], 'f32');
      const out = flow.data() as Float32Array, n = T * H * W;
      // channel 0 of the decoded RGB is the gray value (gray -> rgb24 repeats it)
      const qx = cx.video.data() as Uint8Array, qy = cy.video.data() as Uint8Array;
      for (let i = 0; i < n; i++) { out[i] = qx[i] * this.scale - this.bound; out[n + i] = qy[i] * this.scale - this.bound; }
      return { flow, frameIndices: cx.frameIndices };
    } finally {
      cx.video.dispose();
      cy?.video.dispose();
    }
  }
}

/** File names in `dir` matching `re`, sorted by the number in group `g`. */
async function listFrames(dir: string, re: RegExp, g: number): Promise<string[]> {
  const { fs } = await nodeHost('FlowFrames');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new VideoDecodeError(dir, 'missing', 'is not a directory');
  const names = fs.readdirSync(dir).filter((n) => re.test(n)).sort(byNumber(re, g));
  if (names.length === 0) throw new VideoDecodeError(dir, 'empty', 'holds no flow frames');
  return names;
}
