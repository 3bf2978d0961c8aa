// Flag bits of the fused optimizer kernels; keep in sync with native/kernels/optim.c.
export const OPT_NESTEROV = 1;
export const OPT_FIRST = 2;
export const OPT_MAXIMIZE = 4;
export const OPT_AMSGRAD = 8;
export const OPT_DECAY = 16;
