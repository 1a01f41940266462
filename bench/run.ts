/**
 * Runs the benchmarks and records their results in bench/RESULTS.md. Every benchmark measures
 * Slipway against a peer in the same run and reports ratios: this machine is shared and noisy.
 *
 *   npm run bench                 # all
 *   npm run bench -- launch asl   # some, by name
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export interface BenchResult {
  title: string;
  /** Markdown: a table and a sentence on targets. */
  markdown: string;
}

const benches: Record<string, () => Promise<BenchResult>> = {
  launch: async () => (await import('./training-launch.ts')).runLaunchBench(),
  algorithms: async () => (await import('./algorithms-report.ts')).algorithmsSection(),
  hosting: async () => (await import('./hosting-bench.ts')).runHostingBench(),
  metrics: async () => (await import('./metrics-bench.ts')).runMetricsBench(),
  asl: async () => ({
    title: 'Workflow engine (ASL) against aws-local-stepfunctions',
    ...(await (await import('./asl-bench.ts')).runAslBench()),
  }),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(benches);
const resultsFile = join(import.meta.dirname, 'RESULTS.md');

for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.error(`running ${name} …`);
  let result: BenchResult;
  try {
    result = await bench();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      console.error(`  ${name}: not available in this checkout (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    throw error;
  }
  console.log(`\n## ${result.title}\n\n${result.markdown}`);
  record(name, result);
}

/** Replaces this benchmark's section in RESULTS.md, keeping the others. */
function record(name: string, result: BenchResult): void {
  let text = '';
  try {
    text = readFileSync(resultsFile, 'utf8');
  } catch {
    text =
      '# Benchmark results\n\nEach section: the command, the date, the machine, and ratios against a peer measured in the same run.\n';
  }
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = [
    start,
    `## ${result.title}`,
    '',
    `Command: \`npm run bench -- ${name}\` · date: ${new Date().toISOString().slice(0, 10)} · machine: ${machine()}`,
    '',
    result.markdown.trim(),
    end,
  ].join('\n');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text =
    from !== -1 && to !== -1
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(resultsFile, text);
}

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
}
