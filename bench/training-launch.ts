/**
 * Launch overhead: from "create training job" to the user's first line of output, against a bare
 * spawn of the same command. The user's program prints the wall-clock time as its first act, so
 * the measure ends exactly when user code runs, without polling error.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/logging.ts';
import { SlipwayClient } from '../src/sdk/client.ts';
import { startSlipway } from '../src/server.ts';
import { tempFolder } from '../test/helpers/temp.ts';
import type { BenchResult } from './run.ts';
import { fixed, median } from './stats.ts';

const runs = 15;

interface Program {
  label: string;
  file: string;
  source: string;
  command: (path: string) => string[];
}

const programs: Program[] = [
  {
    label: 'Python script (`/usr/bin/python3 train.py`)',
    file: 'train.py',
    source: 'import time\nprint(f"first {time.time_ns() // 1000}", flush=True)\n',
    command: (path) => ['/usr/bin/python3', path],
  },
  {
    label: 'shell script (`/bin/sh train.sh`)',
    file: 'train.sh',
    source: 'echo "first $(($(date +%s%N) / 1000))"\n',
    command: (path) => ['/bin/sh', path],
  },
];

/** Microseconds since the epoch, the clock the user's program prints. */
function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function firstLineMicros(text: string): number {
  const match = /first (\d+)/.exec(text);
  if (!match) throw new Error(`no first line in: ${text}`);
  return Number(match[1]);
}

async function bareSpawn(command: string[]): Promise<number> {
  const started = nowMicros();
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of child.stdout) output += chunk;
  return (firstLineMicros(output) - started) / 1000;
}

export async function runLaunchBench(): Promise<BenchResult> {
  const home = tempFolder('slipway-bench-launch-');
  const config = loadConfig({
    env: {},
    overrides: { home: home.path, port: 0, logLevel: 'silent', adminToken: 'slw_bench-token-0123456789' },
  });
  const slipway = await startSlipway(config, { logger: createLogger('silent') });
  const client = new SlipwayClient({ url: slipway.url, token: 'slw_bench-token-0123456789' });
  const rows: string[] = [];
  try {
    for (const program of programs) {
      const code = join(home.path, `code-${program.file}`);
      mkdirSync(code, { recursive: true });
      writeFileSync(join(code, program.file), program.source);
      const bare: number[] = [];
      const slip: number[] = [];
      for (let i = 0; i < runs; i++) {
        bare.push(await bareSpawn(program.command(join(code, program.file))));
        const name = `launch-${program.file.replace('.', '-')}-${i}`;
        const started = nowMicros();
        await client.post('/api/v1/training-jobs', {
          trainingJobName: name,
          algorithmSpecification: {},
          hyperParameters: {
            sagemaker_program: program.file,
            sagemaker_submit_directory: pathToFileURL(code).href,
          },
        });
        for (;;) {
          const job = await client.get<{ trainingJobStatus: string }>(`/api/v1/training-jobs/${name}`);
          if (job.trainingJobStatus !== 'InProgress') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        let log = '';
        for await (const chunk of await client.stream(`/api/v1/training-jobs/${name}/logs`))
          log += Buffer.from(chunk).toString();
        slip.push((firstLineMicros(log) - started) / 1000);
      }
      const ratio = median(slip) / median(bare);
      rows.push(
        `| ${program.label} | ${fixed(median(bare), 1)} | ${fixed(median(slip), 1)} | ${fixed(ratio)}× |`,
      );
    }
  } finally {
    await slipway.close();
    home.cleanup();
  }
  return {
    title: 'Training launch overhead (create → first line of user output)',
    markdown: [
      `Median of ${runs} runs each, process runtime, SQLite store. Target: under 3× a bare spawn.`,
      '',
      '| program | bare spawn (ms) | Slipway training job (ms) | ratio |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  };
}
