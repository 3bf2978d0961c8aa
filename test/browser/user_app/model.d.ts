// Types of model.js for the test that runs it in Node too.
export function runModel(vw: unknown): { relu: { y: number[]; grad: number[] }; logits: number[] };
