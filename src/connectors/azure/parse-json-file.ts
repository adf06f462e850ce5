import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { WardError, type WardErrorCode } from '../../core/errors.js';

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text.charCodeAt(index) === 10) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Strict JSON (no comments, no trailing commas) with the position of the first error, so a malformed
 * capture file is reported as `file:line:column: <what>` instead of a stack trace.
 */
export function parseJsonText(text: string, source: string, code: WardErrorCode = 'CAPTURE_INVALID'): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumnAt(text, first.offset);
    throw new WardError(code, `malformed JSON: ${printParseErrorCode(first.error)}`, {
      location: { file: source, line, column },
      hint: 'the file must hold the response body exactly as Azure returned it',
    });
  }
  return value;
}
