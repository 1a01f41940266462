/**
 * The pipeline's "prepare" step, run by `lambda:invoke`: the penguins preparation (drop nulls and
 * duplicates, split 80/20) from a raw CSV into train/ and test/ folders under
 * `outputUri/<runName>`, so each run keeps the data it trained on. `slipway workflows deploy
 * pipeline.ts` registers it (the Workflow's `functions`).
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { preparePenguins } from '../../../penguins/prepare.ts';

export async function handler(event: { inputUri: string; outputUri: string; runName?: string }) {
  const output = join(fileURLToPath(event.outputUri), event.runName ?? '');
  const result = preparePenguins({ input: fileURLToPath(event.inputUri), output });
  return {
    train: pathToFileURL(`${output}/train`).href,
    test: pathToFileURL(`${output}/test`).href,
    rows: result.rows,
  };
}
