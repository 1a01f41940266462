/** `slipway runs list|show|metrics|compare|reproduce`: experiment runs from the command line. */
import type { Command } from 'commander';
import { clientFor, globalsOf } from '../context.ts';
import { colour, formatTable, printJson, sparkline } from '../output.ts';

type Described = Record<string, any>;

export const runColumns = ['run', 'experiment', 'status', 'duration', 'metrics', 'params'];

/** Runs as table rows: final metrics and parameters as short `name=value` lists. */
export function runRows(items: Described[]) {
  const pairs = (values: Record<string, unknown>) =>
    Object.entries(values ?? {})
      .map(([key, value]) => `${key}=${typeof value === 'number' ? Number(value.toPrecision(4)) : value}`)
      .join(' ') || undefined;
  return items.map((run) => ({
    run: run.runName,
    experiment: run.experimentName,
    status: run.status,
    duration: run.durationSeconds === undefined ? undefined : `${run.durationSeconds.toFixed(1)}s`,
    metrics: pairs(run.metrics),
    params: pairs(run.params),
  }));
}

export function registerRuns(program: Command) {
  const runs = program.command('runs').description('experiment runs: parameters, metrics, sources, data');
  runs
    .command('list')
    .description(
      "search runs, e.g. --filter \"metrics.accuracy > 0.9 and params.C = '1.0'\" --order-by 'metrics.accuracy desc'",
    )
    .option('--experiment <names>', 'experiment name(s), comma-separated')
    .option(
      '--filter <filter>',
      "metrics.<m> <op> <number>, params.<p> = '<text>', tags.<t> = '<text>', joined by and",
    )
    .option('--order-by <order>', "e.g. 'metrics.accuracy desc, attributes.startTime asc'")
    .option('--limit <n>', 'at most this many', '50')
    .action(
      async (
        options: { experiment?: string; filter?: string; orderBy?: string; limit: string },
        command: Command,
      ) => {
        const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/runs', {
          experimentName: options.experiment,
          filter: options.filter,
          orderBy: options.orderBy,
          limit: options.limit,
        });
        if (globalsOf(command).json) return printJson(items);
        process.stdout.write(`${formatTable(runRows(items), runColumns)}\n`);
      },
    );

  runs
    .command('show <run>')
    .description('a run: status, parameters, final metrics, source, data and environment')
    .action(async (name: string, _options, command: Command) => {
      const run = await clientFor(command).get<Described>(`/api/v1/runs/${encodeURIComponent(name)}`);
      if (globalsOf(command).json) return printJson(run);
      const lines = [
        `${colour.bold(run.runName)}  ${run.status}  experiment ${run.experimentName}`,
        `started ${run.startTime}${run.endTime ? `, ended ${run.endTime} (${run.durationSeconds}s)` : ''}`,
      ];
      if (run.trainingJobName) lines.push(`training job: ${run.trainingJobName}`);
      if (run.source) {
        const git = run.source.git
          ? `, git ${run.source.git.commit.slice(0, 12)}${run.source.git.dirty ? ' (dirty)' : ''}`
          : '';
        lines.push(`source: ${run.source.uri} sha256 ${run.source.sha256.slice(0, 12)}…${git}`);
      }
      for (const input of run.inputData ?? [])
        lines.push(`data ${input.name}: ${input.uri} sha256 ${input.sha256.slice(0, 12)}…`);
      if (run.environment) {
        const env = run.environment;
        const parts = [
          env.runtime,
          env.image,
          env.python && `python ${env.python}`,
          env.node && `node ${env.node}`,
        ].filter(Boolean);
        lines.push(`environment: ${parts.join(', ')}`);
      }
      if (run.modelArtifact) lines.push(`model: ${run.modelArtifact.uri}`);
      if (run.failureReason) lines.push(colour.red(`failure: ${run.failureReason}`));
      if (run.notes) lines.push(`notes: ${run.notes}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      const table = (title: string, values: Record<string, unknown>) => {
        const rows = Object.entries(values ?? {}).map(([name, value]) => ({ name, value }));
        if (rows.length)
          process.stdout.write(`\n${colour.bold(title)}\n${formatTable(rows, ['name', 'value'])}\n`);
      };
      table('parameters', run.params);
      table('metrics', run.metrics);
      table('tags', run.tags);
      if (run.artifacts?.length) {
        process.stdout.write(
          `\n${colour.bold('artifacts')}\n${formatTable(run.artifacts, ['path', 'size', 'uri'])}\n`,
        );
      }
    });

  runs
    .command('compare <runs...>')
    .description('runs side by side: parameters (differing ones marked *) and final metrics')
    .action(async (names: string[], _options, command: Command) => {
      const comparison = await clientFor(command).get<Described>('/api/v1/runs/compare', {
        runs: names.join(','),
      });
      if (globalsOf(command).json) return printJson(comparison);
      const runNames: string[] = comparison.runs.map((run: Described) => run.runName);
      const rows: Array<Record<string, unknown>> = [];
      for (const [key, values] of Object.entries(
        comparison.params.differing as Record<string, Record<string, unknown>>,
      )) {
        rows.push({ '': `* params.${key}`, ...values });
      }
      for (const [key, value] of Object.entries(comparison.params.same as Record<string, string>)) {
        rows.push({ '': `  params.${key}`, ...Object.fromEntries(runNames.map((run) => [run, value])) });
      }
      for (const [key, values] of Object.entries(
        comparison.metrics as Record<string, Record<string, number | null>>,
      )) {
        rows.push({ '': `  metrics.${key}`, ...values });
      }
      process.stdout.write(`${formatTable(rows, ['', ...runNames])}\n`);
    });

  runs
    .command('reproduce <run>')
    .description('re-create the training job a run recorded; refused if its code or data changed')
    .option('--name <job>', 'name of the new training job')
    .action(async (name: string, options: { name?: string }, command: Command) => {
      const created = await clientFor(command).post<Described>(
        `/api/v1/runs/${encodeURIComponent(name)}/reproduce`,
        {
          ...(options.name ? { trainingJobName: options.name } : {}),
        },
      );
      if (globalsOf(command).json) return printJson(created);
      process.stdout.write(
        `reproducing ${name} as training job ${colour.bold(created.trainingJobName)} (run ${created.runName}); follow it with: slipway jobs describe ${created.trainingJobName}\n`,
      );
    });

  runs
    .command('metrics <run> [metric]')
    .description("a run's metric series: every metric's last value and shape, or one metric step by step")
    .action(async (name: string, metric: string | undefined, _options, command: Command) => {
      const client = clientFor(command);
      const runPath = `/api/v1/runs/${encodeURIComponent(name)}/metrics`;
      const seriesOf = (metricName: string) =>
        client.get<Series>(`${runPath}/${encodeURIComponent(metricName)}`);
      const json = globalsOf(command).json;
      if (metric) {
        const series = await seriesOf(metric);
        if (json) return printJson(series);
        const rows = series.steps.map((step, index) => ({
          step,
          value: series.values[index],
          time: new Date(series.timestamps[index]!).toISOString(),
        }));
        process.stdout.write(
          `${metric}  ${sparkline(series.values)}\n${formatTable(rows, ['step', 'value', 'time'])}\n`,
        );
        return;
      }
      const { metrics } = await client.get<{ metrics: Array<{ name: string }> }>(runPath);
      const all = await Promise.all(metrics.map((entry) => seriesOf(entry.name)));
      if (json) return printJson(all);
      const rows = all.map((series) => ({
        metric: series.name,
        points: series.values.length,
        first: short(series.values[0]),
        last: short(series.values.at(-1)),
        min: short(Math.min(...series.values)),
        max: short(Math.max(...series.values)),
        shape: sparkline(series.values, 30),
      }));
      process.stdout.write(
        `${formatTable(rows, ['metric', 'points', 'first', 'last', 'min', 'max', 'shape'])}\n`,
      );
    });
}

/** Four significant digits: enough to compare, short enough for a table. */
function short(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Number(value.toPrecision(4));
}

interface Series {
  name: string;
  steps: number[];
  values: number[];
  timestamps: number[];
}
