/**
 * Runs a stored check (a GraphQL query in the @neo4j/graphql where dialect) against the inventory store.
 *
 * parse → add engine fragments → validate (always: executing an unvalidated document would silently drop an
 * unknown fragment) → parse every literal `where` into a filter tree → execute with graphql-js, where root
 * fields run one compiled SQL statement and relationship fields batch-load the children of all parents in one
 * more statement (no N+1). The database client is passed in; nothing else here does I/O.
 */
import {
  GraphQLError,
  Kind,
  TypeInfo,
  defaultFieldResolver,
  execute,
  getNamedType,
  parse,
  print,
  validate,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { WardError, isWardError, type ErrorLocation } from '../errors.js';
import type { CheckVariable } from '../model.js';
import type { SqlClient } from '../sql-client.js';
import { ENGINE_FRAGMENTS, withEngineFragments } from './engine-fragments.js';
import { buildInventorySchema, inventoryStorageModel, type RelationFieldModel, type StorageModel, type TypeModel } from './inventory-schema.js';
import { compileCount, compileSelect, type SortKey } from './sql-printer.js';
import { parseWhere } from './where-parser.js';
import { ASSET_ID_KEY, withAssetIdSelection } from './with-asset-id.js';

/** A root field a query selects and the inventory type it returns. */
export interface RootSelection {
  readonly rootField: string;
  readonly typeName: string;
  /** The key the field's result has in `data` (its alias, or the field name). */
  readonly responseKey: string;
}

export interface ValidatedQuery {
  /** The document with the engine fragments it uses, validated against the inventory schema. */
  readonly document: DocumentNode;
  readonly rootFields: readonly RootSelection[];
  /** The variables the operation declares, with their GraphQL types as written (`String!`). */
  readonly variables: readonly CheckVariable[];
  readonly source: string;
}

const VALIDATION_HINT =
  'checks are validated against schema/inventory.graphql plus the generated <Type>Where inputs ' +
  `(e.g. ConnectorWhere) and the engine fragments (${Object.keys(ENGINE_FRAGMENTS).join(', ')})`;

function locationOf(source: string, node: ASTNode | undefined, field?: string): ErrorLocation {
  const token = node?.loc?.startToken;
  return { file: source, ...(token ? { line: token.line, column: token.column } : {}), ...(field ? { field } : {}) };
}

function fromGraphQLError(error: GraphQLError, source: string, hint: string, more = 0): WardError {
  const where = error.locations?.[0];
  const suffix = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
  return new WardError('QUERY_INVALID', `${error.message}${suffix}`, {
    hint,
    location: { file: source, ...(where ? { line: where.line, column: where.column } : {}) },
    cause: error,
  });
}

/** Every literal `where` argument parsed now, so `r_ALL: null` and friends fail when controls load. */
function checkLiteralWheres(document: DocumentNode, source: string, model: StorageModel): void {
  const schema = buildInventorySchema();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (node.name.value !== 'where' || !argument) return;
        const type = [...model.types.values()].find((t) => t.whereType === getNamedType(argument.type).name);
        if (!type) return;
        const value = valueFromAST(node.value, argument.type);
        if (value === undefined) return; // holds variables: checked when they are known
        try {
          parseWhere(value, type, model);
        } catch (error) {
          if (!isWardError(error)) throw error;
          throw new WardError('QUERY_INVALID', error.message, { hint: error.hint, location: locationOf(source, node, error.location?.field) });
        }
      },
    }),
  );
}

/**
 * Parses and validates a check against the inventory schema. Throws a WardError (QUERY_INVALID) naming the
 * source, line and column of the first problem.
 */
/** Limits on a query's text: far above any real check, low enough that no parser or printer recursion overflows. */
export const QUERY_LIMITS = { characters: 256 * 1024, nesting: 128, tokens: 50_000 } as const;

/** The deepest nesting of `{`, `[` and `(` outside strings and comments (a linear scan, before any recursive parser). */
function queryNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '#') {
      while (index < text.length && text[index] !== '\n') index += 1;
    } else if (char === '"') {
      const block = text.startsWith('"""', index);
      const end = block ? text.indexOf('"""', index + 3) : index;
      if (block) index = end < 0 ? text.length : end + 2;
      else for (index += 1; index < text.length && text[index] !== '"' && text[index] !== '\n'; index += 1) if (text[index] === '\\') index += 1;
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === '}' || char === ']' || char === ')') depth -= 1;
  }
  return deepest;
}

export function validateQuery(text: string, source = 'query'): ValidatedQuery {
  const limit = (message: string): WardError =>
    new WardError('QUERY_INVALID', message, { location: { file: source }, hint: 'checks are small: split the filter, or flatten nested AND/OR' });
  if (text.length > QUERY_LIMITS.characters) throw limit(`the query is ${text.length.toLocaleString('en-US')} characters long (limit ${QUERY_LIMITS.characters.toLocaleString('en-US')})`);
  const nesting = queryNesting(text);
  if (nesting > QUERY_LIMITS.nesting) throw limit(`the query is nested ${nesting.toLocaleString('en-US')} levels deep (limit ${QUERY_LIMITS.nesting})`);
  let parsed: DocumentNode;
  try {
    parsed = parse(text, { maxTokens: QUERY_LIMITS.tokens });
  } catch (error) {
    if (error instanceof GraphQLError) throw fromGraphQLError(error, source, 'the check is not valid GraphQL: look for a missing brace, colon or quote');
    throw error;
  }
  const document = withEngineFragments(parsed);
  const schema = buildInventorySchema();
  const errors = validate(schema, document);
  if (errors.length > 0) throw fromGraphQLError(errors[0]!, source, VALIDATION_HINT, errors.length - 1);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) {
    throw new WardError('QUERY_INVALID', `a check holds exactly one query, this one holds ${operations.length}`, {
      hint: 'keep one query per .graphql file',
      location: locationOf(source, operations[1]),
    });
  }
  const model = inventoryStorageModel();
  checkLiteralWheres(document, source, model);
  const queryType = schema.getQueryType()!;
  const rootFields: RootSelection[] = [];
  for (const selection of operations[0]!.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) {
      throw new WardError('QUERY_INVALID', 'select root fields directly (no fragments or introspection at the root)', {
        hint: `write { ${[...model.types.values()].map((t) => t.rootField).join(' | ')}(where: …) { … } }`,
        location: locationOf(source, selection),
      });
    }
    const field = queryType.getFields()[selection.name.value]!;
    rootFields.push({ rootField: field.name, typeName: getNamedType(field.type).name, responseKey: selection.alias?.value ?? field.name });
  }
  const variables = (operations[0]!.variableDefinitions ?? []).map((definition) => ({ name: definition.variable.name.value, type: print(definition.type) }));
  return { document, rootFields, variables, source };
}

/**
 * A stored check as the engine runs it: validated as written, then with the engine's own `id` selection added
 * to its root field (with-asset-id.ts) and validated again, so that whatever the check selects, every result
 * item carries its asset id under ASSET_ID_KEY.
 */
export function validateCheckQuery(text: string, source = 'query'): ValidatedQuery {
  const validated = validateQuery(text, source);
  const document = withAssetIdSelection(validated.document);
  const errors = validate(buildInventorySchema(), document);
  if (errors.length > 0) throw fromGraphQLError(errors[0]!, source, `the engine selects the asset id as ${ASSET_ID_KEY}: do not use that name in a check`);
  return { ...validated, document };
}

/**
 * GraphQL field names selected under the current field, following fragments; with `path`, under that chain of
 * sub-fields (the API's `edges { node { … } }` reads its columns from `['edges', 'node']`).
 */
export function selectedFieldsAt(info: GraphQLResolveInfo, path: readonly string[] = []): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, depth: number): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (depth === path.length) names.add(selection.name.value);
        else if (selection.name.value === path[depth]) walk(selection.selectionSet, depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, depth);
      else if (!seen.has(`${depth}:${selection.name.value}`)) {
        seen.add(`${depth}:${selection.name.value}`);
        walk(info.fragments[selection.name.value]?.selectionSet, depth);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, 0);
  return [...names];
}

const selectedFields = (info: GraphQLResolveInfo): string[] => selectedFieldsAt(info);

/** One inventory row as the resolvers return it: GraphQL field name → stored value. */
export type Row = Record<string, unknown>;

/** Collects the parent ids a relationship field is resolved for, then loads all their children in one statement. */
export class ChildrenLoader {
  private pending: { id: string; resolve: (rows: Row[]) => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly load: (ids: string[]) => Promise<Map<string, Row[]>>) {}

  children(id: string): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.dispatch());
      this.pending.push({ id, resolve, reject });
    });
  }

  private async dispatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const byParent = await this.load([...new Set(batch.map((entry) => entry.id))]);
      for (const entry of batch) entry.resolve(byParent.get(entry.id) ?? []);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}

/**
 * What the inventory resolvers share during one execution: the client and one batching loader per relationship
 * field and filter. Checks get one per query; the API one per request (inventoryExecution), so the two resolve
 * inventory fields with the same code and the same SQL.
 */
export interface InventoryExecution {
  readonly client: SqlClient;
  readonly model: StorageModel;
  readonly loaders: Map<string, ChildrenLoader>;
}

type ExecutionContext = InventoryExecution;

export function inventoryExecution(client: SqlClient): InventoryExecution {
  return { client, model: inventoryStorageModel(), loaders: new Map() };
}

async function runSql(client: SqlClient, sql: string, params: readonly unknown[]): Promise<Row[]> {
  try {
    return (await client.query<Row>(sql, params)).rows;
  } catch (error) {
    throw new WardError('STORE_ERROR', `the inventory query failed: ${(error as Error).message}`, {
      hint: 'the store may be from another ward version; run a scan to rebuild the inventory',
      cause: error,
    });
  }
}

/** Ordering and a window over a root listing: API-only (a check that could say `limit: 0` would pass by accident). */
export interface RootPage {
  readonly order?: readonly SortKey[];
  readonly limit?: number;
  readonly offset?: number;
}

/** A root field's rows: its `where` compiled to one statement selecting `fields`. */
export function resolveInventoryRoot(type: TypeModel, where: unknown, context: InventoryExecution, fields: readonly string[], page: RootPage = {}): Promise<Row[]> {
  const tree = parseWhere(where, type, context.model);
  const { sql, params } = compileSelect(context.model, type, tree, { fields, ...page });
  return runSql(context.client, sql, params);
}

/** How many rows a root field's `where` matches (the API's totalCount and aggregate count). */
export async function countInventory(type: TypeModel, where: unknown, context: InventoryExecution): Promise<number> {
  const { sql, params } = compileCount(context.model, type, parseWhere(where, type, context.model));
  return Number((await runSql(context.client, sql, params))[0]?.count ?? 0);
}

function resolveRoot(type: TypeModel, args: Record<string, unknown>, context: ExecutionContext, info: GraphQLResolveInfo): Promise<Row[]> {
  return resolveInventoryRoot(type, args.where, context, selectedFields(info));
}

/** A relationship field's rows for `parent`, batched with every other parent the execution resolves it for. */
export function resolveInventoryRelation(
  parent: Row,
  field: RelationFieldModel,
  args: Record<string, unknown>,
  context: ExecutionContext,
  info: GraphQLResolveInfo,
): Promise<Row[]> {
  const target = context.model.types.get(field.target)!;
  const fields = selectedFields(info).sort();
  const key = `${info.parentType.name}.${field.name}|${JSON.stringify(args.where ?? null)}|${fields.join(',')}`;
  let loader = context.loaders.get(key);
  if (!loader) {
    const tree = parseWhere(args.where, target, context.model);
    loader = new ChildrenLoader(async (ids) => {
      const { sql, params } = compileSelect(context.model, target, tree, { fields, parents: { foreignKey: field.foreignKey, ids } });
      const byParent = new Map<string, Row[]>();
      for (const row of await runSql(context.client, sql, params)) {
        const id = String(row.__parent);
        const list = byParent.get(id);
        if (list) list.push(row);
        else byParent.set(id, [row]);
      }
      return byParent;
    });
    context.loaders.set(key, loader);
  }
  return loader.children(String(parent.id));
}

/** Resolves a field of an inventory type (Connector.securityContacts batch-loads; scalars read the row), or undefined when `info` is not one. */
export function resolveInventoryField(source: unknown, args: Record<string, unknown>, context: InventoryExecution, info: GraphQLResolveInfo): unknown {
  const field = context.model.types.get(info.parentType.name)?.fields.get(info.fieldName);
  if (field?.kind === 'relation') return resolveInventoryRelation(source as Row, field, args, context, info);
  return defaultFieldResolver(source, args, context, info);
}

const fieldResolver: GraphQLFieldResolver<unknown, ExecutionContext> = (source, args, context, info) => {
  if (info.parentType === info.schema.getQueryType()) {
    const type = context.model.types.get(getNamedType(info.returnType).name)!;
    return resolveRoot(type, args, context, info);
  }
  return resolveInventoryField(source, args, context, info);
};

export interface ExecuteQueryOptions {
  readonly variables?: Readonly<Record<string, unknown>>;
  /** A name for the query's origin (a check file), used in error locations. */
  readonly source?: string;
}

/** Executes an already validated query. Errors are thrown as WardErrors, never returned half-silently. */
export async function executeValidatedQuery(
  client: SqlClient,
  query: ValidatedQuery,
  variables?: Readonly<Record<string, unknown>>,
): Promise<ExecutionResult> {
  const context = inventoryExecution(client);
  const result = await execute({
    schema: buildInventorySchema(),
    document: query.document,
    contextValue: context,
    fieldResolver,
    ...(variables ? { variableValues: variables } : {}),
  });
  const error = result.errors?.[0];
  if (error) {
    const original = error.originalError;
    if (isWardError(original)) {
      const field = original.location?.field;
      throw new WardError(original.code, original.message, {
        hint: original.hint,
        location: { ...locationOf(query.source, error.nodes?.[0]), ...(field ? { field } : {}) },
        cause: original.cause,
      });
    }
    throw fromGraphQLError(error, query.source, 'check the variables given to the query');
  }
  return result;
}

/**
 * Parses, validates and executes a check against the inventory in `client`. Returns the graphql-js result
 * (`data` only: a query that cannot run throws a WardError, so a check can never pass by failing to read).
 */
export async function executeQuery(client: SqlClient, queryText: string, options: ExecuteQueryOptions = {}): Promise<ExecutionResult> {
  return executeValidatedQuery(client, validateQuery(queryText, options.source ?? 'query'), options.variables);
}

/**
 * The ids a root field of a validated query returns, by its compiled SQL alone: what a per-asset check (`eq []`)
 * is judged on, since whatever the check selects below the root never changes which assets the root returns.
 * Skips building a GraphQL result of every item (a tenant of 100,000 subscriptions returns tens of thousands).
 * Returns undefined when the root field carries directives (@skip / @include decide whether it runs at all):
 * the caller then executes the whole query.
 */
export async function executeRootIds(
  client: SqlClient,
  query: ValidatedQuery,
  responseKey: string,
  variables: Readonly<Record<string, unknown>> = {},
): Promise<string[] | undefined> {
  const operation = query.document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const field = operation?.selectionSet.selections.find(
    (selection) => selection.kind === Kind.FIELD && (selection.alias?.value ?? selection.name.value) === responseKey,
  );
  if (!operation || field?.kind !== Kind.FIELD || (field.directives?.length ?? 0) > 0) return undefined;
  const schema = buildInventorySchema();
  const rootField = schema.getQueryType()!.getFields()[field.name.value];
  const model = inventoryStorageModel();
  const type = rootField ? model.types.get(getNamedType(rootField.type).name) : undefined;
  const whereArgument = rootField?.args.find((argument) => argument.name === 'where');
  if (!type || !whereArgument) return undefined;
  const node = field.arguments?.find((argument) => argument.name.value === 'where')?.value;
  // variables as graphql-js would coerce them: a value missing from `variables` is absent, as in execution
  const where = node === undefined ? undefined : valueFromAST(node, whereArgument.type, { ...variables });
  if (node !== undefined && where === undefined) return undefined;
  let tree;
  try {
    tree = parseWhere(where, type, model);
  } catch (error) {
    if (!isWardError(error)) throw error;
    throw new WardError('QUERY_INVALID', error.message, { hint: error.hint, location: locationOf(query.source, node, error.location?.field) });
  }
  const { sql, params } = compileSelect(model, type, tree, { fields: [] });
  return (await runSql(client, sql, params)).map((row) => String(row.id));
}
