/** `slipway jobs list|describe|logs|stop`: training jobs. */
import type { Command } from 'commander';
import { clientFor, globalsOf } from '../context.ts';
import { formatTable, printDescribed, printJson } from '../output.ts';
import { elapsed } from '../progress.ts';

type Job = Record<string, any>;

export function registerJobs(program: Command) {
  const jobs = program.command('jobs').description('training jobs');
  jobs
    .command('list')
    .description('list training jobs, newest first')
    .option('--status <status>', 'InProgress, Completed, Failed, Stopping or Stopped')
    .option('--name-contains <text>', 'only names containing this')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (options: { status?: string; nameContains?: string; limit: string }, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Job[] }>('/api/v1/training-jobs', {
        statusEquals: options.status,
        nameContains: options.nameContains,
        limit: options.limit,
      });
      if (globalsOf(command).json) return printJson(items);
      const rows = items.map((job) => ({
        name: job.trainingJobName,
        status: job.trainingJobStatus,
        secondary: job.secondaryStatus,
        created: job.creationTime,
        elapsed: elapsed(job.creationTime, job.trainingEndTime),
        metrics:
          (job.finalMetricDataList ?? []).map((m: Job) => `${m.metricName}=${m.value}`).join(' ') ||
          undefined,
      }));
      process.stdout.write(
        `${formatTable(rows, ['name', 'status', 'secondary', 'created', 'elapsed', 'metrics'])}\n`,
      );
    });

  jobs
    .command('describe <name>')
    .description('show a training job: spec, status, transitions, metrics, model (YAML; JSON with --json)')
    .action(async (name: string, _options, command: Command) => {
      const job = await clientFor(command).get<Job>(`/api/v1/training-jobs/${encodeURIComponent(name)}`);
      printDescribed(job, globalsOf(command).json);
    });

  jobs
    .command('logs <name>')
    .description('print the job log')
    .option('-f, --follow', 'keep printing until the job ends')
    .action(async (name: string, options: { follow?: boolean }, command: Command) => {
      const client = clientFor(command);
      const response = await client.stream(`/api/v1/training-jobs/${encodeURIComponent(name)}/logs`, {
        follow: options.follow ? 'true' : undefined,
      });
      for await (const chunk of response) process.stdout.write(chunk);
    });

  jobs
    .command('stop <name>')
    .description('stop a training job (SIGTERM, then SIGKILL after the grace period)')
    .action(async (name: string, _options, command: Command) => {
      const job = await clientFor(command).post<Job>(
        `/api/v1/training-jobs/${encodeURIComponent(name)}/stop`,
      );
      if (globalsOf(command).json) return printJson(job);
      process.stdout.write(`${job.trainingJobName}: ${job.trainingJobStatus}\n`);
    });
}
