// Small measurement helpers the benches share.
import { readdirSync, readFileSync } from 'node:fs';

/** The middle value (upper median for an even count), as every bench reports. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** CPU nanoseconds of each thread of this process (Linux /proc/self/task/<tid>/schedstat; empty elsewhere). */
export function threadCpuNs(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try { out.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0])); } catch { /* thread ended */ }
    }
  } catch { /* not Linux */ }
  return out;
}
