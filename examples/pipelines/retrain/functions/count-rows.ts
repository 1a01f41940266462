/**
 * The pipeline's data check, run by `lambda:invoke`: counts the CSV rows under a file:// folder
 * and fails (with a named error a Catch can match) when there are too few to train on.
 * Register it with: POST /api/v1/functions { "name": "count-rows", "module": "<this file>" }.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

class NotEnoughData extends Error {
  override name = 'NotEnoughData';
}

export async function handler(event: { dataUri: string; minRows?: number }) {
  const folder = fileURLToPath(event.dataUri);
  let rows = 0;
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.csv')))
    rows += readFileSync(join(folder, file), 'utf8').trim().split('\n').length - 1;
  if (rows < (event.minRows ?? 10)) throw new NotEnoughData(`only ${rows} rows under ${event.dataUri}`);
  return { rows };
}
