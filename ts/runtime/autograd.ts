// Reverse-mode autograd: backward() walks the graph recorded by ops (see tape.ts) in reverse
// topological order and applies the gradient rule of each op.
import { AutogradError, ShapeError, fmtShape } from './errors.js';
import { keep, scoped, type Disposable } from './memory.js';
import type { Tensor } from './tensor.js';
import { gradRules, isGradEnabled, setGradEnabled, type Node } from './tape.js';
import { add } from './ops/elementwise.js';
import { onesLike, toLayout } from './ops/shape.js';

export { gradRules, noGrad, isGradEnabled, setGradEnabled, needsGrad, record, type Node, type GradRule } from './tape.js';

/**
 * Intermediates a Module.forward scope kept alive only because the autograd graph of its output
 * needs them. backward() frees them as it passes (PyTorch frees saved tensors at backward unless
 * retain_graph); otherwise they go with the output (dispose() of a scope, or the collector).
 */
const graphOwned = new WeakSet<Tensor>();
/** Non-leaf tensors whose graph a backward() already freed (a second pass is an error, as in PyTorch). */
const released = new WeakSet<Tensor>();

/** Every tensor a graph node holds: its inputs, what it owns, and tensors among its saved values. */
function nodeTensors(node: Node): Tensor[] {
  const out: Tensor[] = [];
  const add = (v: unknown) => { if (v && typeof v === 'object' && 'gradFn' in v && 'dispose' in v) out.push(v as Tensor); };
  for (const x of node.inputs) add(x);
  for (const x of node.owned) add(x);
  for (const v of Object.values(node.saved)) {
    if (Array.isArray(v)) v.forEach(add);
    else add(v);
  }
  return out;
}

/**
 * The scope of a Module.forward: like tidy(), every tensor created inside is freed when it
 * returns, except the returned ones and, while grad is on, those the returned tensors' graph
 * needs for backward (which then belong to that graph). Code written without tidy() therefore
 * frees its intermediates as promptly as tidy'd code.
 */
export function forwardScope<R>(fn: () => R): R {
  if (!isGradEnabled()) return scoped(fn);
  return scoped(fn, (created, escaping) => {
    const needed: Tensor[] = [];
    const seen = new Set<Disposable>();
    const stack = [...escaping] as Tensor[];
    while (stack.length) {
      const node = stack.pop()!.gradFn;
      if (!node) continue;
      for (const u of nodeTensors(node)) {
        if (seen.has(u) || !created.has(u)) continue;
        seen.add(u);
        stack.push(u);
        if (!escaping.has(u)) { needed.push(u); graphOwned.add(u); }
      }
    }
    return needed;
  });
}

export function backward(root: Tensor, gradOutput?: Tensor, opts: { retainGraph?: boolean } = {}): void {
  if (!root.requiresGrad) {
    throw new AutogradError(`backward(): ${root.describe()} does not require grad and has no graph`);
  }
  let seed: Tensor;
  if (gradOutput) {
    if (gradOutput.shape.join() !== root.shape.join()) {
      throw new ShapeError(`backward(): gradient ${fmtShape(gradOutput.shape)} does not match output ${fmtShape(root.shape)}`);
    }
    seed = gradOutput.clone();
  } else {
    if (root.size !== 1) {
      throw new AutogradError(`backward(): ${root.describe()} is not a scalar; pass a gradient of its shape`);
    }
    seed = onesLike(root);
  }

  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  // Graph-owned tensors that are not graph nodes themselves (inputs that need no grad, saved
  // values): freed once the walk is over, as nodes that share them may come later.
  const spent = new Set<Tensor>();
  const prev = isGradEnabled();
  setGradEnabled(false); // gradients of gradients are not supported: rules run untracked
  try {
    for (const t of order) {
      const gy = grads.get(t);
      if (!gy) continue;
      grads.delete(t);
      const node = t.gradFn;
      if (!node) {
        if (released.has(t)) {
          gy.dispose();
          throw new AutogradError(`backward(): ${t.describe()} is part of a graph that an earlier backward() freed; `
            + 'pass { retainGraph: true } to the first backward() to go through the graph twice');
        }
        accumulateLeaf(t, gy);
        continue;
      }
      const gxs = gradRules[node.op](gy, node, t);
      // A rule may pass gy through (add, identity-like rules): the first input that keeps it
      // takes gy itself (the engine no longer needs it), later ones a copy.
      let gyOwned = true;
      node.inputs.forEach((x, i) => {
        let g = gxs[i];
        if (!x || !g || !x.requiresGrad) {
          if (g && g !== gy) g.dispose();
          return;
        }
        if (g.shape.join() !== x.shape.join()) {
          throw new AutogradError(`gradient rule of '${node.op}' returned ${fmtShape(g.shape)} for input ${fmtShape(x.shape)}`);
        }
        const acc = grads.get(x);
        if (acc) {
          grads.set(x, add(acc, g));
          acc.dispose();
          if (g !== gy) g.dispose();
        } else {
          if (g === gy) {
            if (gyOwned) gyOwned = false;
            else g = gy.clone();
          }
          grads.set(x, g);
        }
      });
      if (gyOwned) gy.dispose();
      if (!opts.retainGraph) {
        for (const u of nodeTensors(node)) if (!u.requiresGrad && graphOwned.has(u)) spent.add(u);
        release(t);
        if (graphOwned.has(t)) t.dispose();
      }
    }
  } finally {
    setGradEnabled(prev);
    for (const g of grads.values()) g.dispose();
    for (const u of spent) u.dispose();
  }
}

function accumulateLeaf(t: Tensor, g: Tensor): void {
  if (t.grad && !t.grad.isDisposed) {
    const sum = add(t.grad, g);
    t.grad.dispose();
    g.dispose();
    g = sum;
  }
  if (g.layout !== t.layout) {
    const l = toLayout(g, t.layout);
    if (l !== g) g.dispose();
    g = l;
  }
  t.grad = keep(g);
}

function release(t: Tensor): void {
  const node = t.gradFn;
  if (!node) return;
  for (const o of node.owned) o.dispose();
  t.gradFn = null;
  released.add(t);
}

/** Tensors reachable from root through gradFn, root first, each after all its consumers. */
function topoOrder(root: Tensor): Tensor[] {
  const visited = new Set<Tensor>();
  const post: Tensor[] = [];
  // Iterative DFS: deep nets would overflow the JS stack with recursion.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const x = inputs[i];
      if (x && x.requiresGrad && !visited.has(x)) {
        visited.add(x);
        stack.push([x, 0]);
      }
    } else {
      stack.pop();
      post.push(t);
    }
  }
  return post.reverse();
}
