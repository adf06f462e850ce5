import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { extractArmTemplate } from '../arm-template.js';
import { closeFixtureStore, EMAIL_CONTROL_ID, findingFor, scanFixtures, shippedControls, verdicts } from '../test-support/scan-fixtures.js';

const CONTACT = "Microsoft.Security/securityContacts 'default'";

describe('arm format', () => {
  after(closeFixtureStore);

  it('reads 2017 `email`, with notes for the obsolete api-version and the name default1', async () => {
    const result = await scanFixtures(['arm/contacts-2017.json']);
    assert.deepEqual(verdicts(result), [
      "pass arm/contacts-2017.json:10 Microsoft.Security/securityContacts 'default1'",
      "fail arm/contacts-2017.json:17 Microsoft.Security/securityContacts 'default2'",
    ]);
    const legacy = findingFor(result, "Microsoft.Security/securityContacts 'default1'");
    assert.match(legacy.notes?.[0] ?? '', /2017-08-01-preview is obsolete.*use 2023-12-01-preview: name `default`, `properties.emails` .* joined by `;`/);
    assert.match(legacy.notes?.[1] ?? '', /named `default1`/);
    const wrongField = findingFor(result, "Microsoft.Security/securityContacts 'default2'");
    assert.match(wrongField.message, /`properties\.email` is missing/);
    assert.ok(wrongField.notes?.some((note) => /`properties\.emails` is not read by api-version 2017-08-01-preview/.test(note)));
  });

  it('reads 2020 and 2023 `emails`: empty, null and missing fail, valid lists pass', async () => {
    const result = await scanFixtures(['arm/contacts-2020.json', 'arm/contacts-2023.json']);
    assert.deepEqual(verdicts(result), [
      `fail arm/contacts-2020.json:10 ${CONTACT}`,
      `pass arm/contacts-2023.json:11 ${CONTACT}`,
      `fail arm/contacts-2023.json:22 ${CONTACT}`,
      `fail arm/contacts-2023.json:26 ${CONTACT}`,
    ]);
    assert.deepEqual(
      result.findings.map((finding) => finding.message.split(':')[0]),
      ['`properties.emails` is empty', '`properties.emails` names 2 valid addresses', '`properties.emails` is null', '`properties.emails` is missing'],
    );
    assert.deepEqual(result.findings[1]?.notes, []);
  });

  it('resolves parameters from defaultValue, and unknown without one', async () => {
    const result = await scanFixtures(['arm/parameters.json']);
    assert.deepEqual(verdicts(result), [`pass arm/parameters.json:24 ${CONTACT}`, `unknown arm/parameters.json:32 ${CONTACT}`]);
    assert.match(result.findings[0]?.message ?? '', /from the defaultValue of parameter securityEmails/);
    assert.match(result.findings[1]?.message ?? '', /parameter teamEmails has no defaultValue and no value in a --parameters file/);
  });

  it('lets a --parameters file override defaults, and skips the parameters file itself', async () => {
    const result = await scanFixtures(['arm/parameters.json', 'arm/parameters.parameters.json'], { parameterFiles: ['arm/parameters.parameters.json'] });
    assert.deepEqual(verdicts(result), [`fail arm/parameters.json:24 ${CONTACT}`, `pass arm/parameters.json:32 ${CONTACT}`]);
    assert.match(result.findings[0]?.message ?? '', /empty \(from parameter securityEmails in arm\/parameters\.parameters\.json\)/);
    assert.equal(result.filesScanned, 1);
  });

  it('accepts // and /* */ comments and trailing commas with exact lines', async () => {
    const result = await scanFixtures(['arm/comments.json']);
    assert.deepEqual(verdicts(result), [`pass arm/comments.json:14 ${CONTACT}`]);
    assert.equal(result.findings[0]?.column, 9);
  });

  it('follows nested deployments with inline templates, in outer and inner expression scope', async () => {
    const result = await scanFixtures(['arm/nested.json']);
    assert.deepEqual(verdicts(result), [
      `pass arm/nested.json:24 Microsoft.Resources/deployments 'contacts-outer' > ${CONTACT}`,
      `fail arm/nested.json:59 Microsoft.Resources/deployments 'contacts-inner' > Microsoft.Resources/deployments 'deeper' > ${CONTACT}`,
    ]);
    assert.match(result.findings[0]?.message ?? '', /mg-secops@contoso\.com \(from the defaultValue of parameter securityEmails\)/);
    assert.match(result.findings[1]?.message ?? '', /is empty \(from parameter emails in deployment 'contacts-inner'\)/);
  });

  it('resolves literal variables (and variables naming variables); other expressions are unknown', async () => {
    const result = await scanFixtures(['arm/variables.json', 'arm/symbolic-names.json']);
    assert.deepEqual(verdicts(result), [
      `unknown arm/symbolic-names.json:10 ${CONTACT}`,
      `pass arm/variables.json:14 ${CONTACT}`,
      `unknown arm/variables.json:20 ${CONTACT}`,
      `pass arm/variables.json:26 ${CONTACT}`,
    ]);
    assert.match(result.findings[0]?.message ?? '', /\[format\('\{0\}@contoso\.com', 'secops'\)\] is evaluated only at deployment/);
    assert.match(result.findings[2]?.message ?? '', /variable computed: the expression \[concat/);
  });

  it('warns on subscription aliases deployed without a contact in the same template', async () => {
    const result = await scanFixtures(['arm/landing-zone.json', 'arm/landing-zone-with-contact.json']);
    assert.deepEqual(
      result.warnings.map((warning) => `${warning.file}:${warning.line} ${warning.resource}`),
      ["arm/landing-zone.json:6 Microsoft.Subscription/aliases 'workload-prod'"],
    );
    assert.deepEqual(verdicts(result), [`pass arm/landing-zone-with-contact.json:27 Microsoft.Resources/deployments 'contact' > ${CONTACT}`]);
  });

  it('skips JSON that is not a template silently', async () => {
    assert.deepEqual(await scanFixtures(['arm/not-a-template.json']), { findings: [], warnings: [], errors: [], filesScanned: 0, controls: shippedControls().filter((control) => control.id === EMAIL_CONTROL_ID) });
    assert.equal(extractArmTemplate({ file: 'x.json', text: '{"name": "x", "resources": [{"type": "a"}]}' }).isTemplate, false);
    assert.equal(extractArmTemplate({ file: 'x.json', text: '[1, 2]' }).isTemplate, false);
  });

  it('reports a syntax error with its position and still scans the other templates', async () => {
    const result = await scanFixtures(['arm-syntax-error']);
    assert.deepEqual(result.errors, [{ file: 'arm-syntax-error/broken.json', line: 7, column: 7, message: 'JSON syntax error: comma expected' }]);
    assert.deepEqual(verdicts(result), [`pass arm-syntax-error/good.json:4 ${CONTACT}`]);
  });
});
