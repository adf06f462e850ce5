/**
 * The documented limits on what ward reads (README, "Guarantees and limits"). Azure's own answers sit far below
 * them; past them a subscription's data is an `error` with the reason (or, for a file that cannot be read at all,
 * an input error naming the file and the limit), never a crash and never a pass. Pure.
 */

export const INPUT_LIMITS = {
  /** Bytes of one subscription's security-contacts body (a capture file). */
  contactsFileBytes: 8 * 1024 * 1024,
  /** Bytes of subscriptions.json (100,000 subscriptions take about 40 MB). */
  subscriptionsFileBytes: 256 * 1024 * 1024,
  /** Nesting of arrays and objects in any JSON body. */
  jsonDepth: 64,
  /** Security contacts in one subscription (Azure keeps one, `default`; 2017 allowed a few). */
  contactsPerSubscription: 1000,
  /** Characters of any one string in a body (an `emails` string of 1,000 long addresses fits). */
  stringLength: 256 * 1024,
  /** Addresses in one contact's address string. */
  addressesPerContact: 1000,
} as const;

/**
 * The deepest nesting of `[`/`{` in a JSON text, found by a linear scan that skips strings: run before parsing,
 * because a recursive parser overflows the stack on input nested a few thousand deep.
 */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92 /* \ */) index += 1;
      else if (code === 34 /* " */) inString = false;
      continue;
    }
    if (code === 34) inString = true;
    else if (code === 91 || code === 123) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (code === 93 || code === 125) depth -= 1;
  }
  return deepest;
}

/**
 * Why a parsed body is past a limit or holds a value no store can keep (a NUL character), or undefined. An
 * iterative walk: no recursion, whatever the depth.
 */
export function bodyValueProblem(body: unknown): string | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: body, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > INPUT_LIMITS.stringLength) return `${path || 'the body'} is ${value.length.toLocaleString('en-US')} characters long (limit ${INPUT_LIMITS.stringLength.toLocaleString('en-US')})`;
      if (value.includes('\u0000')) return `${path || 'the body'} holds a NUL character`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= INPUT_LIMITS.jsonDepth) return `the body is nested deeper than ${INPUT_LIMITS.jsonDepth} levels (at ${path || 'the top'})`;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) stack.push({ value: value[index], depth: depth + 1, path: `${path}[${index}]` });
    } else {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${path || 'the body'} has a key holding a NUL character`;
        stack.push({ value: item, depth: depth + 1, path: path ? `${path}.${key}` : key });
      }
    }
  }
  return undefined;
}
