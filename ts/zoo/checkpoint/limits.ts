// The checkpoint reader's limits: what a file may make us do before we refuse it with a
// CheckpointError. Real checkpoints are far inside them; a caller with an unusual file raises them.

/**
 * Limits on reading one checkpoint (pass any of them to readCheckpoint, readTorchFile or zoo.load):
 * - `maxDepth` (default 1000, Python's recursion limit): deepest nesting of lists, tuples and dicts.
 * - `maxEntries` (default 100 000): zip archive entries.
 * - `maxEntryBytes` (default 1 GiB): declared size of one compressed zip entry we inflate.
 * - `maxInflatedBytes` (default 2 GiB): all compressed entries we inflate, together. Only the
 *   pickle and the storages it uses are read; torch.save stores them uncompressed (no inflating).
 * - `maxTensorBytes` (default: 4 x the bytes of the storages the file holds, + 1 MiB): bytes of the
 *   tensors we allocate. A view (a stride-0 broadcast, or many tensors over one storage) may not
 *   turn a small file into a large allocation: PyTorch would keep it a view of its storage.
 */
export interface ReadLimits {
  maxDepth?: number;
  maxEntries?: number;
  maxEntryBytes?: number;
  maxInflatedBytes?: number;
  maxTensorBytes?: number;
}

export const DEFAULT_LIMITS = {
  maxDepth: 1000,
  maxEntries: 100_000,
  maxEntryBytes: 2 ** 30,
  maxInflatedBytes: 2 ** 31,
  /** maxTensorBytes by default: this many times the file's storage bytes, plus the slack below. */
  tensorBytesPerStorageByte: 4,
  tensorBytesSlack: 2 ** 20,
} as const;

export type Limits = Required<Omit<ReadLimits, 'maxTensorBytes'>> & { maxTensorBytes?: number };

export function resolveLimits(o: ReadLimits = {}): Limits {
  return {
    maxDepth: o.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxEntries: o.maxEntries ?? DEFAULT_LIMITS.maxEntries,
    maxEntryBytes: o.maxEntryBytes ?? DEFAULT_LIMITS.maxEntryBytes,
    maxInflatedBytes: o.maxInflatedBytes ?? DEFAULT_LIMITS.maxInflatedBytes,
    maxTensorBytes: o.maxTensorBytes,
  };
}

/** The tensor-byte budget of a file whose storages hold `storageBytes`. */
export function tensorBudget(limits: Limits, storageBytes: number): number {
  return limits.maxTensorBytes ?? DEFAULT_LIMITS.tensorBytesPerStorageByte * storageBytes + DEFAULT_LIMITS.tensorBytesSlack;
}
