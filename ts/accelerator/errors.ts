import { VidwasmError } from '../runtime/errors.js';

/** A model or block that cannot be converted or transmuted (converted twice, no example shape, ...). */
export class ConversionError extends VidwasmError {
  constructor(message: string) { super('E_CONVERSION', message); }
}
