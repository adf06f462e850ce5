import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWardError } from '../core/errors.js';
import { cronMatches, nextCronRun, parseScheduleCron } from './schedule-cron.js';

const at = (iso: string): Date => new Date(iso);

test('"0 6 * * *": 06:00 UTC every day, whatever the seconds; nothing else', () => {
  const daily = parseScheduleCron('  0   6 * *  * ');
  assert.equal(daily.expression, '0 6 * * *');
  assert.equal(cronMatches(daily, at('2026-12-02T06:00:00Z')), true);
  assert.equal(cronMatches(daily, at('2026-12-02T06:00:59.999Z')), true);
  assert.equal(cronMatches(daily, at('2026-12-02T06:01:00Z')), false);
  assert.equal(cronMatches(daily, at('2026-12-02T07:00:00+01:00')), true, 'UTC, not the local zone');
  assert.equal(nextCronRun(daily, at('2026-12-02T05:59:30Z'))?.toISOString(), '2026-12-02T06:00:00.000Z');
  assert.equal(nextCronRun(daily, at('2026-12-02T06:00:00Z'))?.toISOString(), '2026-12-03T06:00:00.000Z', 'strictly after');
});

test('"*/15 * * * 1-5": every quarter hour on weekdays', () => {
  const quarter = parseScheduleCron('*/15 * * * 1-5');
  assert.equal(cronMatches(quarter, at('2026-12-04T13:45:00Z')), true, 'Friday');
  assert.equal(cronMatches(quarter, at('2026-12-04T13:46:00Z')), false);
  assert.equal(cronMatches(quarter, at('2026-12-05T13:45:00Z')), false, 'Saturday');
  assert.equal(nextCronRun(quarter, at('2026-12-04T23:50:00Z'))?.toISOString(), '2026-12-07T00:00:00.000Z', 'Monday');
});

test('day of month and day of week both given: either matches (cron\'s rule); 7 is Sunday', () => {
  const either = parseScheduleCron('0 0 1 * 0');
  assert.equal(cronMatches(either, at('2026-12-01T00:00:00Z')), true, 'the 1st, a Tuesday');
  assert.equal(cronMatches(either, at('2026-12-06T00:00:00Z')), true, 'a Sunday');
  assert.equal(cronMatches(either, at('2026-12-02T00:00:00Z')), false);
  assert.equal(cronMatches(parseScheduleCron('0 0 * * 7'), at('2026-12-06T00:00:00Z')), true);
  assert.equal(nextCronRun(parseScheduleCron('0 0 29 2 *'), at('2026-12-02T00:00:00Z'))?.toISOString(), '2028-02-29T00:00:00.000Z');
  assert.equal(nextCronRun(parseScheduleCron('0 0 30 2 *'), at('2026-12-02T00:00:00Z')), undefined, '30 February never comes');
});

function refused(expression: string, message: RegExp, hint = /five fields, UTC/): void {
  assert.throws(
    () => parseScheduleCron(expression),
    (error: unknown) => {
      assert.ok(isWardError(error), String(error));
      assert.equal(error.code, 'USAGE');
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /parseCronItem/);
      assert.match(error.hint ?? '', hint);
      return true;
    },
  );
}

test('a bad expression names the field that is wrong and the values it takes', () => {
  refused('* * *', /^--cron "\* \* \*": a cron expression has 5 fields, this one has 3$/);
  refused('', /has 5 fields, this one has 0/);
  refused('0 6 * * * *', /has 5 fields, this one has 6/);
  refused('@daily', /has 5 fields, this one has 1/);
  refused('60 * * * *', /the minute field is wrong: too large value '60': expected values in the range 0-59/, /minute: 0-59/);
  refused('0 24 * * *', /the hour field is wrong: too large value '24'/, /hour: 0-23/);
  refused('0 6 0 * *', /the day-of-month field is wrong: too small value '0'/, /day-of-month: 1-31/);
  refused('0 6 * 13 *', /the month field is wrong/, /month: 1-12/);
  refused('0 6 * * 8', /the day-of-week field is wrong/, /Sunday is 0/);
  refused('0 6 * * MON', /the day-of-week field "MON" is not numeric/, /names such as MON/);
  refused('5-1 * * * *', /the minute field is wrong: invalid range '5-1'/);
  refused('*/0 * * * *', /the minute field is wrong: invalid wildcard expression '\*\/0'/);
  refused('1-10/2 * * * *', /the minute field is wrong: unsupported syntax '1-10\/2'/);
});
