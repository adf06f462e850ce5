/**
 * The inventory schema: `schema/inventory.graphql` read once, turned into
 *  - a storage model (which table and column holds each type and field, how relationships join), and
 *  - the executable GraphQLSchema checks are validated and run against: the SDL's types, the generated
 *    `<Type>Where` inputs of the filter dialect, and one root field per stored type.
 * Pure: the SDL ships as a module (inventory-sdl.ts, generated from the .graphql file), so nothing here reads a
 * file; the model and the schema are built once, when the module loads, and never change.
 */
import {
  Kind,
  buildASTSchema,
  concatAST,
  parse,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';
import { WardError } from '../errors.js';
import { INVENTORY_SDL } from './inventory-sdl.js';
import { RELATION_SUFFIXES, suffixesFor, type FilterableKind } from './where-operators.js';

export type ScalarTypeName = 'String' | 'ID' | 'Int' | 'Float' | 'Boolean';

/** A column holding a scalar, or a list of scalars (`emails: [String!]!` is a `text[]` column). */
export interface ScalarFieldModel {
  readonly kind: 'scalar';
  readonly name: string;
  readonly column: string;
  readonly scalar: ScalarTypeName;
  readonly list: boolean;
  readonly filter: FilterableKind;
}

/** A JSON value returned as stored; it has no filter operators. */
export interface JsonFieldModel {
  readonly kind: 'json';
  readonly name: string;
  readonly column: string;
}

/** A list of rows of `target` whose `foreignKey` column holds this row's id. */
export interface RelationFieldModel {
  readonly kind: 'relation';
  readonly name: string;
  readonly target: string;
  readonly foreignKey: string;
}

export type FieldModel = ScalarFieldModel | JsonFieldModel | RelationFieldModel;

export interface TypeModel {
  /** GraphQL type name, e.g. `Connector`. */
  readonly name: string;
  readonly table: string;
  /** The root query field listing this type, e.g. `connectors` (the table name in camelCase). */
  readonly rootField: string;
  /** The where input type's name, e.g. `ConnectorWhere`. */
  readonly whereType: string;
  readonly fields: ReadonlyMap<string, FieldModel>;
}

export interface StorageModel {
  readonly types: ReadonlyMap<string, TypeModel>;
}

const SCALARS: ReadonlySet<string> = new Set<ScalarTypeName>(['String', 'ID', 'Int', 'Float', 'Boolean']);
const FILTER_KIND: Readonly<Record<ScalarTypeName, FilterableKind>> = {
  String: 'text',
  ID: 'text',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
};

export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function directiveArgument(directives: readonly ConstDirectiveNode[] | undefined, directive: string, argument: string): string | undefined {
  const node = directives?.find((d) => d.name.value === directive);
  if (!node) return undefined;
  const value = node.arguments?.find((a) => a.name.value === argument)?.value;
  if (value?.kind !== Kind.STRING) {
    throw new WardError('QUERY_INVALID', `@${directive} needs a string argument "${argument}"`, { hint: 'fix schema/inventory.graphql' });
  }
  return value.value;
}

function hasDirective(directives: readonly ConstDirectiveNode[] | undefined, directive: string): boolean {
  return directives?.some((d) => d.name.value === directive) ?? false;
}

interface UnwrappedType {
  readonly name: string;
  readonly list: boolean;
}

function unwrap(type: TypeNode): UnwrappedType {
  let list = false;
  let current = type;
  for (;;) {
    if (current.kind === Kind.NON_NULL_TYPE) current = current.type;
    else if (current.kind === Kind.LIST_TYPE) {
      list = true;
      current = current.type;
    } else return { name: current.name.value, list };
  }
}

function tableTypes(document: DocumentNode): ObjectTypeDefinitionNode[] {
  return document.definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && hasDirective(d.directives, 'table'),
  );
}

function fieldModel(typeName: string, field: FieldDefinitionNode, tables: ReadonlySet<string>): FieldModel {
  const name = field.name.value;
  const column = directiveArgument(field.directives, 'column', 'name') ?? snakeCase(name);
  const where = `${typeName}.${name}`;
  if (hasDirective(field.directives, 'json')) return { kind: 'json', name, column };
  const type = unwrap(field.type);
  const foreignKey = directiveArgument(field.directives, 'relation', 'foreignKey');
  if (foreignKey !== undefined) {
    if (!type.list || !tables.has(type.name)) {
      throw new WardError('QUERY_INVALID', `${where}: @relation needs a list of a @table type`, { hint: 'fix schema/inventory.graphql' });
    }
    return { kind: 'relation', name, target: type.name, foreignKey };
  }
  if (!SCALARS.has(type.name)) {
    throw new WardError('QUERY_INVALID', `${where}: type ${type.name} is neither a built-in scalar, @json nor a @relation`, {
      hint: 'fix schema/inventory.graphql',
    });
  }
  const scalar = type.name as ScalarTypeName;
  return { kind: 'scalar', name, column, scalar, list: type.list, filter: type.list ? 'list' : FILTER_KIND[scalar] };
}

/** The storage model of an inventory SDL: tables from @table, columns from @column or snake_case, joins from @relation. */
export function deriveStorageModel(sdl: string): StorageModel {
  const document = parse(sdl);
  const definitions = tableTypes(document);
  const tables = new Set(definitions.map((d) => d.name.value));
  const types = new Map<string, TypeModel>();
  for (const definition of definitions) {
    const name = definition.name.value;
    const table = directiveArgument(definition.directives, 'table', 'name')!;
    const fields = new Map<string, FieldModel>();
    for (const field of definition.fields ?? []) fields.set(field.name.value, fieldModel(name, field, tables));
    const id = fields.get('id');
    if (id?.kind !== 'scalar' || id.list) {
      throw new WardError('QUERY_INVALID', `${name} has no scalar "id" field`, { hint: 'every @table type needs an id: ID!' });
    }
    types.set(name, { name, table, rootField: camelCase(table), whereType: `${name}Where`, fields });
  }
  return { types };
}

function whereInputSdl(type: TypeModel, model: StorageModel): string {
  const lines: string[] = [];
  for (const field of type.fields.values()) {
    if (field.kind === 'json') continue;
    if (field.kind === 'relation') {
      const target = model.types.get(field.target)!;
      for (const { suffix, deprecatedFor } of RELATION_SUFFIXES) {
        const deprecated = deprecatedFor ? ` @deprecated(reason: "Use ${field.name}${deprecatedFor} (${field.name}${suffix} is the @neo4j/graphql 4.x/5.x spelling, removed in 6.x)")` : '';
        lines.push(`  ${field.name}${suffix}: ${target.whereType}${deprecated}`);
      }
      continue;
    }
    const graphqlType = field.scalar;
    for (const entry of suffixesFor(field.filter)) {
      // `_IN` lists accept null items (kept: `x IN [null]` is unknown); list-field equality takes non-null items.
      const inputType = entry.input === 'value' ? graphqlType : field.list ? `[${graphqlType}!]` : `[${graphqlType}]`;
      lines.push(`  ${field.name}${entry.suffix}: ${inputType}`);
    }
  }
  lines.push(`  AND: [${type.whereType}!]`, `  OR: [${type.whereType}!]`, `  NOT: ${type.whereType}`);
  return `"Filter of ${type.name} (the @neo4j/graphql 4.2–6.x where dialect)."\ninput ${type.whereType} {\n${lines.join('\n')}\n}`;
}

function generatedSdl(model: StorageModel): string {
  const inputs = [...model.types.values()].map((type) => whereInputSdl(type, model));
  const roots = [...model.types.values()].map((type) => `  ${type.rootField}(where: ${type.whereType}): [${type.name}!]!`);
  return `${inputs.join('\n\n')}\n\ntype Query {\n${roots.join('\n')}\n}\n`;
}

/** Relationship fields take a `where` argument of their target type, as in @neo4j/graphql. */
function withRelationArguments(document: DocumentNode, model: StorageModel): DocumentNode {
  return visit(document, {
    FieldDefinition(node): FieldDefinitionNode | undefined {
      const target = hasDirective(node.directives, 'relation') ? model.types.get(unwrap(node.type).name) : undefined;
      if (!target || node.arguments?.some((a) => a.name.value === 'where')) return undefined;
      const argument: InputValueDefinitionNode = {
        kind: Kind.INPUT_VALUE_DEFINITION,
        name: { kind: Kind.NAME, value: 'where' },
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: target.whereType } },
      };
      return { ...node, arguments: [...(node.arguments ?? []), argument] };
    },
  });
}

/** The executable schema of an inventory SDL (pure: the caller supplies the text). */
export function buildSchemaFromSdl(sdl: string, model: StorageModel = deriveStorageModel(sdl)): GraphQLSchema {
  const document = concatAST([withRelationArguments(parse(sdl), model), parse(generatedSdl(model))]);
  return buildASTSchema(document);
}

/**
 * The model and the schema of schema/inventory.graphql, built on first use and then kept: both never change, and
 * building the schema costs a cold process tens of milliseconds that commands which never query should not pay.
 */
let inventoryModel: StorageModel | undefined;
let inventorySchema: GraphQLSchema | undefined;

/** The text of schema/inventory.graphql. */
export function inventorySdl(): string {
  return INVENTORY_SDL;
}

/** The storage model of schema/inventory.graphql. */
export function inventoryStorageModel(): StorageModel {
  inventoryModel ??= deriveStorageModel(INVENTORY_SDL);
  return inventoryModel;
}

/** The executable inventory schema. */
export function buildInventorySchema(): GraphQLSchema {
  inventorySchema ??= buildSchemaFromSdl(INVENTORY_SDL, inventoryStorageModel());
  return inventorySchema;
}

/** The type model of a GraphQL type name, or a WardError naming it. */
export function typeModel(model: StorageModel, typeName: string): TypeModel {
  const type = model.types.get(typeName);
  if (!type) throw new WardError('QUERY_INVALID', `${typeName} is not a stored inventory type`, { hint: `stored types: ${[...model.types.keys()].join(', ')}` });
  return type;
}
