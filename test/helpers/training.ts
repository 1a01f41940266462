/** Helpers for training-job tests: code folders, channels, and waiting for a job's end. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SlipwayClient } from '../../src/sdk/client.ts';
import { waitFor } from './wait.ts';

export type Described = Record<string, any>;

/** Writes files into a new folder under `root` and returns its file:// URI. */
export function folderWith(root: string, name: string, files: Record<string, string>): string {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(folder, file, '..'), { recursive: true });
    writeFileSync(join(folder, file), content, { mode: 0o755 });
  }
  return pathToFileURL(folder).href;
}

/** A script-mode job spec running `script` (a shell script) with one `train` channel. */
export function shellJob(
  name: string,
  options: { code: string; train?: string; extra?: Record<string, unknown> },
) {
  return {
    trainingJobName: name,
    algorithmSpecification: {},
    hyperParameters: { sagemaker_program: 'train.sh', sagemaker_submit_directory: options.code },
    inputDataConfig: options.train
      ? [{ channelName: 'train', dataSource: { s3DataSource: { s3Uri: options.train } } }]
      : undefined,
    ...options.extra,
  };
}

export const terminal = ['Completed', 'Failed', 'Stopped'];

export function describe(client: SlipwayClient, name: string) {
  return client.get<Described>(`/api/v1/training-jobs/${name}`);
}

export function waitForStatus(
  client: SlipwayClient,
  name: string,
  accept: (job: Described) => boolean,
  what: string,
) {
  return waitFor(
    async () => {
      const job = await describe(client, name);
      return accept(job) ? job : undefined;
    },
    { timeoutMs: 60_000, what: `${name}: ${what}` },
  );
}

export function waitForEnd(client: SlipwayClient, name: string) {
  return waitForStatus(client, name, (job) => terminal.includes(job.trainingJobStatus), 'a terminal status');
}
