/**
 * `slipway train`: create a training job from flags and/or a spec file, optionally waiting with a
 * live status line. Ctrl-C while waiting leaves the job running (`slipway jobs stop` stops it).
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import type { SlipwayClient } from '../../sdk/client.ts';
import { toUri } from '../../sdk/uris.ts';
import { clientFor, globalsOf } from '../context.ts';
import { failUnless } from '../exit-codes.ts';
import { colour, printJson } from '../output.ts';
import { elapsed, ProgressLine } from '../progress.ts';
import { collect, keyValues, readSpecFile } from '../spec-file.ts';
import { Deadline, timeoutOption } from '../waiting.ts';

type Job = Record<string, any>;

interface TrainOptions {
  file?: string;
  name?: string;
  entryPoint?: string;
  sourceDir?: string;
  image?: string;
  algorithm?: string;
  channel?: string[];
  hp?: string[];
  metric?: string[];
  env?: string[];
  outputPath?: string;
  maxRuntime?: string;
  gpus?: string;
  cpus?: string;
  memoryMb?: string;
  experiment?: string;
  runName?: string;
  wait?: boolean;
  timeout?: string;
}

export function registerTrain(program: Command) {
  program
    .command('train')
    .description('run a training job: your script (script mode), a container image, or a built-in algorithm')
    .option('-f, --file <spec>', 'a training job spec (JSON or YAML); flags override its fields')
    .option('--name <name>', 'job name (default: derived from the entry point and the time)')
    .option('--entry-point <file>', 'script to run, relative to --source-dir (e.g. train.py)')
    .option('--source-dir <dir>', 'folder or sourcedir.tar.gz with the code (a path or a URI)')
    .option('--image <image>', 'container image to run (docker runtime)')
    .option('--algorithm <name>', 'built-in algorithm (linear-learner, gbdt)')
    .option('--channel <name=path>', 'input channel (a path or s3:// / file:// URI), repeatable', collect)
    .option('--hp <name=value>', 'hyperparameter, repeatable', collect)
    .option('--metric <name=regex>', 'metric parsed from log lines (one capture group), repeatable', collect)
    .option('--env <NAME=value>', 'environment variable, repeatable', collect)
    .option('--output-path <uri>', 'where model.tar.gz goes (default: the artifact store)')
    .option('--max-runtime <seconds>', 'stop the job after this long')
    .option('--gpus <count>', 'GPUs to assign from the server inventory')
    .option('--cpus <count>', 'CPUs for the job')
    .option('--memory-mb <mb>', 'memory limit (docker runtime)')
    .option('--experiment <name>', 'record the job as a run of this experiment (created if new)')
    .option('--run-name <name>', "the run's name in --experiment (default: the job name)")
    .option('--wait', 'wait for the job to end, showing status, elapsed time and the last metrics')
    .option(...timeoutOption)
    .action(async (options: TrainOptions, command: Command) => {
      const spec = buildSpec(options);
      const deadline = Deadline.from(options.timeout);
      const client = clientFor(command);
      const json = globalsOf(command).json;
      const created = await client.post<Job>('/api/v1/training-jobs', spec);
      if (!options.wait) {
        if (json) return printJson(created);
        process.stdout.write(
          `created training job ${colour.bold(created.trainingJobName)} (${created.trainingJobStatus})\n`,
        );
        return;
      }
      const job = await waitForJob(client, created.trainingJobName, { quiet: Boolean(json), deadline });
      if (json) printJson(job);
      else printOutcome(job);
      failUnless(job.trainingJobStatus, 'Completed');
    });
}

function buildSpec(options: TrainOptions): Record<string, any> {
  const spec: Record<string, any> = options.file ? readSpecFile(options.file) : {};
  spec.algorithmSpecification = { ...(spec.algorithmSpecification ?? {}) };
  spec.hyperParameters = { ...(spec.hyperParameters ?? {}), ...keyValues(options.hp, '--hp') };
  if (options.entryPoint) spec.hyperParameters.sagemaker_program = options.entryPoint;
  if (options.sourceDir) spec.hyperParameters.sagemaker_submit_directory = toUri(options.sourceDir);
  if (options.entryPoint && !spec.hyperParameters.sagemaker_submit_directory) {
    spec.hyperParameters.sagemaker_submit_directory = toUri('.');
  }
  if (options.image) spec.algorithmSpecification.trainingImage = options.image;
  if (options.algorithm) spec.algorithmSpecification.algorithmName = options.algorithm;
  const metrics = Object.entries(keyValues(options.metric, '--metric')).map(([name, regex]) => ({
    name,
    regex,
  }));
  if (metrics.length) spec.algorithmSpecification.metricDefinitions = metrics;
  const channels = Object.entries(keyValues(options.channel, '--channel')).map(([channelName, path]) => ({
    channelName,
    dataSource: { s3DataSource: { s3Uri: toUri(path) } },
  }));
  if (channels.length) spec.inputDataConfig = channels;
  const env = keyValues(options.env, '--env');
  if (Object.keys(env).length) spec.environment = { ...(spec.environment ?? {}), ...env };
  if (options.outputPath) spec.outputDataConfig = { s3OutputPath: toUri(options.outputPath) };
  if (options.maxRuntime)
    spec.stoppingCondition = { maxRuntimeInSeconds: integer(options.maxRuntime, '--max-runtime') };
  const resources: Record<string, number> = { ...(spec.resourceConfig ?? {}) };
  if (options.gpus) resources.gpuCount = integer(options.gpus, '--gpus');
  if (options.cpus) resources.cpus = Number(options.cpus);
  if (options.memoryMb) resources.memoryMb = integer(options.memoryMb, '--memory-mb');
  if (Object.keys(resources).length) spec.resourceConfig = resources;
  if (options.runName && !options.experiment) throw invalid('--run-name', 'needs --experiment');
  if (options.experiment)
    spec.experimentConfig = {
      ...(spec.experimentConfig ?? {}),
      experimentName: options.experiment,
      ...(options.runName ? { runName: options.runName } : {}),
    };
  if (Object.keys(spec.hyperParameters).length === 0) delete spec.hyperParameters;
  spec.trainingJobName = options.name ?? spec.trainingJobName ?? defaultName(spec);
  return spec;
}

function integer(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw invalid(flag, `"${text}" is not a whole number`);
  return Number(text);
}

/** Like the SageMaker SDK: a base name and a timestamp, within the 63-character limit. */
function defaultName(spec: Record<string, any>): string {
  const base =
    spec.algorithmSpecification.algorithmName ??
    (spec.hyperParameters?.sagemaker_program
      ? basename(spec.hyperParameters.sagemaker_program).replace(/\.\w+$/, '')
      : undefined) ??
    spec.algorithmSpecification.trainingImage?.split(/[/:]/).at(-2) ??
    'training';
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').replace(/\..*$/, '');
  const cleaned = base.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'training';
  return `${cleaned.slice(0, 40)}-${stamp}-${Math.floor(Math.random() * 1000)}`;
}

export async function waitForJob(
  client: SlipwayClient,
  name: string,
  options: { quiet: boolean; deadline?: Deadline },
): Promise<Job> {
  const deadline = options.deadline ?? Deadline.from(undefined);
  const line = new ProgressLine();
  let detached = false;
  const onInterrupt = () => {
    detached = true;
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (;;) {
      const job = await client.get<Job>(`/api/v1/training-jobs/${name}`);
      if (!options.quiet) line.update(progressText(job));
      if (['Completed', 'Failed', 'Stopped'].includes(job.trainingJobStatus)) return job;
      if (detached) {
        line.done();
        process.stderr.write(
          `stopped waiting; ${name} keeps running. Stop it with: slipway jobs stop ${name}\n`,
        );
        process.exit(130);
      }
      deadline.check(
        `${name} is ${job.trainingJobStatus}`,
        `It keeps running; stop it with: slipway jobs stop ${name}`,
      );
      await deadline.sleep(1000);
    }
  } finally {
    line.done();
    process.removeListener('SIGINT', onInterrupt);
  }
}

export function progressText(job: Job): string {
  const metrics = (job.finalMetricDataList ?? [])
    .map((m: { metricName: string; value: number }) => `${m.metricName}=${m.value}`)
    .join(' ');
  const time = elapsed(job.creationTime, job.trainingEndTime);
  return `${job.trainingJobName}  ${job.trainingJobStatus}/${job.secondaryStatus}  ${time}${metrics ? `  ${metrics}` : ''}`;
}

function printOutcome(job: Job): void {
  const status = job.trainingJobStatus;
  const painted = status === 'Completed' ? colour.green(status) : colour.red(status);
  const lines = [`${job.trainingJobName}: ${painted}`];
  if (job.failureReason) lines.push(`  reason: ${job.failureReason}`);
  if (job.modelArtifacts) lines.push(`  model:  ${job.modelArtifacts.s3ModelArtifacts}`);
  for (const metric of job.finalMetricDataList ?? []) lines.push(`  ${metric.metricName} = ${metric.value}`);
  if (job.billableTimeInSeconds !== undefined) lines.push(`  billable seconds: ${job.billableTimeInSeconds}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
