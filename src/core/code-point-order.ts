/**
 * Code point order: the order of UTF-8 bytes, which is PostgreSQL's C collation (the embedded store's) and the same
 * on every engine. JavaScript's `<` compares UTF-16 code units, which is the same order except at a first
 * difference between a surrogate (U+10000 and up) and a unit from U+E000 to U+FFFF: there the surrogate's code
 * point is the larger, though its unit is the smaller.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800 && x <= 0xdfff !== y <= 0xdfff) return x <= 0xdfff ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * `items` sorted by their keys (compared left to right) in code point order, as a new array. Keys without
 * surrogates (nearly all: ARM ids and control ids are ASCII) are compared natively, which gives the same order.
 */
export function sortByCodePoints<T>(items: readonly T[], keys: (item: T) => readonly string[]): T[] {
  const keyed = items.map((item) => {
    const k = keys(item);
    return { item, k, native: !k.some((key) => SURROGATE.test(key)) };
  });
  keyed.sort((a, b) => {
    for (let i = 0; i < a.k.length; i += 1) {
      const x = a.k[i]!;
      const y = b.k[i]!;
      if (x === y) continue;
      if (a.native && b.native) return x < y ? -1 : 1;
      return compareCodePoints(x, y);
    }
    return 0;
  });
  return keyed.map((entry) => entry.item);
}
