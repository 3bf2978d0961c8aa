// Map-style datasets (PyTorch Dataset: length + getItem) rebuilt in loader workers.
import { ArgumentError } from '../../runtime/errors.js';
import type { MapVideoDataset } from '../loader/produce.js';

type MapCtor = (spec: { kind: string }) => MapVideoDataset;
const mapKinds = new Map<string, MapCtor>();
export function registerMapDatasetKind(kind: string, fromSpec: MapCtor): void { mapKinds.set(kind, fromSpec); }

export function mapDatasetFromSpec(spec: { kind: string }): MapVideoDataset {
  const f = mapKinds.get(spec.kind);
  if (!f) throw new ArgumentError(`map-style dataset kind '${spec.kind}' is not registered in this worker`);
  return f(spec);
}
