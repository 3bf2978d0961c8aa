// Exact rationals (BigInt), the stand-in for Python's fractions.Fraction that PyTorchVideo's
// clip samplers compute with, and `Seconds`: a time as PyTorchVideo holds it, either an exact
// Fraction or a Python float (a JS number). The py* helpers follow Python's mixed arithmetic:
// Fraction op Fraction stays exact, anything with a float goes through float() (toNumber()
// rounds correctly, like Python's int true division, so the two agree to the last bit), and
// comparisons between a Fraction and a float are exact.
export class Fraction {
  private constructor(readonly num: bigint, readonly den: bigint) {}

  static of(num: bigint, den: bigint = 1n): Fraction {
    if (den === 0n) throw new RangeError('Fraction: zero denominator');
    if (den < 0n) { num = -num; den = -den; }
    const g = gcd(num < 0n ? -num : num, den);
    return new Fraction(num / g, den / g);
  }

  /** The exact value of a finite double (Python's Fraction(float)). */
  static fromNumber(x: number): Fraction {
    if (!Number.isFinite(x)) throw new RangeError(`Fraction: ${x} is not finite`);
    let n = x, d = 1n;
    while (!Number.isInteger(n)) { n *= 2; d *= 2n; } // exact: doubling a double never rounds
    return Fraction.of(BigInt(n), d);
  }

  add(o: Fraction): Fraction { return Fraction.of(this.num * o.den + o.num * this.den, this.den * o.den); }
  sub(o: Fraction): Fraction { return Fraction.of(this.num * o.den - o.num * this.den, this.den * o.den); }
  mul(o: Fraction): Fraction { return Fraction.of(this.num * o.num, this.den * o.den); }
  neg(): Fraction { return new Fraction(-this.num, this.den); }
  /** math.ceil of the exact value. */
  ceil(): bigint { const q = this.num / this.den; return this.num > 0n && q * this.den !== this.num ? q + 1n : q; }
  divInt(k: number): Fraction { return Fraction.of(this.num, this.den * BigInt(k)); }
  mulInt(k: number): Fraction { return Fraction.of(this.num * BigInt(k), this.den); }
  abs(): Fraction { return this.num < 0n ? new Fraction(-this.num, this.den) : this; }
  cmp(o: Fraction): number {
    const a = this.num * o.den, b = o.num * this.den;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  /** Exact comparison with a double (Python compares Fraction and float exactly). */
  cmpNumber(x: number): number { return this.cmp(Fraction.fromNumber(x)); }

  /** The nearest double, ties to even (Python's float(Fraction)). */
  toNumber(): number {
    if (this.num === 0n) return 0;
    const neg = this.num < 0n;
    const n = neg ? -this.num : this.num, d = this.den;
    // Scale so the integer quotient has 55-56 bits, then fold the remainder into the lowest bit
    // ("round to odd"): Number(q) then rounds to 53 bits exactly as the true quotient would.
    const k = 55 - (bitLength(n) - bitLength(d));
    const nn = k >= 0 ? n << BigInt(k) : n, dd = k >= 0 ? d : d << BigInt(-k);
    let q = nn / dd;
    if (q * dd !== nn) q |= 1n;
    const v = Number(q) * 2 ** -k;
    return neg ? -v : v;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
function bitLength(x: bigint): number { return x.toString(2).length; }

/** A time as PyTorchVideo holds it: an exact Fraction, or a float (a JS number). */
export type Seconds = number | Fraction;

const ZERO = Fraction.of(0n);
/** Python's int 0 (as in max(0, x)): behaves as an exact value in mixed arithmetic. */
export const PY_ZERO: Seconds = ZERO;

export const toFloat = (x: Seconds): number => (typeof x === 'number' ? x : x.toNumber());
/** Python's Fraction(x): exact (a float converts without rounding). */
export const asFraction = (x: Seconds): Fraction => (typeof x === 'number' ? Fraction.fromNumber(x) : x);

function mixed(a: Seconds, b: Seconds, exact: (x: Fraction, y: Fraction) => Fraction, float: (x: number, y: number) => number): Seconds {
  return typeof a === 'number' || typeof b === 'number' ? float(toFloat(a), toFloat(b)) : exact(a, b);
}
export const pyAdd = (a: Seconds, b: Seconds): Seconds => mixed(a, b, (x, y) => x.add(y), (x, y) => x + y);
export const pySub = (a: Seconds, b: Seconds): Seconds => mixed(a, b, (x, y) => x.sub(y), (x, y) => x - y);
export const pyMul = (a: Seconds, b: Seconds): Seconds => mixed(a, b, (x, y) => x.mul(y), (x, y) => x * y);
export const pyNeg = (a: Seconds): Seconds => (typeof a === 'number' ? -a : a.neg());
export const pyAbs = (a: Seconds): Seconds => (typeof a === 'number' ? Math.abs(a) : a.abs());
/** Exact comparison (Python compares a Fraction and a float exactly). */
export function pyCmp(a: Seconds, b: Seconds): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return asFraction(a).cmp(asFraction(b));
}
/** Python's max(a, b): a unless b is strictly greater (the first maximal argument wins). */
export const pyMax = (a: Seconds, b: Seconds): Seconds => (pyCmp(b, a) > 0 ? b : a);
/** Python's min(a, b): a unless b is strictly smaller. */
export const pyMin = (a: Seconds, b: Seconds): Seconds => (pyCmp(b, a) < 0 ? b : a);
/** math.ceil: exact for a Fraction. */
export const pyCeil = (x: Seconds): number => (typeof x === 'number' ? Math.ceil(x) : Number(x.ceil()));

/** Python's float floor division a // b (fmod-based, as CPython's float_floor_div). */
export function pyFloorDiv(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod && (b < 0) !== (mod < 0)) { mod += b; div -= 1; }
  if (!div) return Math.sign(a / b) * 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/** Python's round(x) for a float: to the nearest integer, halves to even. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
