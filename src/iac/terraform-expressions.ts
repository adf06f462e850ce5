import { knownValue, unknownValue, type ResolvedValue } from './resolved-value.js';

/**
 * Static evaluation of the Terraform expressions hcl2json leaves in strings (`"${var.x}"`): literals,
 * `var.*` and `local.*` references (with attribute access), and string templates built from them.
 * Anything else (data sources, module outputs, resource attributes, function calls, conditionals,
 * template directives) is unknown, with the reason.
 */
export interface TerraformScope {
  variable(name: string): ResolvedValue;
  local(name: string): ResolvedValue;
}

export function resolveTerraformValue(value: unknown, scope: TerraformScope): ResolvedValue {
  if (typeof value !== 'string') return knownValue(value);
  if (!value.includes('${') && !value.includes('%{')) return knownValue(value);
  const parts = splitTemplate(value);
  if (parts === undefined) return unknownValue(`cannot read the template ${quote(value)}`);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined && only.kind === 'expression') return resolveExpression(only.text, scope);
  let result = '';
  for (const part of parts) {
    if (part.kind === 'literal') {
      result += part.text;
      continue;
    }
    if (part.kind === 'directive') return unknownValue(`template directive %{${part.text}} is not evaluated statically`);
    const resolved = resolveExpression(part.text, scope);
    if (!resolved.known) return resolved;
    const piece = resolved.value;
    if (piece === null || piece === undefined) return unknownValue(`\${${part.text}} is null inside a string template`);
    if (typeof piece === 'object') return unknownValue(`\${${part.text}} is not a string inside a string template`);
    result += String(piece);
  }
  return knownValue(result);
}

type TemplatePart = { kind: 'literal' | 'expression' | 'directive'; text: string };

/** Splits `a${x}b%{if}…` into parts, honouring `$${` / `%%{` escapes and nested braces and quotes. */
function splitTemplate(template: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    const next = template[i + 1];
    if ((char === '$' || char === '%') && next === char && template[i + 2] === '{') {
      literal += `${char}{`;
      i += 3;
      continue;
    }
    if ((char === '$' || char === '%') && next === '{') {
      const end = matchingBrace(template, i + 1);
      if (end === undefined) return undefined;
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push({ kind: char === '$' ? 'expression' : 'directive', text: template.slice(i + 2, end).trim().replace(/^~|~$/g, '').trim() });
      i = end + 1;
      continue;
    }
    literal += char;
    i++;
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

function matchingBrace(text: string, open: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return undefined;
}

const REFERENCE = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\["[^"]*"\])*)$/;

function resolveExpression(expression: string, scope: TerraformScope): ResolvedValue {
  const text = expression.trim();
  const reference = REFERENCE.exec(text);
  if (reference) {
    const [, kind, name = '', path = ''] = reference;
    const base = kind === 'var' ? scope.variable(name) : scope.local(name);
    return path ? accessPath(base, path, text) : base;
  }
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) {
    try {
      return resolveTerraformValue(JSON.parse(text) as string, scope);
    } catch {
      return unknownValue(`cannot read the string ${text}`);
    }
  }
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return knownValue(Number(text));
  if (text === 'null') return knownValue(null);
  if (text === 'true' || text === 'false') return knownValue(text === 'true');
  return unknownValue(describeUnresolvable(text));
}

function accessPath(base: ResolvedValue, path: string, text: string): ResolvedValue {
  if (!base.known) return base;
  let current: unknown = base.value;
  for (const match of path.matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\["([^"]*)"\]/g)) {
    const key = match[1] ?? match[2] ?? '';
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !(key in current)) {
      return unknownValue(`${text}: \`${key}\` is not an attribute of the value`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  return base.source === undefined ? knownValue(current) : knownValue(current, base.source);
}

function describeUnresolvable(text: string): string {
  if (text.startsWith('data.')) return `${text} is read from a data source at plan time`;
  if (text.startsWith('module.')) return `${text} is a module output, known only when the module is evaluated`;
  if (/^[A-Za-z_][A-Za-z0-9_-]*\(/.test(text)) return `function call ${text} is not evaluated statically`;
  if (/^[a-z][a-z0-9]*_[A-Za-z0-9_]+\.[A-Za-z_]/.test(text)) return `${text} is an attribute of another resource, known only after apply`;
  if (text.startsWith('each.') || text.startsWith('count.')) return `${text} depends on the resource's count or for_each`;
  return `expression ${text} is not evaluated statically`;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
