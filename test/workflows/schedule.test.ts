/** Cron schedules fire when they say: five classic fields, or AWS's cron(m h dom mon dow year). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextFireTime } from '../../src/workflows/triggers/schedule.ts';

const friday = Date.UTC(2026, 11, 4, 10, 30); // Friday 2026-12-04 10:30 UTC
const next = (cron: string, timezone?: string) =>
  new Date(nextFireTime({ cron, timezone }, friday, friday)!).toISOString();

describe('cron schedules', () => {
  it('reads AWS cron(…) as minutes first, with ? and 1 = Sunday', () => {
    assert.equal(next('cron(0 12 * * ? *)'), '2026-12-04T12:00:00.000Z');
    assert.equal(next('cron(15 10 ? * 2 *)'), '2026-12-07T10:15:00.000Z', '2 is Monday');
    assert.equal(next('cron(0 8 ? * MON-FRI *)'), '2026-12-07T08:00:00.000Z');
    assert.equal(next('cron(0 0 1 * ? 2027)'), '2027-01-01T00:00:00.000Z', 'the year field counts');
  });

  it('reads five fields as classic cron, with a time zone', () => {
    assert.equal(next('0 12 * * *'), '2026-12-04T12:00:00.000Z');
    assert.equal(next('0 9 * * MON', 'Europe/Paris'), '2026-12-07T08:00:00.000Z');
    assert.equal(next('@daily'), '2026-12-05T00:00:00.000Z');
  });
});
