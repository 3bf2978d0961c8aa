// Python-style formatting for module reprs, so `String(model)` prints what `print(model)` prints
// in PyTorch (floats as Python writes them, tuples, booleans, None).

/** A float as Python's repr writes it: 0.1, 1.0, 1e-05, 1e+16. */
export function pyFloat(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'None';
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  // Python switches to scientific notation below 1e-4 and from 1e16 on (shortest round-trip digits).
  if (exp < -4 || exp >= 16) {
    const [mant, e] = x.toExponential().split('e');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

export function pyBool(b: boolean): string { return b ? 'True' : 'False'; }

/** A Python tuple of ints: (3, 3, 3), (8,), (). */
export function pyTuple(v: readonly (number | null)[]): string {
  const items = v.map((x) => (x === null ? 'None' : String(x)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** An int-or-tuple option printed as given (PyTorch pools keep the user's form). */
export function pyIntOrTuple(v: number | readonly (number | null)[] | null): string {
  if (v === null) return 'None';
  return typeof v === 'number' ? String(v) : pyTuple(v);
}

/** Indents every line but the first (PyTorch's _addindent). */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}
