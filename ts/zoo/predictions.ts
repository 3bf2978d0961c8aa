// What every pipeline returns: the k best classes of a score vector, best first, with names.
export interface Prediction { label: string; score: number; index: number }

export function top(scores: Float32Array, k: number, names: readonly string[] | null): Prediction[] {
  const n = Math.min(Math.max(1, k), scores.length);
  return [...scores.keys()].sort((a, b) => scores[b] - scores[a]).slice(0, n)
    .map((index) => ({ index, score: scores[index], label: names?.[index] ?? `class ${index}` }));
}
