/** Human output: aligned tables and short lines; colour only on a TTY and without NO_COLOR. */
import { stringify as stringifyYaml } from 'yaml';

const useColour = () => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

export const colour = {
  bold: (text: string) => (useColour() ? `\x1b[1m${text}\x1b[22m` : text),
  dim: (text: string) => (useColour() ? `\x1b[2m${text}\x1b[22m` : text),
  green: (text: string) => (useColour() ? `\x1b[32m${text}\x1b[39m` : text),
  red: (text: string) => (useColour() ? `\x1b[31m${text}\x1b[39m` : text),
  yellow: (text: string) => (useColour() ? `\x1b[33m${text}\x1b[39m` : text),
};

/** `currentEndpointConfigName` → `CURRENT-ENDPOINT-CONFIG-NAME`: words stay apart, a header stays one cell. */
function headerText(column: string): string {
  return column.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toUpperCase();
}

export function formatTable(rows: Array<Record<string, unknown>>, columns: string[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(row[column])));
  const widths = columns.map((column, index) =>
    Math.max(headerText(column).length, ...cells.map((row) => row[index]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  return [colour.bold(line(columns.map(headerText))), ...cells.map(line)].join('\n');
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A described resource: YAML for a person (nested fields stay readable), JSON with --json. */
export function printDescribed(value: unknown, json: boolean | undefined): void {
  if (json) printJson(value);
  else process.stdout.write(stringifyYaml(value, { lineWidth: 0 }));
}

const bars = '▁▂▃▄▅▆▇█';

/**
 * A series as one line of block characters, at most `width` wide: a longer series is averaged in
 * equal buckets, so its shape survives. Values that are not finite are drawn as spaces.
 */
export function sparkline(values: number[], width = 40): string {
  const buckets: number[] = [];
  const size = Math.max(1, values.length / width);
  for (let start = 0; start < values.length; start += size) {
    const slice = values.slice(Math.floor(start), Math.floor(start + size)).filter(Number.isFinite);
    buckets.push(slice.length ? slice.reduce((sum, value) => sum + value, 0) / slice.length : Number.NaN);
  }
  const finite = buckets.filter(Number.isFinite);
  const low = Math.min(...finite);
  const span = Math.max(...finite) - low;
  return buckets
    .map((value) => {
      if (!Number.isFinite(value)) return ' ';
      return bars[span === 0 ? 3 : Math.round(((value - low) / span) * (bars.length - 1))];
    })
    .join('');
}
