/**
 * The pipeline's "prepare" step, run by `lambda:invoke`: the penguins preparation (drop nulls and
 * duplicates, split 80/20) from a raw CSV into train/ and test/ folders under `outputUri`.
 * Register it with: POST /api/v1/functions { "name": "prepare-penguins", "module": "<this file>" }.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { preparePenguins } from '../../../penguins/prepare.ts';

export async function handler(event: { inputUri: string; outputUri: string }) {
  const output = fileURLToPath(event.outputUri);
  const result = preparePenguins({ input: fileURLToPath(event.inputUri), output });
  return {
    train: pathToFileURL(`${output}/train`).href,
    test: pathToFileURL(`${output}/test`).href,
    rows: result.rows,
  };
}
