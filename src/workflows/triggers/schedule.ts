/**
 * When a schedule fires next: cron with a time zone (croner) or `rate(N unit)`. Cron comes in two
 * spellings: the classic five fields (`m h dom mon dow`) and AWS's `cron(m h dom mon dow year)`,
 * whose weekdays count 1 = Sunday and which takes `?`. A bare six- or seven-field expression is
 * refused: it is an AWS expression without `cron(…)` as often as one with seconds, and reading it
 * the wrong way fires at the wrong times.
 */
import { Cron, type CronOptions } from 'croner';
import { invalid, isSlipwayError } from '../../core/errors.ts';
import type { TriggerSpec } from './types.ts';

const units: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

export function parseRate(rate: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(rate.trim());
  if (!match) throw invalid('schedule.rate', 'must look like rate(5 minutes), rate(1 hour) or rate(2 days)');
  const value = Number(match[1]);
  if (value < 1) throw invalid('schedule.rate', 'must be at least 1');
  return value * units[match[2]!]!;
}

export type Schedule = TriggerSpec['schedule'] & {};

export function checkSchedule(schedule: Schedule): void {
  if ((schedule.cron === undefined) === (schedule.rate === undefined))
    throw invalid('schedule', 'give exactly one of cron or rate');
  if (schedule.rate !== undefined) {
    if (schedule.timezone) throw invalid('schedule.timezone', 'applies to cron schedules only');
    parseRate(schedule.rate);
    return;
  }
  try {
    cronOf(schedule);
  } catch (error) {
    if (isSlipwayError(error)) throw error;
    const message = (error as Error).message;
    throw invalid(/time ?zone/i.test(message) ? 'schedule.timezone' : 'schedule.cron', message);
  }
  if (schedule.timezone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: schedule.timezone });
    } catch {
      throw invalid('schedule.timezone', `"${schedule.timezone}" is not an IANA time zone`);
    }
  }
}

const awsCron = /^cron\((.*)\)$/;

function cronOf(schedule: Schedule): Cron {
  const expression = schedule.cron!.trim();
  const options: CronOptions = { timezone: schedule.timezone, paused: true };
  const aws = awsCron.exec(expression);
  if (aws) {
    const fields = aws[1]!.trim().split(/\s+/);
    if (fields.length !== 6)
      throw invalid(
        'schedule.cron',
        `cron(…) takes six fields (minutes hours day-of-month month day-of-week year), not ${fields.length}`,
      );
    return new Cron(['0', ...fields].join(' '), { ...options, mode: '7-part', alternativeWeekdays: true });
  }
  if (expression.startsWith('@')) return new Cron(expression, options); // @daily, @weekly, …
  const fields = expression.split(/\s+/);
  if (fields.length !== 5)
    throw invalid(
      'schedule.cron',
      `has ${fields.length} fields: give five (minute hour day-of-month month day-of-week), or AWS's six as cron(m h dom mon dow year)`,
    );
  return new Cron(expression, { ...options, mode: '5-part' });
}

/** The first fire time strictly after `after` (epoch ms). A rate counts from `anchor` (the trigger's creation). */
export function nextFireTime(schedule: Schedule, after: number, anchor: number): number | undefined {
  if (schedule.rate !== undefined) {
    const period = parseRate(schedule.rate);
    const periods = Math.floor((after - anchor) / period) + 1;
    return anchor + Math.max(1, periods) * period;
  }
  const next = cronOf(schedule).nextRun(new Date(after));
  return next ? next.getTime() : undefined;
}

/** The latest fire time in (after, now], if any: missed slots during downtime fire once, not once each. */
export function dueFireTime(
  schedule: Schedule,
  after: number,
  anchor: number,
  now: number,
): number | undefined {
  let due: number | undefined;
  let cursor = after;
  for (let i = 0; i < 10_000; i++) {
    const next = nextFireTime(schedule, cursor, anchor);
    if (next === undefined || next > now) break;
    due = next;
    cursor = next;
  }
  return due;
}
