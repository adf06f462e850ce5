import type { SourcePosition } from './source-position.js';

/**
 * hcl2json returns no positions, so lines come from the source text: a block header is found by its
 * labels and an attribute by its name at the block's own nesting depth. Strings, comments and heredocs
 * are skipped, so a `{` inside them never shifts the depth.
 */
export interface HclBlockLines {
  /** Where the block header starts (the `resource` keyword). */
  readonly header: SourcePosition;
  /** Top-level attributes of the block (name -> first position). */
  readonly attributes: ReadonlyMap<string, SourcePosition>;
  /** The line of the block's closing `}`. */
  readonly lastLine: number;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_-]*';

/** Every block `keyword "label1" "label2" {` in source order, with its top-level attribute positions. */
export function findHclBlocks(text: string, keyword: string, firstLabel: string): Array<{ name: string } & HclBlockLines> {
  const header = new RegExp(`^([ \\t]*)${keyword}[ \\t]+"?${escapeRegExp(firstLabel)}"?[ \\t]+"?(${IDENT})"?[ \\t]*\\{`, 'gm');
  const lines = text.split('\n');
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const blocks: Array<{ name: string } & HclBlockLines> = [];
  for (const match of text.matchAll(header)) {
    const start = match.index ?? 0;
    const lineNumber = lineOf(lineStarts, start);
    const scanned = scanAttributes(lines, lineNumber - 1, start + match[0].length - (lineStarts[lineNumber - 1] ?? 0));
    blocks.push({ name: match[2] ?? '', header: { line: lineNumber, column: (match[1]?.length ?? 0) + 1 }, ...scanned });
  }
  return blocks;
}

/** The 1-based line holding `offset`: a binary search, so that finding every block of a large file stays linear. */
function lineOf(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] ?? Infinity) <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/**
 * The first line in `fromLine..toLine` (1-based, inclusive) that starts with `key =` or `key:` (bare or quoted):
 * where a nested object key such as `emails` inside `body = { properties = { … } }` is written.
 */
export function findNestedKey(text: string | readonly string[], fromLine: number, toLine: number, key: string): SourcePosition | undefined {
  // callers that look up many keys in one file pass its lines, split once
  const lines = typeof text === 'string' ? text.split('\n') : text;
  const pattern = new RegExp(`^([ \\t]*(?:[{,][ \\t]*)?)"?${escapeRegExp(key)}"?[ \\t]*[=:](?!=)`);
  for (let index = Math.max(0, fromLine - 1); index < Math.min(lines.length, toLine); index++) {
    const match = pattern.exec(lines[index] ?? '');
    if (match) return { line: index + 1, column: (match[1]?.length ?? 0) + 1 };
  }
  return undefined;
}

const ATTRIBUTE = new RegExp(`^([ \\t]*)(${IDENT})[ \\t]*=(?!=)`);

/** Walks from just after the block's `{` to its matching `}`, recording attributes at depth 1. */
function scanAttributes(lines: readonly string[], firstLine: number, firstColumn: number): { attributes: Map<string, SourcePosition>; lastLine: number } {
  const attributes = new Map<string, SourcePosition>();
  let depth = 1;
  let lastLine = lines.length;
  let heredoc: string | undefined;
  let inBlockComment = false;
  for (let index = firstLine; index < lines.length && depth > 0; index++) {
    const line = lines[index] ?? '';
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const from = index === firstLine ? firstColumn : 0;
    if (depth === 1 && !inBlockComment && index !== firstLine) {
      const attribute = ATTRIBUTE.exec(line);
      if (attribute?.[2] && !attributes.has(attribute[2])) {
        attributes.set(attribute[2], { line: index + 1, column: (attribute[1]?.length ?? 0) + 1 });
      }
    }
    let inString = false;
    for (let i = from; i < line.length; i++) {
      const char = line[i];
      if (inBlockComment) {
        if (char === '*' && line[i + 1] === '/') {
          inBlockComment = false;
          i++;
        }
        continue;
      }
      if (inString) {
        if (char === '\\') i++;
        else if (char === '"') inString = false;
        continue;
      }
      if (char === '"') inString = true;
      else if (char === '#' || (char === '/' && line[i + 1] === '/')) break;
      else if (char === '/' && line[i + 1] === '*') {
        inBlockComment = true;
        i++;
      } else if (char === '<' && line[i + 1] === '<') {
        const marker = /^<<-?([A-Za-z_][A-Za-z0-9_]*)/.exec(line.slice(i));
        if (marker?.[1]) {
          heredoc = marker[1];
          break;
        }
      } else if (char === '{') depth++;
      else if (char === '}') {
        depth--;
        if (depth === 0) {
          lastLine = index + 1;
          break;
        }
      }
    }
  }
  return { attributes, lastLine };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
