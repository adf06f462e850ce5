import type { ResolvedValue } from './resolved-value.js';

/** A value that could not be resolved statically, by its ARM path (`properties.emails`, `properties.notificationsByRole.roles[1]`). */
export interface UnresolvedProperty {
  readonly path: string;
  readonly reason: string;
}

/**
 * A JSON-like value with every leaf resolved as far as it goes: unresolved leaves are left out of `value`
 * and listed in `unresolved`; `sources` says where resolved leaves came from (a variable, a parameter).
 */
export interface ResolvedTree {
  readonly value: unknown;
  readonly unresolved: readonly UnresolvedProperty[];
  readonly sources: ReadonlyMap<string, string>;
}

/** Resolves one leaf (a string that may be an expression); objects and arrays are walked by `resolveTree`. */
export type LeafResolver = (text: string) => ResolvedValue;

/**
 * Walks `value` at `path`, resolving each string with `resolveLeaf`. A leaf that resolves to an object is
 * not walked again (its contents are literal values from a variable or parameter).
 */
export function resolveTree(value: unknown, resolveLeaf: LeafResolver, path: string): ResolvedTree {
  const unresolved: UnresolvedProperty[] = [];
  const sources = new Map<string, string>();
  const walk = (item: unknown, at: string): { keep: boolean; value?: unknown } => {
    if (typeof item === 'string') {
      const resolved = resolveLeaf(item);
      if (!resolved.known) {
        unresolved.push({ path: at, reason: resolved.reason });
        return { keep: false };
      }
      if (resolved.source !== undefined) sources.set(at, resolved.source);
      return { keep: true, value: resolved.value };
    }
    if (Array.isArray(item)) {
      const items: unknown[] = [];
      item.forEach((entry, index) => {
        const walked = walk(entry, `${at}[${index}]`);
        if (walked.keep) items.push(walked.value);
      });
      return { keep: true, value: items };
    }
    if (item !== null && typeof item === 'object') {
      const fields: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(item)) {
        const walked = walk(entry, at === '' ? key : `${at}.${key}`);
        if (walked.keep) fields[key] = walked.value;
      }
      return { keep: true, value: fields };
    }
    return { keep: true, value: item };
  };
  const walked = walk(value, path);
  return { value: walked.keep ? walked.value : undefined, unresolved, sources };
}

/** A value known as a whole (or not at all), as a tree at `path`. */
export function resolvedLeaf(resolved: ResolvedValue, path: string): ResolvedTree {
  if (!resolved.known) return { value: undefined, unresolved: [{ path, reason: resolved.reason }], sources: new Map() };
  return { value: resolved.value, unresolved: [], sources: resolved.source === undefined ? new Map() : new Map([[path, resolved.source]]) };
}

/** Moves a tree under `prefix` (`emails` → `properties.emails`). */
export function prefixTree(tree: ResolvedTree, prefix: string): ResolvedTree {
  const join = (path: string): string => (path === '' ? prefix : path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`);
  return {
    value: tree.value,
    unresolved: tree.unresolved.map((entry) => ({ path: join(entry.path), reason: entry.reason })),
    sources: new Map([...tree.sources].map(([path, source]) => [join(path), source])),
  };
}
