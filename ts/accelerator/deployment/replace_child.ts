// Swapping one submodule of a parent for another, everywhere the parent refers to it: the registry
// (state-dict keys), and the fields, arrays and maps its forward() reads (ResBlock.branch1Conv,
// Sequential's list and index properties, ...).
import type { nn } from '../../runtime/index.js';

export function replaceChild(parent: nn.Module, name: string, next: nn.Module): void {
  const old = parent.getAttr(name);
  parent.registerModule(name, next);
  for (const key of Reflect.ownKeys(parent)) {
    const d = Object.getOwnPropertyDescriptor(parent, key)!;
    if (!('value' in d)) continue;
    const v = d.value as unknown;
    if (v === old) Object.defineProperty(parent, key, { ...d, value: next });
    else if (Array.isArray(v)) v.forEach((e, i) => { if (e === old) v[i] = next; });
    else if (v instanceof Map) for (const [k, e] of v) { if (e === old) v.set(k, next); }
  }
}
