// vidwasm's seeded random generator (xoshiro128**), used by randn/rand, dropout and
// initialisers. Deterministic across hosts for a given seed, so runs are reproducible.
class Rng {
  private s = new Uint32Array(4);
  private spare: number | null = null;
  constructor(seed: number) { this.seed(seed); }
  seed(seed: number): void {
    // splitmix32 to spread the seed over the state
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.spare = null;
  }
  nextU32(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 11);
    return r;
  }
  /** Uniform in [0, 1). */
  uniform(): number { return this.nextU32() / 4294967296; }
  /** Standard normal (Box-Muller, caching the second sample). */
  normal(): number {
    if (this.spare !== null) { const v = this.spare; this.spare = null; return v; }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** The generator's state: four xoshiro words and the cached normal (NaN when none). */
  getState(): number[] {
    return [...this.s, this.spare === null ? NaN : this.spare];
  }
  setState(st: readonly number[]): void {
    if (st.length !== 5) throw new RangeError(`random state must hold 5 numbers, got ${st.length}`);
    for (let i = 0; i < 4; i++) this.s[i] = Number(st[i]) >>> 0;
    this.spare = Number.isNaN(Number(st[4])) ? null : Number(st[4]);
  }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.uniform() * n); }
}
function rotl(x: number, k: number): number { return ((x << k) | (x >>> (32 - k))) >>> 0; }

export const random = new Rng(0);

/** Seeds vidwasm's generator (like torch.manual_seed). */
export function manualSeed(seed: number): void { random.seed(seed); }
