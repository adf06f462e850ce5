/**
 * Decides which ARM requests fail and how: at random with a seeded PRNG (`--fault-rate`), or scripted for tests
 * (`the first N requests whose path contains X`). Pure apart from its own counters.
 */
import { createSeededRandom } from './seeded-random.js';

export type FaultKind = 'server-error' | 'reset' | 'slow' | 'truncated' | 'throttle';
export const RANDOM_FAULT_KINDS: readonly FaultKind[] = ['server-error', 'reset', 'slow', 'truncated'];

export interface ScriptedFault {
  /** Matches requests whose path (without query) contains this text. */
  readonly pathIncludes: string;
  readonly kind: FaultKind;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
}

export interface FaultInjector {
  /** The fault for this request, or null to answer normally. */
  next(path: string): FaultKind | null;
}

export function createFaultInjector(options: { rate?: number; seed?: number; kinds?: readonly FaultKind[]; scripted?: readonly ScriptedFault[] }): FaultInjector {
  const random = createSeededRandom((options.seed ?? 1) ^ 0x5eed);
  const rate = Math.min(1, Math.max(0, options.rate ?? 0));
  const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : RANDOM_FAULT_KINDS;
  const scripted = (options.scripted ?? []).map((fault) => ({ ...fault, left: fault.times ?? 1 }));
  return {
    next(path) {
      const script = scripted.find((fault) => fault.left > 0 && path.includes(fault.pathIncludes));
      if (script) {
        script.left -= 1;
        return script.kind;
      }
      if (rate > 0 && random.next() < rate) return random.pick(kinds);
      return null;
    },
  };
}
