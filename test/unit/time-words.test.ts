import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { localTime, readableTimes, timeAgo } from '../../src/util/time-words';
import { workloadWords } from '../../src/util/words';

const AT = '2026-12-07T17:56:12.822Z';
const ms = Date.parse(AT);

describe('localTime', () => {
  it('shows the wall-clock time of the given zone with its UTC offset, then how long ago', () => {
    assert.equal(localTime(AT, { now: ms + 125_000, timeZone: 'Europe/Paris' }), '2026-12-07 18:56:12 UTC+1, 2 min ago');
    assert.equal(localTime(AT, { now: ms + 2_000, timeZone: 'UTC' }), '2026-12-07 17:56:12 UTC, just now');
    assert.equal(localTime(AT, { now: ms, timeZone: 'Asia/Kolkata' }), '2026-12-07 23:26:12 UTC+5:30, just now');
    assert.equal(localTime(AT, { now: ms, timeZone: 'America/New_York' }, false), '2026-12-07 12:56:12 UTC-5');
  });

  it('returns a string it cannot read as it is', () => {
    assert.equal(localTime('yesterday', { now: ms }), 'yesterday');
  });
});

describe('timeAgo', () => {
  it('says seconds, minutes, hours and days, and "in …" for a time ahead of the clock', () => {
    assert.equal(timeAgo(ms, ms + 4_000), 'just now');
    assert.equal(timeAgo(ms, ms + 40_000), '40 s ago');
    assert.equal(timeAgo(ms, ms + 90_000), '2 min ago');
    assert.equal(timeAgo(ms, ms + 3 * 3_600_000), '3 h ago');
    assert.equal(timeAgo(ms, ms + 5 * 86_400_000), '5 days ago');
    assert.equal(timeAgo(ms, ms - 120_000), 'in 2 min');
  });
});

describe('workloadWords', () => {
  it('names a workload as kubectl spells it, then its namespace', () => {
    assert.equal(workloadWords({ kind: 'Deployment', name: 'invoicer', namespace: 'billing' }), 'deployment/invoicer in billing');
    assert.equal(workloadWords({ kind: 'CronJob', name: 'settlement' }), 'cronjob/settlement');
  });
});

describe('readableTimes', () => {
  it('writes the ISO times of a summary or evidence value in local time, but not those of a quoted log excerpt', () => {
    const clock = { now: Date.parse('2026-12-07T20:15:36Z'), timeZone: 'Europe/Paris' };
    assert.equal(
      readableTimes('in pod api-1, newest at 2026-12-07T20:13:36Z: no match. Excerpt: {"time":"2026-12-07T20:13:36.000Z"}', clock),
      'in pod api-1, newest at 2026-12-07 21:13:36 UTC+1, 2 min ago: no match. Excerpt: {"time":"2026-12-07T20:13:36.000Z"}',
    );
    assert.equal(readableTimes('exp: 2026-12-07T21:14:48.000Z', clock, false), 'exp: 2026-12-07 22:14:48 UTC+1');
    assert.equal(readableTimes('no time here 2026-12-07', clock), 'no time here 2026-12-07');
  });
});
