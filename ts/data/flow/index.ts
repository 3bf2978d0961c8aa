// Optical flow: computed from frames (Farnebäck, OpenCV's semantics), read from the flow-frame
// datasets as distributed (quantised u/v JPEGs), and the flow-aware transforms.
export { computeFlow, OPTFLOW_FARNEBACK_GAUSSIAN, OPTFLOW_USE_INITIAL_FLOW, type FlowOptions, type FarnebackOptions } from './compute.js';
export { FlowFrames, type FlowFramesOptions, type FlowClip } from './stored.js';
