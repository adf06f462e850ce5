/**
 * Test support: builds a JSON Schema (draft-07, for ajv) of one OCSF event class from OCSF's own source files
 * (the layout of the ocsf/ocsf-schema repository: dictionary.json, categories.json, events/**, objects/*.json,
 * profiles/*.json). The OCSF server compiles the same files into its schema; this does the part a validator needs:
 *
 * - a class's attributes are its `extends` chain's, merged parent first (a child's settings win; enums are merged,
 *   as OCSF merges them), each typed by dictionary.json unless the class or object names its own `type`;
 * - `$include` pulls in a profile's attributes; the attributes of a profile the producer does not apply (and
 *   attributes marked with such a `profile`) are left out, so they are accepted unchecked, never rejected;
 * - `required` attributes are required, `*_id` and other enums are enums, `is_array` is an array, data types carry
 *   their regex, length and range, objects are `definitions` with their required attributes and their
 *   `at_least_one` / `just_one` constraints;
 * - the `datetime` profile adds a `<name>_dt` (datetime_t) beside every timestamp_t attribute, as OCSF does;
 * - `class_uid`, `category_uid` and `type_uid` are the class's own values (category uid × 1000 + class uid,
 *   class_uid × 100 + activity_id).
 *
 * Unknown attributes are allowed: OCSF does not forbid them. An object type whose file is not in the source folder
 * is checked only as an object and listed in `$comment`, as is an attribute the dictionary excerpt does not type.
 *
 * Usage (see docs/ocsf.md):
 *   node --import tsx src/reporters/test-support/build-ocsf-schema.ts <source-dir> [--class compliance_finding]
 *     [--profiles cloud,datetime] [--out src/reporters/test-data/ocsf-2003.schema.json]
 * <source-dir> may hold a sources.json ({repository, ocsfVersion, note, files: {path: commit}}) that the
 * schema's `$comment` quotes.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;
type JsonSchema = Record<string, unknown>;

interface EnumValue {
  readonly caption?: string;
}

/** One attribute as a class or object declares it (the fields the builder reads). */
interface AttributeSpec {
  readonly requirement?: string;
  readonly type?: string;
  readonly is_array?: boolean;
  readonly enum?: Record<string, EnumValue>;
  readonly profile?: string | null;
  readonly caption?: string;
}

interface Definition {
  readonly name: string;
  readonly caption?: string;
  readonly extends?: string;
  readonly category?: string;
  readonly uid?: number;
  readonly attributes: Record<string, AttributeSpec>;
  readonly constraints?: { readonly at_least_one?: readonly string[]; readonly just_one?: readonly string[] };
}

export interface OcsfBuildOptions {
  /** The class's `name` (its file name without `.json`), e.g. `compliance_finding`. */
  readonly className: string;
  /** The profiles the producer applies (OCSF `metadata.profiles`). */
  readonly profiles: readonly string[];
}

export interface OcsfBuildResult {
  readonly schema: JsonSchema;
  /** Object types referenced but not in the source folder: checked only as objects. */
  readonly unexpandedObjects: readonly string[];
  /** Attributes with no dictionary entry in the source folder: accepted with any value. */
  readonly untypedAttributes: readonly string[];
}

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

function jsonFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? jsonFilesUnder(path) : entry.name.endsWith('.json') ? [path] : [];
  });
}

/** Merges an attribute's settings over another's: later settings win, enums are merged value by value. */
function mergeAttribute(base: AttributeSpec | undefined, over: AttributeSpec): AttributeSpec {
  if (!base) return over;
  const merged: AttributeSpec = { ...base, ...over };
  return base.enum && over.enum ? { ...merged, enum: { ...base.enum, ...over.enum } } : merged;
}

export function buildOcsfClassSchema(sourceDir: string, options: OcsfBuildOptions): OcsfBuildResult {
  const dictionary = readJson(join(sourceDir, 'dictionary.json'));
  const dictAttributes = (dictionary.attributes ?? {}) as Record<string, AttributeSpec>;
  const types = ((dictionary.types as Json | undefined)?.attributes ?? {}) as Record<string, Json>;
  const categories = (readJson(join(sourceDir, 'categories.json')).attributes ?? {}) as Record<string, { uid: number; caption: string }>;

  const classFiles = new Map(jsonFilesUnder(join(sourceDir, 'events')).map((path) => [readJson(path).name as string, path]));
  const objectFile = (name: string) => join(sourceDir, 'objects', `${name}.json`);
  const unexpanded = new Set<string>();
  const untyped = new Set<string>();

  /** The attributes a file declares, with its `$include`d profiles' attributes (only the applied profiles). */
  function ownAttributes(file: Json): Record<string, AttributeSpec> {
    const declared = { ...((file.attributes ?? {}) as Record<string, unknown>) };
    const includes = (declared.$include ?? []) as string[];
    delete declared.$include;
    let result: Record<string, AttributeSpec> = {};
    for (const include of includes) {
      const path = join(sourceDir, include);
      const profileName = include.replace(/^profiles\//, '').replace(/\.json$/, '');
      if (!options.profiles.includes(profileName)) continue;
      if (!existsSync(path)) throw new Error(`${include}: the profile ${profileName} is applied but its file is not in ${sourceDir}`);
      const profile = readJson(path);
      for (const [name, spec] of Object.entries((profile.attributes ?? {}) as Record<string, AttributeSpec>)) {
        result[name] = mergeAttribute(result[name], { ...spec, profile: profileName });
      }
    }
    for (const [name, spec] of Object.entries(declared as Record<string, AttributeSpec>)) result[name] = mergeAttribute(result[name], spec);
    // an attribute of a profile the producer does not apply is not part of its events (`profile: null` opts out)
    result = Object.fromEntries(Object.entries(result).filter(([, spec]) => spec.profile == null || options.profiles.includes(spec.profile)));
    return result;
  }

  /** A class or object with its `extends` chain resolved, parent first. */
  function resolve(file: Json, lookup: (name: string) => Json | undefined, seen: readonly string[] = []): Definition {
    const name = file.name as string;
    if (seen.includes(name)) throw new Error(`${name}: extends itself (${[...seen, name].join(' → ')})`);
    const parentName = file.extends as string | undefined;
    const parentFile = parentName && parentName !== 'object' ? lookup(parentName) : undefined;
    if (parentName && parentName !== 'object' && !parentFile) throw new Error(`${name}: extends ${parentName}, which is not in ${sourceDir}`);
    const parent = parentFile ? resolve(parentFile, lookup, [...seen, name]) : undefined;
    const attributes: Record<string, AttributeSpec> = { ...(parent?.attributes ?? {}) };
    for (const [attribute, spec] of Object.entries(ownAttributes(file))) attributes[attribute] = mergeAttribute(attributes[attribute], spec);
    return {
      name,
      caption: (file.caption as string | undefined) ?? parent?.caption,
      category: (file.category as string | undefined) ?? parent?.category,
      uid: file.uid as number | undefined,
      attributes,
      constraints: (file.constraints as Definition['constraints']) ?? parent?.constraints,
    };
  }

  const definitions: Record<string, JsonSchema> = {};

  /** The JSON Schema of a data type (`string_t`, `timestamp_t`, `port_t`…), following its base types. */
  function typeSchema(typeName: string): JsonSchema {
    const primitive: Record<string, JsonSchema> = {
      string_t: { type: 'string' },
      integer_t: { type: 'integer' },
      long_t: { type: 'integer' },
      float_t: { type: 'number' },
      boolean_t: { type: 'boolean' },
      json_t: {},
      object: { type: 'object' },
    };
    if (primitive[typeName]) return primitive[typeName]!;
    const type = types[typeName];
    if (!type) {
      untyped.add(`type ${typeName}`);
      return {};
    }
    const base = typeof type.type === 'string' ? typeSchema(type.type) : {};
    return {
      ...base,
      ...(typeof type.regex === 'string' ? { pattern: type.regex } : {}),
      ...(typeof type.max_len === 'number' ? { maxLength: type.max_len } : {}),
      ...(Array.isArray(type.range) ? { minimum: type.range[0], maximum: type.range[1] } : {}),
    };
  }

  /** The schema of one attribute value, an object type becoming a definition (built once). */
  function valueSchema(typeName: string, spec: AttributeSpec): JsonSchema {
    let schema: JsonSchema;
    if (typeName === 'object' || typeName === 'json_t' || typeName in types || typeName.endsWith('_t')) {
      schema = typeSchema(typeName);
    } else if (existsSync(objectFile(typeName))) {
      if (!(typeName in definitions)) {
        definitions[typeName] = {}; // placeholder: objects may refer to themselves
        definitions[typeName] = objectSchema(resolve(readJson(objectFile(typeName)), (name) => (existsSync(objectFile(name)) ? readJson(objectFile(name)) : undefined)));
      }
      schema = { $ref: `#/definitions/${typeName}` };
    } else {
      unexpanded.add(typeName);
      schema = { type: 'object' };
    }
    if (spec.enum) {
      const values = Object.keys(spec.enum);
      schema = { ...schema, enum: schema.type === 'integer' ? values.map(Number) : values };
    }
    return spec.is_array ? { type: 'array', items: schema } : schema;
  }

  /** Properties and required attributes of a class or object. */
  function propertiesOf(definition: Definition): { properties: Record<string, JsonSchema>; required: string[] } {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [name, declared] of Object.entries(definition.attributes).sort(([a], [b]) => a.localeCompare(b))) {
      const dictionaryEntry = dictAttributes[name];
      const spec = mergeAttribute(dictionaryEntry, declared);
      const typeName = declared.type ?? dictionaryEntry?.type;
      if (!typeName) {
        untyped.add(`${definition.name}.${name}`);
        properties[name] = {};
      } else {
        properties[name] = valueSchema(typeName, spec);
        if (options.profiles.includes('datetime') && typeName === 'timestamp_t' && !(`${name}_dt` in definition.attributes)) {
          properties[`${name}_dt`] = spec.is_array ? { type: 'array', items: typeSchema('datetime_t') } : typeSchema('datetime_t');
        }
      }
      if (declared.requirement === 'required') required.push(name);
    }
    return { properties, required };
  }

  function objectSchema(definition: Definition): JsonSchema {
    const { properties, required } = propertiesOf(definition);
    const atLeastOne = definition.constraints?.at_least_one;
    const justOne = definition.constraints?.just_one;
    return {
      title: definition.caption,
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      ...(atLeastOne ? { anyOf: atLeastOne.map((name) => ({ required: [name] })) } : {}),
      ...(justOne ? { oneOf: justOne.map((name) => ({ required: [name] })) } : {}),
    };
  }

  const classPath = classFiles.get(options.className);
  if (!classPath) throw new Error(`${options.className}: no event class of that name under ${join(sourceDir, 'events')}`);
  const eventClass = resolve(readJson(classPath), (name) => (classFiles.has(name) ? readJson(classFiles.get(name)!) : undefined));
  const category = eventClass.category ? categories[eventClass.category] : undefined;
  if (!category || eventClass.uid === undefined) throw new Error(`${options.className}: its category or uid is missing (category ${eventClass.category ?? 'none'})`);
  const classUid = category.uid * 1000 + eventClass.uid;
  const activityIds = Object.keys({ ...(dictAttributes.activity_id?.enum ?? {}), ...(eventClass.attributes.activity_id?.enum ?? {}) }).map(Number);

  const { properties, required } = propertiesOf(eventClass);
  properties.class_uid = { type: 'integer', enum: [classUid] };
  properties.category_uid = { type: 'integer', enum: [category.uid] };
  properties.type_uid = { type: 'integer', enum: activityIds.sort((a, b) => a - b).map((id) => classUid * 100 + id) };

  return {
    schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: `OCSF ${eventClass.caption} (class_uid ${classUid})`,
      type: 'object',
      properties,
      required,
      definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
    },
    unexpandedObjects: [...unexpanded].sort(),
    untypedAttributes: [...untyped].sort(),
  };
}

/** The schema file as committed: `$comment` first, naming the OCSF version and the source commits. */
export function ocsfSchemaDocument(sourceDir: string, options: OcsfBuildOptions): JsonSchema {
  const { schema, unexpandedObjects, untypedAttributes } = buildOcsfClassSchema(sourceDir, options);
  const sourcesPath = join(sourceDir, 'sources.json');
  const sources = existsSync(sourcesPath) ? readJson(sourcesPath) : {};
  const files = (sources.files ?? {}) as Record<string, string>;
  const comment = [
    `Generated by src/reporters/test-support/build-ocsf-schema.ts (see docs/ocsf.md); do not edit by hand.`,
    `OCSF ${String(sources.ocsfVersion ?? 'version unknown')}, class ${options.className}, profiles ${options.profiles.join(', ')}.`,
    `Built from ${String(sources.repository ?? 'OCSF source files')}: ${Object.entries(files).map(([file, commit]) => `${file}@${commit.slice(0, 12)}`).join(', ')}.`,
    ...(typeof sources.note === 'string' ? [sources.note] : []),
    `Object types checked only as objects (their files were not in the source folder): ${unexpandedObjects.join(', ') || 'none'}.`,
    `Attributes accepted with any value (no dictionary entry in the source folder): ${untypedAttributes.join(', ') || 'none'}.`,
  ].join(' ');
  return { $comment: comment, ...schema };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at < 0 ? undefined : args.splice(at, 2)[1];
  };
  const className = flag('--class') ?? 'compliance_finding';
  const profiles = (flag('--profiles') ?? 'cloud,datetime').split(',').filter(Boolean);
  const out = flag('--out') ?? fileURLToPath(new URL('../test-data/ocsf-2003.schema.json', import.meta.url));
  const [sourceDir] = args;
  if (!sourceDir) {
    process.stderr.write('usage: build-ocsf-schema.ts <ocsf-source-dir> [--class NAME] [--profiles a,b] [--out FILE]\n');
    process.exit(2);
  }
  writeFileSync(out, `${JSON.stringify(ocsfSchemaDocument(sourceDir, { className, profiles }), null, 2)}\n`);
  process.stdout.write(`wrote ${relative(process.cwd(), out)}\n`);
}
