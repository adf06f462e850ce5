import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Capture } from '../../core/inventory/capture.js';
import { explainReadError, normaliseCapture } from '../../core/inventory/normalise-capture.js';
import { startEmulator } from '../../emulator/start-emulator.js';
import { errorBodyOfUnreadableAnswer } from './arm-client.js';
import { collectCapture } from './collect-capture.js';
import { connectArm } from './connect-arm.js';

const ALLOWED = '00000000-0000-4000-8000-000000000001';
const DENIED = '00000000-0000-4000-8000-000000000002';

function deniedCapture(): Capture {
  const subscription = (id: string): object => ({ id: `/subscriptions/${id}`, subscriptionId: id, tenantId: 'tenant-under-test', displayName: id.slice(-1), state: 'Enabled', tags: {} });
  return {
    subscriptions: { body: { value: [subscription(ALLOWED), subscription(DENIED)] }, source: 'test' },
    securityContacts: new Map([
      [ALLOWED, { body: { value: [] }, source: 'test' }],
      [DENIED, { body: { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform this action.' } }, source: 'test' }],
    ]),
  };
}

const ROLE = /Security Reader or Reader role on the subscription/;

test('a 403 whose body was cut short keeps its code, so the read error still names the role it needs', async () => {
  const emulator = await startEmulator({
    capture: deniedCapture(),
    scriptedFaults: [{ pathIncludes: `/subscriptions/${DENIED}/providers/Microsoft.Security/securityContacts`, kind: 'truncated', times: 10 }],
  });
  try {
    const { client } = connectArm({ env: emulator.environment, ca: emulator.caPem, retryDelayMs: 5 });
    const answer = await client.get(`/subscriptions/${DENIED}/providers/Microsoft.Security/securityContacts?api-version=2023-12-01-preview`);
    assert.equal(answer.status, 403);
    assert.ok(answer.parseError, 'the body was not JSON');
    const error = (answer.body as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'AuthorizationFailed');
    assert.match(error.message, /^The cli… \[ARM answered HTTP 403 with a body that is not JSON \(cut short\?: /);

    const inventory = normaliseCapture(await collectCapture({ env: emulator.environment, ca: emulator.caPem, retryDelayMs: 5 }));
    const denied = inventory.connectors.find((connector) => connector.id === `/subscriptions/${DENIED}`);
    assert.equal(denied?.readError?.code, 'AuthorizationFailed');
    assert.match(denied?.readError?.message ?? '', ROLE);
  } finally {
    await emulator.close();
  }
});

test('a failed answer with an empty body, or one cut before its code, is named after its status, which still explains it', () => {
  const early = errorBodyOfUnreadableAnswer(403, '{"err', 'Unexpected end of JSON input');
  assert.deepEqual(early, { error: { code: 'Forbidden', message: '[ARM answered HTTP 403 with a body that is not JSON (cut short?: Unexpected end of JSON input)]' } });
  assert.match(explainReadError(early.error).message, ROLE);
  const empty = errorBodyOfUnreadableAnswer(403, '', undefined);
  assert.equal(empty.error.code, 'Forbidden');
  assert.match(explainReadError(empty.error).message, ROLE);
  assert.equal(errorBodyOfUnreadableAnswer(502, '<html>Bad Gateway</html>', 'Unexpected token <').error.code, 'BadGateway');
  assert.equal(errorBodyOfUnreadableAnswer(599, '', undefined).error.code, 'HttpStatus599');
  // a whole message survived the cut: no ellipsis, and escapes decoded
  const whole = errorBodyOfUnreadableAnswer(403, '{"error":{"code":"AuthorizationFailed","message":"no \\"read\\" access","tar', 'Unexpected end');
  assert.equal(whole.error.message, 'no "read" access [ARM answered HTTP 403 with a body that is not JSON (cut short?: Unexpected end)]');
});
