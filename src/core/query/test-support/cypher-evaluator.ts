/**
 * A small three-valued evaluator of the Cypher that @neo4j/graphql emits for a `where` filter, so the library's
 * own translation can be the oracle of ward's SQL without a Neo4j server. It reads exactly the subset the
 * library prints for read queries over list relationships:
 *
 *   MATCH (this:Label) [WHERE e] RETURN …
 *   e := e OR e | e AND e | NOT e | (e) | a = b | a < b … | a IN b | a CONTAINS b | a STARTS WITH b | a ENDS WITH b
 *      | a IS [NOT] NULL | EXISTS { MATCH (v)-[:REL]->(w:Label) [WHERE e] }
 *      | single(x IN [(v)-[:REL]->(w:Label) WHERE e | 1] WHERE true) | v.prop | $param | true | false | literal
 *
 * and refuses anything else loudly (an unknown construct must fail the test, not be guessed at). Values follow
 * Cypher: null is unknown, comparisons with null are null, AND/OR/NOT are Kleene, `x IN []` is false, and a WHERE
 * keeps a row only when its predicate is true. Test support only: it never ships.
 */

/** A node as the evaluator sees it: its properties by GraphQL field name, and its related nodes by relationship type. */
export interface CypherNode {
  readonly label: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly related: Readonly<Record<string, readonly CypherNode[]>>;
}

type Token = { readonly kind: 'word' | 'param' | 'string' | 'number' | 'punct'; readonly text: string };

const PUNCT = ['<>', '<=', '>=', '->', '<-', '=', '<', '>', '(', ')', '{', '}', '[', ']', ':', '.', ',', '|', '-'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '$') {
      const match = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'param', text: match[0].slice(1) });
      i += match[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      while (source[j] !== ch) {
        if (j >= source.length) throw new Error(`unterminated string at ${i}`);
        if (source[j] === '\\') j++;
        text += source[j];
        j++;
      }
      tokens.push({ kind: 'string', text });
      i = j + 1;
      continue;
    }
    if (ch === '`') {
      const end = source.indexOf('`', i + 1);
      tokens.push({ kind: 'word', text: source.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number && (ch !== '-' || tokens.at(-1)?.kind === 'punct')) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => source.startsWith(p, i));
    if (!punct) throw new Error(`unexpected character ${JSON.stringify(ch)} at ${i} in: ${source}`);
    tokens.push({ kind: 'punct', text: punct });
    i += punct.length;
  }
  return tokens;
}

type Expr =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'property'; readonly variable: string; readonly property: string }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'isNull'; readonly operand: Expr; readonly negated: boolean }
  | { readonly kind: 'compare'; readonly operator: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'exists'; readonly pattern: Pattern; readonly where: Expr | null }
  | { readonly kind: 'single'; readonly pattern: Pattern; readonly where: Expr | null };

/** `(from)-[:type]->(to:Label)` */
interface Pattern {
  readonly from: string;
  readonly type: string;
  readonly to: string;
  readonly label: string;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  private isWord(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'word' && token.text.toUpperCase() === text;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.text === text;
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new Error('unexpected end of Cypher');
    return token;
  }

  word(text: string): void {
    if (!this.isWord(text)) throw new Error(`expected ${text}, got ${JSON.stringify(this.peek()?.text)} at token ${this.position}`);
    this.position++;
  }

  punct(text: string): void {
    if (!this.isPunct(text)) throw new Error(`expected "${text}", got ${JSON.stringify(this.peek()?.text)} at token ${this.position}`);
    this.position++;
  }

  name(): string {
    const token = this.next();
    if (token.kind !== 'word') throw new Error(`expected a name, got ${JSON.stringify(token.text)}`);
    return token.text;
  }

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  /** `MATCH (this:Label) [WHERE e] RETURN …`: the root label and filter. */
  query(): { label: string; where: Expr | null } {
    this.word('MATCH');
    this.punct('(');
    const variable = this.name();
    if (variable !== 'this') throw new Error(`the root variable is ${variable}, not this`);
    this.punct(':');
    const label = this.name();
    this.punct(')');
    let where: Expr | null = null;
    if (this.isWord('WHERE')) {
      this.position++;
      where = this.expression();
    }
    this.word('RETURN');
    return { label, where };
  }

  expression(): Expr {
    let left = this.conjunction();
    while (this.isWord('OR')) {
      this.position++;
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Expr {
    let left = this.negation();
    while (this.isWord('AND')) {
      this.position++;
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }

  private negation(): Expr {
    if (this.isWord('NOT')) {
      this.position++;
      return { kind: 'not', operand: this.negation() };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.primary();
    const token = this.peek();
    if (token?.kind === 'punct' && ['=', '<>', '<', '<=', '>', '>='].includes(token.text)) {
      this.position++;
      return { kind: 'compare', operator: token.text, left, right: this.primary() };
    }
    if (this.isWord('IN') || this.isWord('CONTAINS')) {
      const operator = this.name().toUpperCase();
      return { kind: 'compare', operator, left, right: this.primary() };
    }
    if ((this.isWord('STARTS') || this.isWord('ENDS')) && this.isWord('WITH', 1)) {
      const operator = `${this.name().toUpperCase()} WITH`;
      this.position++;
      return { kind: 'compare', operator, left, right: this.primary() };
    }
    if (this.isWord('IS')) {
      this.position++;
      const negated = this.isWord('NOT');
      if (negated) this.position++;
      this.word('NULL');
      return { kind: 'isNull', operand: left, negated };
    }
    return left;
  }

  private pattern(): Pattern {
    this.punct('(');
    const from = this.name();
    this.punct(')');
    this.punct('-');
    this.punct('[');
    this.punct(':');
    const type = this.name();
    this.punct(']');
    this.punct('->');
    this.punct('(');
    const to = this.name();
    this.punct(':');
    const label = this.name();
    this.punct(')');
    return { from, type, to, label };
  }

  private primary(): Expr {
    const token = this.next();
    if (token.kind === 'param') return { kind: 'param', name: token.text };
    if (token.kind === 'string') return { kind: 'literal', value: token.text };
    if (token.kind === 'number') return { kind: 'literal', value: Number(token.text) };
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.expression();
      this.punct(')');
      return inner;
    }
    if (token.kind !== 'word') throw new Error(`unexpected ${JSON.stringify(token.text)} in an expression`);
    const upper = token.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE' };
    if (upper === 'NULL') return { kind: 'literal', value: null };
    if (upper === 'EXISTS') {
      this.punct('{');
      this.word('MATCH');
      const pattern = this.pattern();
      let where: Expr | null = null;
      if (this.isWord('WHERE')) {
        this.position++;
        where = this.expression();
      }
      this.punct('}');
      return { kind: 'exists', pattern, where };
    }
    if (upper === 'SINGLE') {
      // single(x IN [(v)-[:REL]->(x:Label) WHERE e | 1] WHERE true)
      this.punct('(');
      const item = this.name();
      this.word('IN');
      this.punct('[');
      const pattern = this.pattern();
      if (pattern.to !== item) throw new Error(`single() over ${item} but the pattern binds ${pattern.to}`);
      let where: Expr | null = null;
      if (this.isWord('WHERE')) {
        this.position++;
        where = this.expression();
      }
      this.punct('|');
      const projected = this.next();
      if (projected.text !== '1') throw new Error(`single() projects ${projected.text}, expected 1`);
      this.punct(']');
      this.word('WHERE');
      this.word('TRUE');
      this.punct(')');
      return { kind: 'single', pattern, where };
    }
    this.punct('.');
    return { kind: 'property', variable: token.text, property: this.name() };
  }
}

export interface ParsedCypher {
  readonly label: string;
  readonly where: Expr | null;
}

/** Parses the library's `MATCH (this:Label) WHERE … RETURN …`; throws on anything outside the subset. */
export function parseCypher(cypher: string): ParsedCypher {
  const parser = new Parser(tokenize(cypher.replace(/^CYPHER [^\n]*\n/, '')));
  return parser.query();
}

type Truth = boolean | null;
type Environment = ReadonlyMap<string, CypherNode>;

/** neo4j-driver Integers ({ low, high }) as JS numbers; everything else as is. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    return high * 2 ** 32 + (low >>> 0);
  }
  return value ?? null;
}

function isMissing(value: unknown): boolean {
  return value === null || value === undefined;
}

/** Cypher equality: null when either side is null; lists element by element. */
function equals(left: unknown, right: unknown): Truth {
  if (isMissing(left) || isMissing(right)) return null;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right)) return false;
    if (left.length !== right.length) return false;
    let result: Truth = true;
    for (let i = 0; i < left.length; i++) {
      const item = equals(left[i], right[i]);
      if (item === false) return false;
      if (item === null) result = null;
    }
    return result;
  }
  if (typeof left !== typeof right) return false;
  return left === right;
}

function kleeneAnd(left: Truth, right: Truth): Truth {
  if (left === false || right === false) return false;
  return left === null || right === null ? null : true;
}

function kleeneOr(left: Truth, right: Truth): Truth {
  if (left === true || right === true) return true;
  return left === null || right === null ? null : false;
}

function asTruth(value: unknown, what: string): Truth {
  if (value === null || typeof value === 'boolean') return value;
  throw new Error(`${what} is not a boolean: ${JSON.stringify(value)}`);
}

function compare(operator: string, left: unknown, right: unknown): Truth {
  switch (operator) {
    case '=':
      return equals(left, right);
    case '<>': {
      const eq = equals(left, right);
      return eq === null ? null : !eq;
    }
    case 'IN': {
      if (isMissing(right)) return null;
      if (!Array.isArray(right)) throw new Error(`IN over a non-list: ${JSON.stringify(right)}`);
      if (right.length === 0) return false;
      let result: Truth = false;
      for (const item of right) {
        const eq = equals(left, item);
        if (eq === true) return true;
        if (eq === null) result = null;
      }
      return result;
    }
  }
  if (isMissing(left) || isMissing(right)) return null;
  switch (operator) {
    case 'CONTAINS':
      return typeof left === 'string' && typeof right === 'string' ? left.includes(right) : null;
    case 'STARTS WITH':
      return typeof left === 'string' && typeof right === 'string' ? left.startsWith(right) : null;
    case 'ENDS WITH':
      return typeof left === 'string' && typeof right === 'string' ? left.endsWith(right) : null;
  }
  if (typeof left !== 'number' || typeof right !== 'number') {
    if (typeof left === 'string' && typeof right === 'string') throw new Error('string ordering is outside the subset');
    return null;
  }
  switch (operator) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
  }
  throw new Error(`unknown operator ${operator}`);
}

function evaluate(expr: Expr, env: Environment, params: Readonly<Record<string, unknown>>): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'param':
      if (!(expr.name in params)) throw new Error(`unbound parameter $${expr.name}`);
      return plain(params[expr.name]);
    case 'property': {
      const node = env.get(expr.variable);
      if (!node) throw new Error(`unbound variable ${expr.variable}`);
      return plain(node.properties[expr.property]);
    }
    case 'and':
      return kleeneAnd(asTruth(evaluate(expr.left, env, params), 'AND'), asTruth(evaluate(expr.right, env, params), 'AND'));
    case 'or':
      return kleeneOr(asTruth(evaluate(expr.left, env, params), 'OR'), asTruth(evaluate(expr.right, env, params), 'OR'));
    case 'not': {
      const value = asTruth(evaluate(expr.operand, env, params), 'NOT');
      return value === null ? null : !value;
    }
    case 'isNull':
      return isMissing(evaluate(expr.operand, env, params)) !== expr.negated;
    case 'compare':
      return compare(expr.operator, evaluate(expr.left, env, params), evaluate(expr.right, env, params));
    case 'exists':
    case 'single': {
      const matching = matches(expr.pattern, expr.where, env, params);
      return expr.kind === 'exists' ? matching > 0 : matching === 1;
    }
  }
}

/** How many nodes the pattern binds for which WHERE is true. */
function matches(pattern: Pattern, where: Expr | null, env: Environment, params: Readonly<Record<string, unknown>>): number {
  const from = env.get(pattern.from);
  if (!from) throw new Error(`unbound variable ${pattern.from}`);
  let count = 0;
  for (const node of from.related[pattern.type] ?? []) {
    if (node.label !== pattern.label) continue;
    const inner = new Map(env).set(pattern.to, node);
    if (where === null || evaluate(where, inner, params) === true) count++;
  }
  return count;
}

/** The nodes (of the query's label) the Cypher returns: those for which its WHERE is true. */
export function runCypher(cypher: ParsedCypher, nodes: readonly CypherNode[], params: Readonly<Record<string, unknown>>): CypherNode[] {
  return nodes.filter((node) => node.label === cypher.label && (cypher.where === null || evaluate(cypher.where, new Map([['this', node]]), params) === true));
}
