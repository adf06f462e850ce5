import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contactAddressMessage } from './contact-address-message.js';
import { knownValue, unknownValue } from './resolved-value.js';

describe('contactAddressMessage', () => {
  const judge = (value: unknown) => contactAddressMessage('emails', knownValue(value)).status;

  it('passes one or more valid addresses split on ; or ,', () => {
    assert.equal(judge('secops@contoso.com'), 'pass');
    assert.equal(judge('secops@contoso.com; soc@contoso.com'), 'pass');
    assert.equal(judge('secops@contoso.com,soc@contoso.com,'), 'pass');
  });

  it('fails missing, null, empty, blank and non-string values', () => {
    assert.equal(contactAddressMessage('emails', undefined).status, 'fail');
    for (const value of [null, undefined, '', '   ', ' ; , ', 42, ['secops@contoso.com'], { a: 1 }]) assert.equal(judge(value), 'fail', JSON.stringify(value));
  });

  it('fails when any address is malformed, naming it', () => {
    const verdict = contactAddressMessage('emails', knownValue('secops@contoso.com;not-an-address'));
    assert.equal(verdict.status, 'fail');
    assert.match(verdict.message, /"not-an-address"/);
    assert.equal(judge('Sec Ops <secops@contoso.com>'), 'fail');
    assert.equal(judge('secops@localhost'), 'fail');
  });

  it('is unknown, never a pass, when the value is not known before deployment, and says why', () => {
    const verdict = contactAddressMessage('email', unknownValue('read from a data source'));
    assert.deepEqual(verdict, { status: 'unknown', message: '`email` cannot be resolved statically: read from a data source' });
  });

  it('names where a value came from', () => {
    assert.match(contactAddressMessage('email', knownValue('', 'var.email in prod.tfvars')).message, /from var\.email in prod\.tfvars/);
  });
});
