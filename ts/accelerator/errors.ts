import { VidwasmError } from '../runtime/errors.js';

/** A model or block that cannot be converted or transmuted (converted twice, no example shape, ...). */
export class ConversionError extends VidwasmError {
  constructor(message: string) { super('E_CONVERSION', message); }
}

/** A model that cannot be quantised to int8 (a layer without an int8 form, no calibration data, ...). */
export class QuantizationError extends VidwasmError {
  constructor(message: string) { super('E_QUANTIZATION', message); }
}
