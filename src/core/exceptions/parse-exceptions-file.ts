import type { ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { WardError } from '../errors.js';
import { EXCEPTIONS_FILE_FIELDS } from './exceptions-file-schema.js';
import type { DeclaredException, ExceptionProblem } from './validate-exception.js';
import { validateExceptionsFile as validateFile } from './validate-exceptions-file.js';

export type ExceptionsFileField = ExceptionProblem['field'] | 'id';

/** One entry of an exceptions file, as declared (the rules are checked by whoever stores it). */
export interface ExceptionsFileEntry extends DeclaredException {
  readonly index: number;
  readonly id: string | undefined;
  /** Line of the entry, and of each field present. */
  readonly line: number;
  readonly lines: Partial<Record<ExceptionsFileField, number>>;
}

const FILE_HINT = 'ward exceptions export writes one to start from';

function pathOf(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function displayField(path: readonly string[]): string {
  return path.reduce<string>((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, part) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), data);
}

/** One line saying what is wrong where the schema refused the file, with a hint when there is a useful one. */
function describe(error: ErrorObject, path: readonly string[], data: unknown): { message: string; hint?: string; path: string[] } {
  const field = path.at(-1) ?? '';
  const inEntry = path[0] === 'exceptions' && path.length >= 2;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      return inEntry
        ? { message: `unknown field ${JSON.stringify(key)}`, hint: `the fields are: ${EXCEPTIONS_FILE_FIELDS.join(', ')}`, path: [...path, key] }
        : { message: `unknown key ${JSON.stringify(key)}`, hint: 'the file has version and exceptions', path: [...path, key] };
    }
    case 'required':
      return { message: 'version must be 1', hint: FILE_HINT, path: ['version'] };
    case 'const':
      return { message: 'version must be 1', path: [...path] };
    case 'pattern':
      return { message: `id ${JSON.stringify(valueAt(data, path))} is not a valid exception id`, hint: 'an id is letters, digits, . _ or - (leave id out to have one assigned)', path: [...path] };
    case 'type':
      if (path.length === 0) return { message: 'an exceptions file is a mapping with `version: 1` and `exceptions:`', hint: FILE_HINT, path: [] };
      if (path.length === 1 && field === 'exceptions') return { message: 'exceptions must be a list', path: [...path] };
      if (path.length === 2) return { message: `each exception is a mapping of ${EXCEPTIONS_FILE_FIELDS.join(', ')}`, path: [...path] };
      return { message: `${field} must be a single value (not empty, a list or a mapping)`, path: [...path] };
    default:
      return { message: `${displayField(path) || 'the file'} ${error.message ?? 'is invalid'}`, path: [...path] };
  }
}

/**
 * Parses an exceptions file (pure): `version: 1` and `exceptions:`, a list of {id?, control, asset, owner, expires,
 * reason}. The shape is validated with a JSON Schema (exceptions-file-schema.ts); a malformed file is refused with
 * a WardError naming the file, the line and the field. The rules of each exception are checked by the caller.
 */
export function parseExceptionsFile(text: string, file: string): ExceptionsFileEntry[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  /** The line of a field: its key's line inside a mapping, the item's line inside a list. */
  const lineOf = (path: readonly string[]): number | undefined => {
    let node: unknown = document.contents;
    let line = isScalar(node) || isMap(node) || isSeq(node) ? (node.range ? lineAt(node.range[0]) : undefined) : undefined;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === part);
        if (!pair) return line;
        const key = pair.key as YamlNode;
        line = key.range ? lineAt(key.range[0]) : line;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(part)];
        const item = node as YamlNode | undefined;
        line = item?.range ? lineAt(item.range[0]) : line;
      } else {
        return line;
      }
    }
    return line;
  };
  const refuse = (message: string, path: readonly string[], hint?: string): never => {
    const line = lineOf(path) ?? (path.length === 0 ? 1 : undefined);
    throw new WardError('EXCEPTION_INVALID', message, {
      location: { file, ...(line === undefined ? {} : { line }), ...(path.length === 0 ? {} : { field: displayField(path) }) },
      ...(hint ? { hint } : {}),
    });
  };
  const syntax = document.errors[0];
  if (syntax) {
    throw new WardError('EXCEPTION_INVALID', `not valid YAML: ${syntax.message.split('\n')[0]}`, { location: { file, line: lineAt(syntax.pos[0]) } });
  }
  const data: unknown = document.toJS();
  if (!validateFile(data)) {
    const error = validateFile.errors![0]!;
    const { message, hint, path } = describe(error, pathOf(error.instancePath), data);
    refuse(message, path, hint);
  }
  const list = (data as { exceptions?: Record<string, string | number | boolean>[] | null }).exceptions ?? [];
  const seenIds = new Map<string, number>();
  return list.map((raw, index): ExceptionsFileEntry => {
    const at = (field: string): string[] => ['exceptions', String(index), field];
    const value = (field: string): string | undefined => (raw[field] === undefined ? undefined : String(raw[field]));
    const lines: Partial<Record<ExceptionsFileField, number>> = {};
    for (const field of EXCEPTIONS_FILE_FIELDS) if (raw[field] !== undefined) lines[field] = lineOf(at(field))!;
    const id = value('id');
    if (id !== undefined) {
      const first = seenIds.get(id);
      if (first !== undefined) refuse(`id ${id} is listed twice (first on line ${first})`, at('id'));
      seenIds.set(id, lines.id!);
    }
    return {
      index,
      id,
      controlId: value('control'),
      assetId: value('asset'),
      owner: value('owner'),
      expires: value('expires'),
      reason: value('reason'),
      line: lineOf(['exceptions', String(index)]) ?? 1,
      lines,
    };
  });
}
