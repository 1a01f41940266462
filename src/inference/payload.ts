/**
 * Request bodies as rows. CSV (one row per line), JSON Lines (one row per line), and JSON in the
 * shapes people already send: plain rows, one row, records, `{"instances"}`, `{"inputs"}`,
 * `{"dataframe_split": {columns, data}}`, `{"dataframe_records"}`. A bad row is reported by number.
 */
import { HostingErrors } from '../hosting/errors.ts';

export type Cell = string | number | boolean | null;
/** Positional rows (arrays) or named rows (records). */
export type Row = Cell[] | Record<string, Cell>;

export interface ParsedRows {
  rows: Row[];
  /** Column names, when the payload named them (dataframe_split). */
  columns?: string[];
}

export const csvTypes = ['text/csv', 'text/plain'];
export const jsonTypes = ['application/json'];
export const jsonLinesTypes = ['application/jsonlines', 'application/x-jsonlines', 'application/jsonl'];

const mediaTypes = new Map<string, string>();

/** The media type of a Content-Type or Accept header, remembered (a server sees a handful). */
export function mediaType(header: string | undefined): string {
  const value = header ?? 'application/json';
  let type = mediaTypes.get(value);
  if (type === undefined) {
    type = value.split(';')[0]!.trim().toLowerCase();
    if (mediaTypes.size < 1000) mediaTypes.set(value, type);
  }
  return type;
}

function bad(reason: string): never {
  throw HostingErrors.badPayload({ reason });
}

export function parseRows(body: string, contentType: string): ParsedRows {
  const type = mediaType(contentType);
  if (csvTypes.includes(type)) return { rows: parseCsv(body) };
  if (jsonLinesTypes.includes(type)) return parseJsonLines(body);
  if (jsonTypes.includes(type)) return parseJson(body);
  throw HostingErrors.unsupportedType({
    contentType: type,
    supported: 'text/csv, application/json or application/jsonlines',
  });
}

/**
 * CSV rows, one per line (LF or CRLF; blank lines skipped). Scanned in place, with cells cut
 * straight from the body: on the serving path this costs half of splitting into lines and then
 * into fields (0.44 against 0.8 µs for a one-row body, measured). A line with a quote goes to the
 * RFC 4180 reader.
 */
export function parseCsv(body: string): Cell[][] {
  const rows: Cell[][] = [];
  // The next quote and comma at or after the line being read (-1: none left): each is searched
  // for once per stretch of body, however many lines it spans.
  let quote = body.indexOf('"');
  let comma = body.indexOf(',');
  let lineNumber = 0;
  for (let start = 0; start < body.length; ) {
    lineNumber++;
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    const lineEnd = end > start && body.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (quote >= 0 && quote < start) quote = body.indexOf('"', start);
    if (quote >= 0 && quote < lineEnd) {
      rows.push(splitCsvLine(body.slice(start, lineEnd), lineNumber).map(csvCell));
    } else {
      const row: Cell[] = [];
      let from = start;
      for (;;) {
        if (comma >= 0 && comma < from) comma = body.indexOf(',', from);
        if (comma < 0 || comma >= lineEnd) break;
        row.push(csvCell(body.slice(from, comma)));
        from = comma + 1;
      }
      const last = body.slice(from, lineEnd);
      if (row.length > 0 || last.trim() !== '') {
        row.push(csvCell(last));
        rows.push(row);
      }
    }
    start = end + 1;
  }
  if (rows.length === 0) bad('the CSV body has no rows');
  return rows;
}

/** RFC 4180 fields: quotes allow commas and doubled quotes inside a field. */
function splitCsvLine(line: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) bad(`row ${lineNumber}: a quoted field is not closed`);
  fields.push(field);
  return fields;
}

function csvCell(text: string): Cell {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  // Number() reads nothing that starts with a letter but Infinity, and it is slow to say so:
  // labels (most CSV text) skip it.
  const lowerFirst = trimmed.charCodeAt(0) | 0x20;
  if (lowerFirst >= 0x61 && lowerFirst <= 0x7a && lowerFirst !== 0x69) return trimmed;
  const number = Number(trimmed);
  return Number.isNaN(number) ? trimmed : number;
}

function parseJsonLines(body: string): ParsedRows {
  const rows: Row[] = [];
  const lines = body.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      bad(`line ${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    const unwrapped =
      value && typeof value === 'object' && !Array.isArray(value) && 'features' in value
        ? (value as { features: unknown }).features
        : value;
    rows.push(asRow(unwrapped, rows.length + 1));
  }
  if (rows.length === 0) bad('the JSON Lines body has no rows');
  return { rows };
}

function parseJson(body: string): ParsedRows {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    bad(`the body is not valid JSON (${(error as Error).message})`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    if ('dataframe_split' in object) {
      const split = object.dataframe_split as { columns?: unknown; data?: unknown };
      if (!split || !Array.isArray(split.data)) bad('dataframe_split.data must be an array of rows');
      const columns = Array.isArray(split.columns) ? split.columns.map(String) : undefined;
      return { rows: (split.data as unknown[]).map((row, i) => asRow(row, i + 1)), columns };
    }
    for (const key of ['instances', 'inputs', 'dataframe_records', 'data']) {
      if (key in object) return { rows: asRows(object[key], key) };
    }
    // A single record.
    return { rows: [asRow(object, 1)] };
  }
  return { rows: asRows(value, 'body') };
}

function asRows(value: unknown, where: string): Row[] {
  if (!Array.isArray(value)) bad(`${where} must be an array of rows`);
  if (value.length === 0) bad(`${where} has no rows`);
  // A flat array of scalars is one row.
  if (value.every((cell) => cell === null || typeof cell !== 'object')) return [asRow(value, 1)];
  return value.map((row, i) => asRow(row, i + 1));
}

function asRow(value: unknown, rowNumber: number): Row {
  if (Array.isArray(value)) {
    for (const [i, cell] of value.entries()) {
      if (cell !== null && typeof cell === 'object')
        bad(`row ${rowNumber}, column ${i + 1}: nested values are not supported`);
    }
    return value as Cell[];
  }
  if (value && typeof value === 'object') return value as Record<string, Cell>;
  bad(`row ${rowNumber}: must be an array of values or an object of named values`);
}

/**
 * Predictions row by row, each able to write itself: the serving path formats a model's outputs
 * straight from its tensors (OnnxPredictions), without a record object per row.
 */
export interface PredictionRows {
  readonly length: number;
  /** Row `row` as JSON: exactly JSON.stringify's text for its record. */
  json(row: number): string;
  /** Row `row` as CSV fields: its record's values in order, arrays spread. */
  csv(row: number): string;
}

/** Predictions `from`…`to` (all by default) in the format the caller asked for with Accept. */
export function formatPredictions(
  predictions: PredictionRows,
  accept: string,
  from = 0,
  to = predictions.length,
): { body: string; contentType: string } {
  const type = mediaType(accept === '*/*' ? 'application/json' : accept);
  if (csvTypes.includes(type)) return { body: joined(predictions, from, to, 'csv'), contentType: 'text/csv' };
  if (jsonLinesTypes.includes(type))
    return { body: joined(predictions, from, to, 'json'), contentType: 'application/jsonlines' };
  if (jsonTypes.includes(type)) {
    let body = '{"predictions":[';
    for (let row = from; row < to; row++) body += (row > from ? ',' : '') + predictions.json(row);
    return { body: `${body}]}`, contentType: 'application/json' };
  }
  throw HostingErrors.unsupportedType({
    contentType: type,
    supported: 'text/csv, application/json or application/jsonlines',
  });
}

/** One line per row, and a newline at the end. */
function joined(predictions: PredictionRows, from: number, to: number, as: 'csv' | 'json'): string {
  let body = '';
  for (let row = from; row < to; row++)
    body += (row > from ? '\n' : '') + (as === 'csv' ? predictions.csv(row) : predictions.json(row));
  return `${body}\n`;
}

/** JSON.stringify's text for a number (null unless finite) or a label, without its generic walk. */
export function valueJson(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(value) ?? 'null';
}

/** A record's value as CSV fields: lists spread, text with a comma, quote or newline quoted. */
export function csvValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(csvValue).join(',');
  if (typeof value === 'string' && /[",\n]/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return String(value);
}
