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
