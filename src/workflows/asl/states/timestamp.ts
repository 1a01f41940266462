/**
 * ASL timestamps are RFC 3339 with an upper-case T and an offset or Z (e.g. 2016-03-14T01:59:00Z);
 * anything else is not a timestamp for Choice (IsTimestamp) nor for Wait.
 */
const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(value: string): number | null {
  if (!pattern.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
