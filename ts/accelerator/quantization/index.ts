// Post-training int8 quantisation of deploy-form efficient models.
export { quantize, type QuantizeOptions, type QuantizationReport, type QuantizedModule } from './quantize.js';
export { MinMaxObserver, HistogramObserver, createObserver, type Observer, type ObserverKind, type ObserverOptions } from './observers.js';
export {
  QuantizedConv3d, QuantizedLinear, QuantizedLut, QuantizedSqueezeExcitation, QuantizedSequential, QuantizedX3dBottleneck,
  QuantizedEfficientX3d, QuantizedModel, type QSite,
} from './int8_layers.js';
