// pytorchvideo's functional box helpers. Boxes are f32 Tensors [N, 4] of (x1, y1, x2, y2) in
// pixels; each helper returns new tensors and leaves its inputs alone.
import { Tensor } from '../../runtime/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';
import { checkVideo, crop, horizontalFlip, randomCropParams, shortSideScale, uniformCropOffsets, type Interpolation, type Backend } from './functional_video.js';

function checkBoxes(op: string, boxes: Tensor): Float32Array {
  if (!(boxes instanceof Tensor)) throw new ArgumentError(`${op}: boxes must be a Tensor [N, 4]`);
  if (boxes.rank !== 2 || boxes.shape[1] !== 4) throw new ShapeError(`${op}: boxes must have shape [N, 4], got ${fmtShape(boxes.shape)}`);
  return Float32Array.from(boxes.toArray());
}
function boxesOf(v: Float32Array): Tensor { return Tensor.from(v, [v.length / 4, 4], { dtype: 'f32' }); }

/** boxes - (x_offset, y_offset, x_offset, y_offset). */
export function cropBoxes(boxes: Tensor, xOffset: number, yOffset: number): Tensor {
  const b = checkBoxes('cropBoxes', boxes);
  for (let i = 0; i < b.length; i += 4) { b[i] -= xOffset; b[i + 2] -= xOffset; b[i + 1] -= yOffset; b[i + 3] -= yOffset; }
  return boxesOf(b);
}

/** x into [0, width-1], y into [0, height-1]. */
export function clipBoxesToImage(boxes: Tensor, height: number, width: number): Tensor {
  const b = checkBoxes('clipBoxesToImage', boxes);
  for (let i = 0; i < b.length; i++) {
    const lim = i % 2 === 0 ? width - 1 : height - 1;
    b[i] = Math.min(lim, Math.max(0, b[i]));
  }
  return boxesOf(b);
}

function scaleBoxes(b: Float32Array, f: number): Tensor {
  // boxes *= float(...) on a float32 tensor: one float32 multiply per value
  const ff = Math.fround(f);
  for (let i = 0; i < b.length; i++) b[i] = Math.fround(b[i] * ff);
  return boxesOf(b);
}

export function shortSideScaleWithBoxes(images: Tensor, boxes: Tensor, size: number,
  interpolation: Interpolation = 'bilinear', backend: Backend = 'pytorch'): [Tensor, Tensor] {
  const b = checkBoxes('shortSideScaleWithBoxes', boxes);
  const [, , h, w] = images.shape;
  const out = shortSideScale(images, size, interpolation, backend);
  const [, , nh, nw] = out.shape;
  return [out, scaleBoxes(b, w < h ? nh / h : nw / w)];
}

export function randomShortSideScaleWithBoxes(images: Tensor, boxes: Tensor, minSize: number, maxSize: number,
  interpolation: Interpolation = 'bilinear', backend: Backend = 'pytorch'): [Tensor, Tensor] {
  if (!(Number.isInteger(minSize) && Number.isInteger(maxSize) && minSize > 0 && maxSize >= minSize)) {
    throw new ArgumentError(`randomShortSideScaleWithBoxes: need 0 < minSize <= maxSize, got ${minSize}, ${maxSize}`);
  }
  const size = minSize + random.int(maxSize - minSize + 1);
  return shortSideScaleWithBoxes(images, boxes, size, interpolation, backend);
}

/**
 * pytorchvideo random_crop_with_boxes. Its offsets come from np.random.randint(0, H - size),
 * which never picks the last offset; we keep that range. A frame already size x size returns
 * copies of both.
 */
export function randomCropWithBoxes(images: Tensor, size: number, boxes: Tensor): [Tensor, Tensor] {
  checkVideo('randomCropWithBoxes', images);
  const b = checkBoxes('randomCropWithBoxes', boxes);
  const [, , h, w] = images.shape;
  if (size > h || size > w) throw new ShapeError(`randomCropWithBoxes: crop ${size}x${size} is larger than the frames of ${fmtShape(images.shape)}`);
  if (h === size && w === size) return [crop(images, 0, 0, size, size, 'randomCropWithBoxes'), boxesOf(b)];
  const y = h > size ? random.int(h - size) : 0;
  const x = w > size ? random.int(w - size) : 0;
  const out = crop(images, y, x, size, size, 'randomCropWithBoxes');
  const cropped = cropBoxes(boxes, x, y);
  const clipped = clipBoxesToImage(cropped, size, size);
  cropped.dispose();
  return [out, clipped];
}

export function uniformCropWithBoxes(images: Tensor, size: number, spatialIdx: number, boxes: Tensor): [Tensor, Tensor] {
  checkVideo('uniformCropWithBoxes', images);
  checkBoxes('uniformCropWithBoxes', boxes);
  if (![0, 1, 2].includes(spatialIdx)) throw new ArgumentError(`uniformCropWithBoxes: spatialIdx must be 0, 1 or 2, got ${spatialIdx}`);
  const [, , h, w] = images.shape;
  if (size > h || size > w) throw new ShapeError(`uniformCropWithBoxes: crop ${size}x${size} is larger than the frames of ${fmtShape(images.shape)}`);
  const [y, x] = uniformCropOffsets(h, w, size, spatialIdx);
  const out = crop(images, y, x, size, size, 'uniformCropWithBoxes');
  const cropped = cropBoxes(boxes, x, y);
  const clipped = clipBoxesToImage(cropped, size, size);
  cropped.dispose();
  return [out, clipped];
}

/** Flips with probability prob; boxes become (W - x2 - 1, y1, W - x1 - 1, y2). Copies either way. */
export function horizontalFlipWithBoxes(prob: number, images: Tensor, boxes: Tensor): [Tensor, Tensor] {
  checkVideo('horizontalFlipWithBoxes', images);
  const b = checkBoxes('horizontalFlipWithBoxes', boxes);
  if (random.uniform() < prob) {
    const w = images.shape[3];
    for (let i = 0; i < b.length; i += 4) {
      const x1 = b[i], x2 = b[i + 2];
      b[i] = w - x2 - 1; b[i + 2] = w - x1 - 1;
    }
    return [horizontalFlip(images), boxesOf(b)];
  }
  const [c, t, h, w] = images.shape;
  return [crop(images, 0, 0, h, w, 'horizontalFlipWithBoxes'), boxesOf(b)];
  void c; void t;
}
