import { VidwasmError } from '../runtime/errors.js';

/** A checkpoint file that cannot be read: truncated, not a checkpoint, hostile, or inconsistent. */
export class CheckpointError extends VidwasmError {
  constructor(message: string) { super('E_CHECKPOINT', message); }
}
