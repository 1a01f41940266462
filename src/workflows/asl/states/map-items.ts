/**
 * Where a Map's items come from: ItemsPath / Items over the input, or a distributed Map's
 * ItemReader (content fetched by the injected `readItems`, parsed here), then grouped by
 * ItemBatcher into `{ BatchInput, Items }` batches.
 */
import { StatesError, StatesErrorNames } from '../errors.ts';
import type { Collaborators } from '../runtime/collaborators.ts';
import type { Json } from '../types.ts';
import { parseCsv } from './parse-csv.ts';

export interface ItemReaderConfig {
  InputType?: 'CSV' | 'JSON' | 'JSONL';
  CSVHeaderLocation?: 'FIRST_ROW' | 'GIVEN';
  CSVHeaders?: string[];
  CSVDelimiter?: 'COMMA' | 'PIPE' | 'SEMICOLON' | 'SPACE' | 'TAB';
  MaxItems?: number;
}

const delimiters = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' } as const;

function readerFailure(reason: string): StatesError {
  return new StatesError(StatesErrorNames.ItemReaderFailed, reason);
}

export function parseItems(content: string, config: ItemReaderConfig): Json[] {
  const type = config.InputType ?? 'JSON';
  if (type === 'JSON') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw readerFailure('the item source is not valid JSON');
    }
    if (!Array.isArray(parsed)) throw readerFailure('a JSON item source must hold an array');
    return parsed;
  }
  if (type === 'JSONL') {
    return content
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as Json;
        } catch {
          throw readerFailure(`line ${index + 1} of the JSON Lines item source is not valid JSON`);
        }
      });
  }
  let rows: string[][];
  try {
    rows = parseCsv(content, delimiters[config.CSVDelimiter ?? 'COMMA']);
  } catch (error) {
    throw readerFailure(`the CSV item source is malformed: ${(error as Error).message}`);
  }
  const headers = config.CSVHeaderLocation === 'GIVEN' ? (config.CSVHeaders ?? []) : (rows.shift() ?? []);
  return rows.map((row, index) => {
    if (row.length > headers.length) throw readerFailure(`CSV row ${index + 1} has more fields than headers`);
    const item: Record<string, Json> = {};
    headers.forEach((header, column) => {
      item[header] = row[column] ?? '';
    });
    return item;
  });
}

export async function readItems(
  collaborators: Collaborators,
  request: { resource: string; readerConfig: ItemReaderConfig; parameters: Json; signal: AbortSignal },
): Promise<Json[]> {
  if (!collaborators.readItems) throw readerFailure('no item reader is configured for this engine');
  let content: string | Json[];
  try {
    content = await collaborators.readItems(request);
  } catch (error) {
    if (error instanceof StatesError) throw error;
    throw readerFailure((error as Error)?.message ?? String(error));
  }
  const items = typeof content === 'string' ? parseItems(content, request.readerConfig) : content;
  const max = request.readerConfig.MaxItems;
  return max !== undefined && max > 0 ? items.slice(0, max) : items;
}

export function batchItems(
  items: Json[],
  options: { maxItems?: number; maxBytes?: number; batchInput?: Json },
): Json[] {
  const batches: Json[] = [];
  let current: Json[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    const batch: Record<string, Json> = { Items: current };
    if (options.batchInput !== undefined) batch.BatchInput = options.batchInput;
    batches.push(batch);
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (current.length > 0 && options.maxBytes !== undefined && bytes + size > options.maxBytes) flush();
    current.push(item);
    bytes += size;
    if (options.maxItems !== undefined && current.length >= options.maxItems) flush();
  }
  flush();
  return batches;
}
