// Exact rationals (BigInt), the stand-in for Python's fractions.Fraction that PyTorchVideo's
// clip samplers compute with. Mixed Fraction/float arithmetic in Python goes through float(),
// so the samplers call toNumber() at exactly those places; toNumber() rounds correctly (like
// Python's int true division) so the two agree to the last bit.
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
