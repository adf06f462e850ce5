import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WardError } from '../core/errors.js';
import type { ConnectorRecord, Finding, Inventory, SecurityContactRecord } from '../core/model.js';
import type { CopyColumn } from '../core/sql-client.js';
import { copyChunks, copyLine, copyStatement, inKeyOrder } from './copy-rows.js';
import { replaceInventory } from './inventory-repository.js';
import { insertFindings } from './scan-repository.js';
import type { SqlClient, Store } from './sql-client.js';
import { insertFindingsAsBefore, replaceInventoryAsBefore } from './test-support/recordset-writes.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const target = (columns: readonly CopyColumn[]) => ({ table: 'sample', columns });

describe('COPY text format', () => {
  test('NULL, the empty string and the text "\\N" stay apart', () => {
    const columns: CopyColumn[] = [
      { name: 'a', type: 'text' },
      { name: 'b', type: 'text' },
      { name: 'c', type: 'text' },
      { name: 'd', type: 'text' },
    ];
    assert.equal(copyLine(target(columns), [null, '', '\\N', undefined], 0), '\\N\t\t\\\\N\t\\N\n');
  });

  test('backslash, tab, newline and carriage return are escaped; other characters pass as they are', () => {
    const line = copyLine(target([{ name: 'a', type: 'text' }]), ['a\\b\tc\nd\re "q" \'s\' é 😀 \u2028 \\.'], 0);
    assert.equal(line, 'a\\\\b\\tc\\nd\\re "q" \'s\' é 😀 \u2028 \\\\.\n');
  });

  test('arrays quote every element, so empty strings, NULL, braces and commas stay text', () => {
    const line = copyLine(target([{ name: 'a', type: 'text[]' }, { name: 'b', type: 'text[]' }]), [['', 'NULL', null, 'a,b', '{x}', 'q"uote', 'back\\slash', 'tab\t'], []], 0);
    assert.equal(line, '{"","NULL",NULL,"a,b","{x}","q\\\\"uote","back\\\\\\\\slash","tab\\t"}\t{}\n');
  });

  test('booleans, integers, timestamps and JSON text', () => {
    const columns: CopyColumn[] = [
      { name: 'a', type: 'boolean' },
      { name: 'b', type: 'integer' },
      { name: 'c', type: 'timestamptz' },
      { name: 'd', type: 'jsonb' },
      { name: 'e', type: 'jsonb' },
    ];
    assert.equal(copyLine(target(columns), [false, 42, new Date('2026-01-02T03:04:05Z'), JSON.stringify({ k: 'a\tb\\c\n' }), 'null'], 0), 'f\t42\t2026-01-02T03:04:05.000Z\t{"k":"a\\\\tb\\\\\\\\c\\\\n"}\tnull\n');
  });

  test('NUL characters, lone surrogates and values of the wrong type are refused with the table, column and row', () => {
    const refuses = (type: CopyColumn['type'], value: unknown, pattern: RegExp) =>
      assert.throws(
        () => copyLine(target([{ name: 'col', type }]), [value], 6),
        (error: unknown) => error instanceof WardError && error.code === 'STORE_ERROR' && /^sample\.col of row 7 /.test(error.message) && pattern.test(error.message),
      );
    refuses('text', 'a\0b', /NUL/);
    refuses('text[]', ['ok', 'a\0b'], /NUL/);
    refuses('jsonb', JSON.stringify({ k: 'a\0b' }), /NUL/);
    refuses('jsonb', '{"k":"\\\\\\u0000"}', /NUL/);
    refuses('text', 'a\uD800b', /surrogate/);
    refuses('text', '\uDC00', /surrogate/);
    refuses('text', 3, /text is expected/);
    refuses('jsonb', { k: 1 }, /JSON text/);
    refuses('text[]', [1], /element/);
    refuses('boolean', 'true', /boolean/);
    refuses('integer', 1.5, /integer/);
    refuses('timestamptz', new Date(Number.NaN), /invalid date/);
    // an escaped backslash before u0000 is text, not a NUL; a well-formed surrogate pair is one character
    assert.equal(copyLine(target([{ name: 'col', type: 'jsonb' }]), ['"\\\\u0000"'], 0), '"\\\\\\\\u0000"\n');
    assert.equal(copyLine(target([{ name: 'col', type: 'text' }]), ['😀'], 0), '😀\n');
  });

  test('only plain identifiers become table and column names', () => {
    assert.equal(copyStatement({ table: 'findings', columns: [{ name: 'scan_id', type: 'integer' }] }, 'STDIN'), 'COPY findings (scan_id) FROM STDIN');
    for (const name of ['a b', 'x;drop', '"q"', 'A', '']) {
      assert.throws(() => copyStatement({ table: name, columns: [{ name: 'a', type: 'text' }] }, 'STDIN'), WardError);
      assert.throws(() => copyStatement({ table: 't', columns: [{ name, type: 'text' }] }, "'/dev/blob'"), WardError);
    }
  });

  test('chunks hold whole lines and are bounded; rows are read as chunks are taken', () => {
    let read = 0;
    function* rows() {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield [`row ${i}`];
      }
    }
    const chunks = copyChunks(target([{ name: 'a', type: 'text' }]), rows(), 100);
    const first = chunks.next();
    assert.ok(!first.done && first.value.endsWith('\n') && first.value.length < 100 + 10);
    assert.ok(read < 20, `${read} rows read for the first chunk`);
    const rest = [...chunks];
    assert.equal([first.value, ...rest].join(''), Array.from({ length: 1000 }, (_, i) => `row ${i}\n`).join(''));
  });
});

/** Strings made of the pieces that break encoders: escapes, quotes, separators, NULL spellings, unicode. */
const hostilePiece = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('', '\\', '\t', '\n', '\r', '\r\n', '"', "'", ',', '{', '}', '[', ']', 'NULL', 'null', '\\N', '\\.', ' ', 'é', '😀', '\u2028', '\\u0000', '\\\\u0000', '\b', '\f', '\u007f', '\uFEFF') },
  { weight: 6, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  // what PostgreSQL cannot store: both paths must refuse it
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\uD800', '\uDFFF') },
);
const hostile = fc.array(hostilePiece, { maxLength: 5 }).map((pieces) => pieces.join(''));
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostile,
    fc.constantFrom(null, true, false, 0, -0, 1.5, 1e21, -7),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(hostile, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const inventoryArbitrary: fc.Arbitrary<Inventory> = fc
  .array(
    fc.record({
      key: hostile,
      name: maybe(hostile),
      tenantId: maybe(hostile),
      state: maybe(hostile),
      tags: fc.dictionary(hostile, hostile, { maxKeys: 3 }),
      readError: maybe(fc.record({ code: hostile, message: hostile })),
      connectorName: fc.option(hostile, { nil: undefined }),
      contacts: fc.array(
        fc.record({
          name: hostile,
          email: maybe(hostile),
          emails: fc.array(hostile, { maxLength: 3 }),
          invalidEmails: fc.array(hostile, { maxLength: 2 }),
          phone: maybe(hostile),
          isEnabled: maybe(fc.boolean()),
          alertNotifications: maybe(hostile),
          alertMinimalSeverity: maybe(hostile),
          alertsToAdmins: maybe(hostile),
          notificationsByRole: maybe(fc.record({ state: maybe(hostile), roles: fc.array(hostile, { maxLength: 2 }) })),
          notificationsSources: maybe(fc.array(fc.record({ sourceType: hostile, minimalSeverity: hostile }), { maxLength: 2 })),
          apiVersion: hostile,
          raw: hostileJson,
          enabled: fc.boolean(),
          notifiedRoles: fc.array(hostile, { maxLength: 2 }),
          alertSeverities: fc.array(hostile, { maxLength: 2 }),
          attackPathRiskLevels: fc.array(hostile, { maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((items) => {
    const connectors: ConnectorRecord[] = [];
    const securityContacts: SecurityContactRecord[] = [];
    items.forEach((item, i) => {
      // ids are unique by their index; the rest of each id is hostile text all the same
      const id = `/subscriptions/${i}-${item.key}`;
      const { key, contacts, connectorName, ...fields } = item;
      connectors.push({ id, provider: 'azure', subscriptionId: `${i}${key}`, ...fields, ...(connectorName === undefined ? {} : { connectorName }) });
      contacts.forEach((contact, j) => securityContacts.push({ id: `${id}/providers/Microsoft.Security/securityContacts/${j}-${contact.name}`, connectorId: id, ...contact }));
    });
    return { connectors, securityContacts };
  });

const findingsArbitrary: fc.Arbitrary<Finding[]> = fc
  .array(
    fc.record({
      controlId: hostile,
      checkId: hostile,
      assetId: hostile,
      assetName: maybe(hostile),
      status: fc.constantFrom('pass', 'fail', 'error', 'excepted', 'skipped') as fc.Arbitrary<Finding['status']>,
      reason: hostile,
      severity: fc.constantFrom('low', 'medium', 'high', 'critical') as fc.Arbitrary<Finding['severity']>,
      originalStatus: fc.option(fc.constantFrom('fail', 'pass') as fc.Arbitrary<Finding['status']>, { nil: undefined }),
      originalReason: fc.option(hostile, { nil: undefined }),
      exception: fc.option(fc.record({ id: hostile, owner: hostile, reason: hostile, expires: hostile }), { nil: undefined }),
      connector: fc.option(hostile, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((findings) =>
    findings.map((finding, i) => {
      const entries = Object.entries({ ...finding, controlId: `${i}${finding.controlId}` }).filter(([, value]) => value !== undefined);
      return Object.fromEntries(entries) as unknown as Finding;
    }),
  );

/** Every stored row exactly, as PostgreSQL prints the record: NULL and '' differ, jsonb null and SQL NULL differ. */
async function dump(client: SqlClient, table: 'connectors' | 'security_contacts' | 'staged_findings', where = ''): Promise<string[]> {
  const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ${where} ORDER BY 1`);
  return rows.map((r) => r.row);
}

type Outcome = { readonly stored: string[][] } | { readonly refused: true };

async function outcome(write: () => Promise<unknown>, read: () => Promise<string[][]>): Promise<Outcome> {
  try {
    await write();
  } catch {
    return { refused: true };
  }
  return { stored: await read() };
}

const collectedAt = new Date('2026-05-01T12:00:00Z');

for (const kind of TEST_STORE_KINDS) {
  describe(`${kind.name}: copyRows`, { skip: kind.skip }, () => {
    let store: Store;
    before(async () => {
      store = (await kind.open())!;
    });
    after(async () => {
      await store?.close();
    });

    test('hostile inventories: COPY stores exactly what json_to_recordset stored, and refuses what it refused', async () => {
      const read = async () => [await dump(store, 'connectors'), await dump(store, 'security_contacts')];
      let refusals = 0;
      await fc.assert(
        fc.asyncProperty(inventoryArbitrary, fc.option(fc.nat(1000), { nil: null }), async (inventory, scanId) => {
          const before = await outcome(() => replaceInventoryAsBefore(store, inventory, { collectedAt, scanId }), read);
          const stored = await read();
          const now = await outcome(() => replaceInventory(store, inventory, { collectedAt, scanId, scope: 'all' }), read);
          assert.deepEqual(now, before);
          if ('refused' in now) {
            refusals++;
            // a refused write changed nothing
            assert.deepEqual(await read(), stored);
          }
        }),
        { numRuns: kind.name === 'pglite' ? 150 : 100 },
      );
      assert.ok(refusals > 0, 'some runs wrote what PostgreSQL cannot store');
    });

    test('hostile findings: COPY stores exactly what jsonb_to_recordset stored, with and without ignoreExisting', async () => {
      const { rows } = await store.query<{ id: number }>("INSERT INTO scans (started_at, status, source) VALUES (now(), 'running', 'test') RETURNING id");
      const scanId = Number(rows[0]!.id);
      const read = async () => [await dump(store, 'staged_findings', `WHERE scan_id = ${scanId}`)];
      const clear = () => store.query('DELETE FROM staged_findings WHERE scan_id = $1', [scanId]);
      let storedRuns = 0;
      await fc.assert(
        fc.asyncProperty(findingsArbitrary, fc.boolean(), async (findings, ignoreExisting) => {
          await clear();
          const before = await outcome(() => insertFindingsAsBefore(store, scanId, findings), read);
          await clear();
          const now = await outcome(() => insertFindings(store, scanId, findings), read);
          assert.deepEqual(now, before);
          if ('refused' in now) return;
          storedRuns++;
          assert.equal(Number((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM staged_findings WHERE scan_id = $1', [scanId])).rows[0]!.n), findings.length);
          if (!ignoreExisting) return;
          // again, over what is stored: nothing changes; then the half that is missing comes back
          await insertFindings(store, scanId, findings, { ignoreExisting: true });
          assert.deepEqual(await read(), now.stored);
          await store.query('DELETE FROM staged_findings WHERE scan_id = $1 AND control_id = $2', [scanId, findings[0]!.controlId]);
          await insertFindings(store, scanId, findings, { ignoreExisting: true });
          assert.deepEqual(await read(), now.stored);
        }),
        { numRuns: kind.name === 'pglite' ? 100 : 80 },
      );
      assert.ok(storedRuns > 0, 'some runs stored findings');
    });

    test('a row refused in a later chunk leaves nothing stored, in a transaction or in the one copyRows opens', async () => {
      const columns: CopyColumn[] = [{ name: 'scan_id', type: 'integer' }, { name: 'control_id', type: 'text' }, { name: 'check_id', type: 'text' }, { name: 'asset_id', type: 'text' }, { name: 'status', type: 'text' }, { name: 'reason', type: 'text' }, { name: 'severity', type: 'text' }];
      const { rows } = await store.query<{ id: number }>("INSERT INTO scans (started_at, status, source) VALUES (now(), 'running', 'test') RETURNING id");
      const scanId = Number(rows[0]!.id);
      const big = 'x'.repeat(100_000);
      function* findings(): Generator<unknown[]> {
        for (let i = 0; i < 60; i++) yield [scanId, 'c', 'k', `a${i}`, 'pass', i === 59 ? 'NUL \0 here' : big, 'low'];
      }
      const count = async () => Number((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM staged_findings WHERE scan_id = $1', [scanId])).rows[0]!.n);
      await assert.rejects(store.copyRows('staged_findings', columns, findings()), (error: unknown) => error instanceof WardError && /staged_findings\.reason of row 60 holds a NUL/.test(error.message));
      assert.equal(await count(), 0);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.copyRows('staged_findings', columns, findings());
        }),
        WardError,
      );
      assert.equal(await count(), 0);
      // a database error (a duplicate key) also fails the whole load, and the store stays usable
      await assert.rejects(store.copyRows('staged_findings', columns, [[scanId, 'c', 'k', 'a', 'pass', 'r', 'low'], [scanId, 'c', 'k', 'a', 'pass', 'r', 'low']]));
      assert.equal(await count(), 0);
      await store.copyRows('staged_findings', columns, [[scanId, 'c', 'k', 'a', 'pass', 'r', 'low']]);
      assert.equal(await count(), 1);
    });
  });
}

test('inKeyOrder sorts a copy by the key in byte order (the embedded store\'s C collation), leaving the input as it was', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ id: fc.string({ unit: fc.constantFrom('a', 'B', '0', '-', '/', '~', 'é') }), n: fc.nat() }), { maxLength: 60 }), (items) => {
      const original = [...items];
      const sorted = inKeyOrder(items, (item) => item.id);
      assert.deepEqual(items, original, 'the input is not reordered');
      assert.equal(sorted.length, items.length);
      for (let i = 1; i < sorted.length; i++) {
        assert.ok(Buffer.compare(Buffer.from(sorted[i - 1]!.id), Buffer.from(sorted[i]!.id)) <= 0, `${sorted[i - 1]!.id} before ${sorted[i]!.id}`);
      }
      assert.deepEqual([...sorted].sort((a, b) => a.n - b.n || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), [...items].sort((a, b) => a.n - b.n || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), 'the same items');
    }),
  );
});
