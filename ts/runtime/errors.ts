// Typed errors. Every error names the op and the shapes involved, so a user can tell what
// went wrong without reading our source. The module stays usable after any of them.
export class VidwasmError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
/** Shapes that do not fit together (or an invalid shape). */
export class ShapeError extends VidwasmError {
  constructor(message: string) { super('E_SHAPE', message); }
}
/** A tensor of the wrong element type for an op. */
export class DTypeError extends VidwasmError {
  constructor(message: string) { super('E_DTYPE', message); }
}
/** A tensor used after dispose(). */
export class DisposedError extends VidwasmError {
  constructor(message: string) { super('E_DISPOSED', message); }
}
/** Wasm linear memory cannot hold the request (the module is capped at 4 GiB). */
export class OutOfMemoryError extends VidwasmError {
  constructor(message: string) { super('E_OOM', message); }
}
/** An op ran before the kernel module was loaded (browser: before `await init()`). */
export class NotInitializedError extends VidwasmError {
  constructor() {
    super('E_NOT_READY', "vidwasm is not initialised: call `await init()` (import { init } from 'vidwasm') before the first op; " +
      'in Node, importing the package initialises it');
  }
}
/** A bad option value (negative stride, unknown mode, ...). */
export class ArgumentError extends VidwasmError {
  constructor(message: string) { super('E_ARGUMENT', message); }
}
/** The host lacks a feature vidwasm needs (WebAssembly SIMD). */
export class UnsupportedError extends VidwasmError {
  constructor(message: string) { super('E_UNSUPPORTED', message); }
}
/** autograd misuse: backward on a non-scalar without a gradient, on a tensor without a graph... */
export class AutogradError extends VidwasmError {
  constructor(message: string) { super('E_AUTOGRAD', message); }
}

/** Formats a shape the way PyTorch users read them: [2, 3, 8, 64, 64]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * loadStateDict found keys it cannot load. Lists every problem at once: keys the module has
 * but the state dict lacks, keys it has that the module does not, and keys whose shapes differ.
 */
export class StateDictError extends VidwasmError {
  constructor(message: string,
    readonly missingKeys: string[] = [],
    readonly unexpectedKeys: string[] = [],
    readonly mismatchedKeys: { key: string; expected: number[]; got: number[] }[] = []) {
    super('E_STATE_DICT', message);
  }
}
