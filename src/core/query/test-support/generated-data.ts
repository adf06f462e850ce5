/**
 * Generated data for the property and differential tests: random inventories (connectors with 0–3 contacts,
 * every optional field missing, null, "" or a pooled value) and a deeper "gadget" schema with numbers, an integer
 * list and relationships two levels down, with its tables and a loader.
 */
import fc from 'fast-check';
import type { Inventory, SecurityContactRecord } from '../../model.js';
import type { SqlClient } from '../../sql-client.js';
import { deriveStorageModel, typeModel, type ScalarFieldModel, type StorageModel, type TypeModel } from '../inventory-schema.js';
import { quoteIdentifier } from '../sql-printer.js';
import { TEXT_POOL, fieldValueArbitrary } from './where-arbitrary.js';

function optionalFields(type: TypeModel, skip: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fields.values()) {
    if (field.kind !== 'scalar' || skip.includes(field.name)) continue;
    record[field.name] = fieldValueArbitrary(field, { nullable: !field.list });
  }
  return fc.record(record);
}

/** Random inventories of the inventory schema (`model`), up to `maxConnectors` subscriptions. */
export function inventoryArbitrary(model: StorageModel, maxConnectors = 5): fc.Arbitrary<Inventory> {
  const Connector = typeModel(model, 'Connector');
  const Contact = typeModel(model, 'SecurityContact');
  const connectorFields = optionalFields(Connector, ['id', 'type', 'provider', 'subscriptionId']);
  const contactFields = optionalFields(Contact, ['id', 'type', 'provider', 'connectorId', 'apiVersion']);
  return fc
    .uniqueArray(fc.constantFrom(...TEXT_POOL), { maxLength: maxConnectors })
    .chain((ids) => fc.tuple(...ids.map((id) => fc.tuple(fc.constant(id), connectorFields, fc.array(contactFields, { maxLength: 3 })))))
    .map((entries) => ({
      // the read error is one object on the record and two columns in the store
      connectors: entries.map(([id, { readErrorCode, readErrorMessage, ...fields }]) => {
        const readError = typeof readErrorCode === 'string' ? { code: readErrorCode, message: typeof readErrorMessage === 'string' ? readErrorMessage : '' } : null;
        return { ...fields, id, provider: 'azure' as const, subscriptionId: id, tags: {}, readError } as never;
      }),
      securityContacts: entries.flatMap(([id, , contacts]) =>
        contacts.map(
          (fields, index) =>
            // `enabled` is non-null (Boolean!): the store defaults it, so the record does too
            ({ ...fields, enabled: fields.enabled ?? true, id: `${id}#${index}`, connectorId: id, apiVersion: '2020-01-01-preview', raw: {} }) as unknown as SecurityContactRecord,
        ),
      ),
    }));
}

/** A deeper schema than the inventory's: numbers, an integer list, and relationships two levels down. */
export const GADGET_SDL = `
directive @table(name: String!) on OBJECT
directive @column(name: String!) on FIELD_DEFINITION
directive @relation(foreignKey: String!) on FIELD_DEFINITION
directive @json on FIELD_DEFINITION
scalar JSON
type Gadget @table(name: "gadgets") {
  id: ID!
  label: String
  size: Int
  weight: Float
  active: Boolean
  codes: [Int!]
  meta: JSON @json
  parts: [Part!]! @relation(foreignKey: "gadget_id")
}
type Part @table(name: "gadget_parts") {
  id: ID!
  gadgetId: String!
  kind: String @column(name: "part_kind")
  size: Int
  screws: [Screw!]! @relation(foreignKey: "part_id")
}
type Screw @table(name: "screws") {
  id: ID!
  partId: String!
  length: Float
}
`;

export const GADGET_TABLES = `
  CREATE TABLE gadgets (id text PRIMARY KEY, label text, size integer, weight double precision, active boolean, codes integer[], meta jsonb);
  CREATE TABLE gadget_parts (id text PRIMARY KEY, gadget_id text NOT NULL REFERENCES gadgets(id) ON DELETE CASCADE, part_kind text, size integer);
  CREATE TABLE screws (id text PRIMARY KEY, part_id text NOT NULL REFERENCES gadget_parts(id) ON DELETE CASCADE, length double precision);`;

export const gadgetModel = (): StorageModel => deriveStorageModel(GADGET_SDL);

export interface GadgetRows {
  readonly gadgets: Record<string, unknown>[];
  readonly gadgetParts: Record<string, unknown>[];
  readonly screws: Record<string, unknown>[];
}

function scalarFields(type: TypeModel): ScalarFieldModel[] {
  return [...type.fields.values()].filter((f): f is ScalarFieldModel => f.kind === 'scalar');
}

/** Random gadgets with 0–3 parts of 0–2 screws, every field missing, null or pooled. */
export function gadgetRowsArbitrary(model: StorageModel): fc.Arbitrary<GadgetRows> {
  const [Gadget, Part, Screw] = ['Gadget', 'Part', 'Screw'].map((name) => typeModel(model, name)) as [TypeModel, TypeModel, TypeModel];
  const fields = (type: TypeModel, skip: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
    fc.record(Object.fromEntries(scalarFields(type).filter((f) => !skip.includes(f.name)).map((f) => [f.name, fieldValueArbitrary(f, { nullable: true })])));
  return fc
    .uniqueArray(fc.constantFrom(...TEXT_POOL), { maxLength: 4 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.tuple(fc.constant(id), fields(Gadget, ['id']), fc.array(fc.tuple(fields(Part, ['id', 'gadgetId']), fc.array(fields(Screw, ['id', 'partId']), { maxLength: 2 })), { maxLength: 3 })),
        ),
      ),
    )
    .map((entries) => {
      const parts: Record<string, unknown>[] = [];
      const screws: Record<string, unknown>[] = [];
      for (const [id, , partList] of entries) {
        partList.forEach(([part, screwList], p) => {
          parts.push({ ...part, id: `${id}/p${p}`, gadgetId: id });
          screwList.forEach((screw, s) => screws.push({ ...screw, id: `${id}/p${p}/s${s}`, partId: `${id}/p${p}` }));
        });
      }
      return { gadgets: entries.map(([id, gadget]) => ({ ...gadget, id })), gadgetParts: parts, screws };
    });
}

const SQL_TYPES = { String: 'text', ID: 'text', Int: 'integer', Float: 'double precision', Boolean: 'boolean' } as const;

/** Replaces the gadget tables' rows (created with GADGET_TABLES) with `rows`. */
export async function loadGadgets(client: SqlClient, model: StorageModel, rows: GadgetRows): Promise<void> {
  await client.query('DELETE FROM gadgets');
  for (const [name, list] of [['Gadget', rows.gadgets], ['Part', rows.gadgetParts], ['Screw', rows.screws]] as const) {
    const type = typeModel(model, name);
    const columns = scalarFields(type);
    const shape = columns.map((f) => `${quoteIdentifier(f.column)} ${SQL_TYPES[f.scalar]}${f.list ? '[]' : ''}`).join(', ');
    const names = columns.map((f) => quoteIdentifier(f.column)).join(', ');
    const json = list.map((row) => Object.fromEntries(columns.map((f) => [f.column, row[f.name] ?? null])));
    await client.query(`INSERT INTO ${quoteIdentifier(type.table)} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::text::jsonb) AS r(${shape})`, [JSON.stringify(json)]);
  }
}
