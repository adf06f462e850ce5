import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { findBicepCompiler } from '../bicep-compiler.js';
import { closeFixtureStore, FIXTURES, scanFixtures, verdicts } from '../test-support/scan-fixtures.js';

describe('bicep format', () => {
  after(closeFixtureStore);

  it('compiles with the bicep found on PATH and maps findings back to the .bicep lines', async () => {
    const compiler = await findBicepCompiler({ PATH: path.join(FIXTURES, 'bicep', 'bin') });
    assert.ok(compiler, 'the fake compiler is found on PATH');
    const result = await scanFixtures(['bicep'], { compileBicep: compiler.compile });
    assert.deepEqual(verdicts(result), [
      "pass bicep/main.bicep:10 Microsoft.Security/securityContacts 'default'",
      "fail bicep/main.bicep:23 Microsoft.Security/securityContacts 'default1'",
    ]);
    assert.equal(result.findings[0]?.format, 'bicep');
    assert.ok(result.findings[1]?.notes?.some((note) => /2017-08-01-preview is obsolete/.test(note)));
  });

  it('reports compiler errors with their line and column', async () => {
    const compiler = await findBicepCompiler({ PATH: path.join(FIXTURES, 'bicep', 'bin') });
    const result = await scanFixtures(['bicep-broken'], { compileBicep: compiler?.compile });
    assert.deepEqual(result.errors, [
      { file: 'bicep-broken/broken.bicep', line: 3, column: 7, message: 'Bicep BCP018: Expected the "=" character at this location. [https://aka.ms/bicep/core-diagnostics#BCP018]' },
    ]);
  });

  it('finds no compiler on an empty PATH, and refuses .bicep files without one', async () => {
    assert.equal(await findBicepCompiler({ PATH: path.join(FIXTURES, 'arm') }), undefined);
    await assert.rejects(scanFixtures(['bicep/main.bicep']), /no Bicep compiler on PATH/);
  });
});
