/**
 * Reads one or more CSV files into a columnar Dataset. Column kinds are inferred (a column is
 * numeric when every non-missing value is a number) from a sample and confirmed over the whole
 * input: if a later value proves a "numeric" column categorical, parsing restarts with the column
 * marked categorical, which keeps the common case to one pass with no per-cell strings.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AlgorithmErrors } from '../errors.ts';
import { type ColumnBuilder, makeBuilder } from './column-builder.ts';
import { fieldText, RecordFields, tokenizeRecord } from './csv-tokenizer.ts';
import type { ColumnKind, Dataset } from './dataset.ts';
import { isMissingToken } from './missing-values.ts';
import { NOT_A_NUMBER, parseNumber } from './parse-number.ts';

export interface CsvReadOptions {
  /** Whether the first line of each file names the columns; 'auto' (default) guesses. */
  header?: boolean | 'auto';
  /**
   * Column kinds to enforce instead of inferring, by column name (e.g. the training data's kinds
   * when reading a validation channel). A non-number in a column forced numeric is an error.
   */
  kinds?: Record<string, ColumnKind>;
  /** Column names to use for headerless files (default c0, c1, …). */
  names?: readonly string[];
  /** Bytes read per chunk. */
  chunkSize?: number;
}

export interface CsvReadResult {
  dataset: Dataset;
  header: boolean;
  files: string[];
}

const SAMPLE_RECORDS = 1000;

/** The data files of a channel: the path itself if it is a file, else its files (recursively), sorted. */
export function listDataFiles(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...listDataFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

export function readCsv(paths: string | readonly string[], options: CsvReadOptions = {}): CsvReadResult {
  const files = (typeof paths === 'string' ? [paths] : [...paths]).flatMap(listDataFiles);
  if (files.length === 0)
    throw AlgorithmErrors.dataInvalid({ source: String(paths), reason: 'no data files' });
  const sample = sampleRecords(files[0], options.chunkSize ?? 1 << 22);
  if (sample.length === 0)
    throw AlgorithmErrors.dataInvalid({ source: files[0], reason: 'the file is empty' });
  const header =
    options.header === undefined || options.header === 'auto' ? guessHeader(sample) : options.header;
  const width = sample[0].length;
  const names = header
    ? sample[0].map((n) => n.trim())
    : Array.from({ length: width }, (_, i) => options.names?.[i] ?? `c${i}`);
  checkUniqueNames(names, files[0]);
  const body = header ? sample.slice(1) : sample;
  const kinds = names.map((name, c): ColumnKind => {
    const forced = options.kinds?.[name];
    if (forced) return forced;
    return body.every((row) => row[c] === undefined || isMissingToken(row[c]) || isNumberText(row[c]))
      ? 'numeric'
      : 'categorical';
  });
  const estimate = estimateRows(files, sample);
  for (;;) {
    const parser = new CsvParser(names, kinds, header, estimate, options);
    for (const file of files) parser.parseFile(file);
    if (parser.retypeColumn < 0) return { dataset: parser.finish(), header, files };
    kinds[parser.retypeColumn] = 'categorical';
  }
}

function isNumberText(text: string): boolean {
  const bytes = Buffer.from(text);
  return parseNumber(bytes, 0, bytes.length) !== NOT_A_NUMBER;
}

function checkUniqueNames(names: readonly string[], source: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '')
      throw AlgorithmErrors.dataInvalid({ source, reason: 'the header has an empty column name' });
    if (seen.has(name))
      throw AlgorithmErrors.dataInvalid({ source, reason: `column "${name}" appears twice in the header` });
    seen.add(name);
  }
}

/**
 * A header is present when some column is numeric below the first line but not on it, or when
 * every first-line cell is text that never appears again in its column (as names would).
 */
export function guessHeader(sample: readonly string[][]): boolean {
  if (sample.length < 2) return sample[0].some((cell) => !isNumberText(cell) && !isMissingToken(cell));
  const [first, ...rest] = sample;
  let allText = true;
  for (let c = 0; c < first.length; c++) {
    const cell = first[c];
    const text = !isNumberText(cell) && !isMissingToken(cell);
    if (!text) {
      allText = false;
      continue;
    }
    const below = rest.map((row) => row[c]).filter((v) => v !== undefined && !isMissingToken(v));
    if (below.length > 0 && below.every(isNumberText)) return true;
    if (below.includes(cell)) allText = false;
  }
  return allText;
}

function sampleRecords(file: string, chunkSize: number): string[][] {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkSize);
    const length = readSync(fd, buffer, 0, chunkSize, 0);
    const final = length < chunkSize;
    const fields = new RecordFields();
    const rows: string[][] = [];
    let pos = 0;
    while (pos < length && rows.length < SAMPLE_RECORDS) {
      const next = tokenizeRecord(buffer, pos, length, final, fields);
      if (next < 0) break;
      pos = next;
      if (fields.count === 1 && fields.starts[0] === fields.ends[0]) continue;
      rows.push(Array.from({ length: fields.count }, (_, f) => fieldText(buffer, fields, f)));
    }
    return rows;
  } finally {
    closeSync(fd);
  }
}

function estimateRows(files: readonly string[], sample: readonly string[][]): number {
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const sampleBytes = sample.reduce((sum, row) => sum + row.reduce((s, cell) => s + cell.length + 1, 0), 0);
  return Math.ceil((bytes / Math.max(sampleBytes / sample.length, 1)) * 1.05) + 16;
}

class CsvParser {
  private readonly builders: ColumnBuilder[];
  private readonly fields = new RecordFields();
  /** Set when a column inferred numeric turned out to hold text; the read restarts. */
  retypeColumn = -1;
  private rowCount = 0;

  constructor(
    private readonly names: readonly string[],
    private readonly kinds: readonly ColumnKind[],
    private readonly header: boolean,
    estimate: number,
    private readonly options: CsvReadOptions,
  ) {
    this.builders = kinds.map((k) => makeBuilder(k, estimate));
  }

  parseFile(file: string): void {
    if (this.retypeColumn >= 0) return;
    const fd = openSync(file, 'r');
    try {
      let buffer = Buffer.allocUnsafe(this.options.chunkSize ?? 1 << 22);
      let filled = 0;
      let offset = 0;
      let line = 0;
      let first = true;
      for (;;) {
        const read = readSync(fd, buffer, filled, buffer.length - filled, offset);
        offset += read;
        filled += read;
        const final = read === 0 || filled < buffer.length;
        let pos = 0;
        while (pos < filled) {
          const next = tokenizeRecord(buffer, pos, filled, final, this.fields);
          if (next < 0) break;
          pos = next;
          line++;
          if (this.fields.count === 1 && this.fields.starts[0] === this.fields.ends[0]) continue;
          if (first && this.header) {
            first = false;
            this.checkHeader(buffer, file);
            continue;
          }
          first = false;
          if (!this.addRecord(buffer, file, line)) return;
        }
        if (final && pos >= filled) return;
        if (final && read === 0) return;
        // Move the incomplete record to the front; grow when one record outgrows the buffer.
        const rest = filled - pos;
        if (pos === 0) {
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, filled);
          buffer = bigger;
        } else {
          buffer.copy(buffer, 0, pos, filled);
        }
        filled = rest;
      }
    } finally {
      closeSync(fd);
    }
  }

  private checkHeader(buffer: Buffer, file: string): void {
    const got = Array.from({ length: this.fields.count }, (_, f) => fieldText(buffer, this.fields, f).trim());
    if (got.join('\u0000') !== this.names.join('\u0000')) {
      throw AlgorithmErrors.dataInvalid({
        source: file,
        reason: `header (${got.join(',')}) differs from the first file's (${this.names.join(',')})`,
      });
    }
  }

  /** Appends one record; false when the read must restart with a column retyped. */
  private addRecord(buffer: Buffer, file: string, line: number): boolean {
    const fields = this.fields;
    const width = this.builders.length;
    if (fields.count !== width) {
      throw AlgorithmErrors.dataInvalid({
        source: `${file}:${line}`,
        reason: `expected ${width} fields, found ${fields.count}`,
      });
    }
    for (let c = 0; c < width; c++) {
      const builder = this.builders[c];
      if (builder.kind === 'numeric') {
        let value: number | typeof NOT_A_NUMBER =
          fields.quoting[c] === 0 ? parseNumber(buffer, fields.starts[c], fields.ends[c]) : NOT_A_NUMBER;
        if (value === NOT_A_NUMBER) {
          const text = fieldText(buffer, fields, c);
          if (isMissingToken(text)) value = Number.NaN;
          else if (fields.quoting[c] !== 0 && isNumberText(text.trim())) value = Number(text.trim());
          else if (this.options.kinds?.[this.names[c]] === 'numeric') {
            throw AlgorithmErrors.dataInvalid({
              source: `${file}:${line}`,
              reason: `column "${this.names[c]}" must be numeric (as in the training data), found "${text}"`,
            });
          } else {
            this.retypeColumn = c;
            return false;
          }
        }
        builder.push(value);
      } else {
        const text = fieldText(buffer, fields, c).trim();
        builder.push(isMissingToken(text) ? null : text);
      }
    }
    this.rowCount++;
    return true;
  }

  finish(): Dataset {
    return { rowCount: this.rowCount, columns: this.builders.map((b, c) => b.finish(this.names[c])) };
  }
}
