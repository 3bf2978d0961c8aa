// The tape: differentiable ops record a Node on their output, and the gradient rule of each
// op lives in `gradRules`, one table for the whole runtime (autograd.ts walks it backwards).
// This module imports nothing, so every op file can register its rules at load time.
import { AutogradError } from './errors.js';
import type { Tensor } from './tensor.js';

export interface Node {
  op: string;
  /** The op's tensor inputs, in the order its gradient rule returns gradients. */
  inputs: (Tensor | null)[];
  /** Whatever the rule needs: tensors, options, shapes. */
  saved: Record<string, unknown>;
  /** Tensors the node created only for backward (freed when the graph is released). */
  owned: Tensor[];
}

/**
 * A gradient rule gets dL/d(out) and returns dL/d(input) for each input (null where an input
 * needs none). It must return new tensors or `gy` itself; it must not dispose `gy`.
 */
export type GradRule = (gy: Tensor, node: Node, out: Tensor) => (Tensor | null)[];

export const gradRules: Record<string, GradRule> = {};

let gradEnabled = true;

/** Runs fn without recording autograd (like torch.no_grad()). */
export function noGrad<R>(fn: () => R): R {
  const prev = gradEnabled;
  gradEnabled = false;
  try { return fn(); } finally { gradEnabled = prev; }
}
export function isGradEnabled(): boolean { return gradEnabled; }
export function setGradEnabled(on: boolean): void { gradEnabled = on; }

/** Whether an op with these inputs must record itself. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/** Records op on out if any input requires grad; returns out. */
export function record(op: string, inputs: (Tensor | null)[], out: Tensor,
  saved: Record<string, unknown> = {}, owned: Tensor[] = []): Tensor {
  if (!needsGrad(...inputs)) {
    for (const t of owned) t.dispose();
    return out;
  }
  if (!gradRules[op]) throw new AutogradError(`no gradient rule registered for op '${op}'`);
  out.requiresGrad = true;
  out.gradFn = { op, inputs, saved, owned };
  return out;
}

