/** `slipway models|endpoints|invoke|deploy|transform`: hosting from the command line. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import { toUri } from '../../sdk/uris.ts';
import { clientFor, globalsOf } from '../context.ts';
import { exitCodes, failUnless } from '../exit-codes.ts';
import { colour, formatTable, printDescribed, printJson } from '../output.ts';
import { collect, keyValues, readSpecFile } from '../spec-file.ts';
import { Deadline, timeoutOption } from '../waiting.ts';

type Described = Record<string, any>;

export function registerHosting(program: Command) {
  const models = program.command('models').description('models: an artifact and how to serve it');
  models
    .command('create')
    .description('create a model from flags or a spec file')
    .option('-f, --file <spec>', 'model spec (JSON or YAML)')
    .option('--name <name>', 'model name')
    .option('--model-data <uri>', 'model.tar.gz or .onnx (a path or URI)')
    .option('--image <image>', 'a container image implementing the inference contract')
    .option('--command <command...>', 'a host command implementing the inference contract')
    .option(
      '--program <file>',
      'Python handler module (SAGEMAKER_PROGRAM) with model_fn/input_fn/predict_fn/output_fn',
    )
    .option('--source-dir <dir>', 'folder or sourcedir.tar.gz with the handler code')
    .option('--env <NAME=value>', 'environment variable, repeatable', collect)
    .action(async (options, command: Command) => {
      const spec: Described = options.file ? readSpecFile(options.file) : {};
      if (options.name) spec.modelName = options.name;
      const container: Described = { ...(spec.primaryContainer ?? {}) };
      if (options.modelData) container.modelDataUrl = toUri(options.modelData);
      if (options.image) container.image = options.image;
      if (options.command) container.command = options.command;
      const env = { ...(container.environment ?? {}), ...keyValues(options.env, '--env') };
      if (options.program) env.SAGEMAKER_PROGRAM = options.program;
      if (options.sourceDir) env.SAGEMAKER_SUBMIT_DIRECTORY = toUri(options.sourceDir);
      if (Object.keys(env).length) container.environment = env;
      spec.primaryContainer = container;
      const created = await clientFor(command).post<Described>('/api/v1/models', spec);
      if (globalsOf(command).json) return printJson(created);
      process.stdout.write(`created model ${colour.bold(created.modelName)} (${created.servingType})\n`);
    });
  listCommand(models, '/api/v1/models', ['modelName', 'servingType', 'creationTime']);
  describeCommand(models, '/api/v1/models');
  deleteCommand(models, '/api/v1/models');

  const configs = program
    .command('endpoint-configs')
    .description('endpoint configs: variants and data capture');
  configs
    .command('create')
    .requiredOption('-f, --file <spec>', 'endpoint config spec (JSON or YAML)')
    .action(async (options: { file: string }, command: Command) => {
      const created = await clientFor(command).post<Described>(
        '/api/v1/endpoint-configs',
        readSpecFile(options.file),
      );
      if (globalsOf(command).json) return printJson(created);
      process.stdout.write(`created endpoint config ${colour.bold(created.endpointConfigName)}\n`);
    });
  listCommand(configs, '/api/v1/endpoint-configs', ['endpointConfigName', 'creationTime']);
  describeCommand(configs, '/api/v1/endpoint-configs');
  deleteCommand(configs, '/api/v1/endpoint-configs');

  const endpoints = program.command('endpoints').description('endpoints: live models behind HTTP');
  endpoints
    .command('create <name>')
    .description('create an endpoint from an endpoint config, or from one model with --model')
    .option('--config <name>', 'endpoint config to serve')
    .option('--model <name>', 'make a one-variant config for this model')
    .option('--instances <n>', 'instances for --model', '1')
    .option('--wait', 'wait until InService')
    .option(...timeoutOption)
    .action(
      async (
        name: string,
        options: { config?: string; model?: string; instances: string } & WaitOptions,
        command: Command,
      ) => {
        const deadline = Deadline.from(options.timeout);
        const client = clientFor(command);
        let configName = options.config;
        if (!configName && options.model) {
          configName = `${name}-${Date.now().toString(36)}`.slice(-63);
          await client.post('/api/v1/endpoint-configs', {
            endpointConfigName: configName,
            productionVariants: [
              {
                variantName: 'AllTraffic',
                modelName: options.model,
                initialInstanceCount: Number(options.instances),
              },
            ],
          });
        }
        if (!configName) throw invalid('--config', 'give an endpoint config, or a model with --model');
        await client.post('/api/v1/endpoints', { endpointName: name, endpointConfigName: configName });
        await finishEndpoint(command, name, options.wait, deadline);
      },
    );
  describeCommand(endpoints, '/api/v1/endpoints');
  listCommand(endpoints, '/api/v1/endpoints', [
    'endpointName',
    'endpointStatus',
    'currentEndpointConfigName',
    'creationTime',
  ]);
  endpoints
    .command('update-weights <name>')
    .description(
      'set variant weights and/or instance counts in place, e.g. --variant blue=0.2 --instances blue=2',
    )
    .option('--variant <name=weight>', 'desired weight, repeatable', collect)
    .option('--instances <name=count>', 'desired instance count, repeatable', collect)
    .action(async (name: string, options: { variant?: string[]; instances?: string[] }, command: Command) => {
      const weights = keyValues(options.variant, '--variant');
      const counts = keyValues(options.instances, '--instances');
      const variants = new Set([...Object.keys(weights), ...Object.keys(counts)]);
      const desiredWeightsAndCapacities = [...variants].map((variantName) => ({
        variantName,
        ...(weights[variantName] !== undefined ? { desiredWeight: Number(weights[variantName]) } : {}),
        ...(counts[variantName] !== undefined ? { desiredInstanceCount: Number(counts[variantName]) } : {}),
      }));
      const updated = await clientFor(command).post<Described>(
        `/api/v1/endpoints/${encodeURIComponent(name)}/update-weights`,
        {
          desiredWeightsAndCapacities,
        },
      );
      if (globalsOf(command).json) return printJson(updated);
      process.stdout.write(`${name}: ${updated.endpointStatus}\n`);
    });
  endpoints.command('delete <name>').action(async (name: string, _options, command: Command) => {
    await clientFor(command).delete(`/api/v1/endpoints/${encodeURIComponent(name)}`);
    if (globalsOf(command).json) return printJson({ deleting: name });
    process.stdout.write(`deleting ${name}\n`);
  });

  program
    .command('deploy <training-job>')
    .description('deploy a completed training job to an endpoint in one step')
    .requiredOption('--endpoint-name <name>', 'endpoint to create (or update)')
    .option('--instances <n>', 'instances', '1')
    .option('--wait', 'wait until InService')
    .option(...timeoutOption)
    .action(
      async (
        job: string,
        options: { endpointName: string; instances: string } & WaitOptions,
        command: Command,
      ) => {
        const deadline = Deadline.from(options.timeout);
        await clientFor(command).post(`/api/v1/training-jobs/${encodeURIComponent(job)}/deploy`, {
          endpointName: options.endpointName,
          initialInstanceCount: Number(options.instances),
        });
        await finishEndpoint(command, options.endpointName, options.wait, deadline);
      },
    );

  program
    .command('invoke <endpoint>')
    .description('send a request to an endpoint and print the answer')
    .option('--body <text>', 'the request body')
    .option('--body-file <file>', 'read the body from a file (- for standard input)')
    .option('--content-type <type>', 'text/csv, application/json or application/jsonlines', 'text/csv')
    .option('--accept <type>', 'response type', 'application/json')
    .option('--variant <name>', 'pin a production variant')
    .action(async (endpoint: string, options, command: Command) => {
      const body: string =
        options.body ??
        (options.bodyFile
          ? readFileSync(options.bodyFile === '-' ? 0 : options.bodyFile, 'utf8')
          : undefined);
      if (body === undefined) throw invalid('--body', 'give --body or --body-file');
      const client = clientFor(command);
      const response = await client.raw(
        'POST',
        `/endpoints/${encodeURIComponent(endpoint)}/invocations`,
        body,
        {
          'content-type': options.contentType,
          accept: options.accept,
          ...(options.variant ? { 'x-amzn-sagemaker-target-variant': options.variant } : {}),
        },
      );
      if (!globalsOf(command).json)
        process.stderr.write(
          colour.dim(`variant: ${response.headers.get('x-amzn-invoked-production-variant')}\n`),
        );
      process.stdout.write(`${(await response.text()).trimEnd()}\n`);
    });

  const transform = program.command('transform').description('batch transform jobs');
  transform
    .command('create')
    .requiredOption('-f, --file <spec>', 'transform job spec (JSON or YAML)')
    .option('--wait', 'wait until the job ends')
    .option(...timeoutOption)
    .action(async (options: { file: string } & WaitOptions, command: Command) => {
      const deadline = Deadline.from(options.timeout);
      const client = clientFor(command);
      let job = await client.post<Described>('/api/v1/transform-jobs', readSpecFile(options.file));
      const path = `/api/v1/transform-jobs/${encodeURIComponent(job.transformJobName)}`;
      while (options.wait && !['Completed', 'Failed', 'Stopped'].includes(job.transformJobStatus)) {
        deadline.check(`${job.transformJobName} is ${job.transformJobStatus}`, 'It keeps running');
        await deadline.sleep(500);
        job = await client.get<Described>(path);
      }
      if (options.wait) failUnless(job.transformJobStatus, 'Completed');
      if (globalsOf(command).json) return printJson(job);
      const reason = job.failureReason ? ` (${job.failureReason})` : '';
      process.stdout.write(
        options.wait
          ? `${colour.bold(job.transformJobName)}: ${job.transformJobStatus}${reason}\n`
          : `created transform job ${colour.bold(job.transformJobName)}\n`,
      );
    });
  listCommand(transform, '/api/v1/transform-jobs', [
    'transformJobName',
    'transformJobStatus',
    'recordsProcessed',
    'creationTime',
  ]);
  describeCommand(transform, '/api/v1/transform-jobs');
}

interface WaitOptions {
  wait?: boolean;
  timeout?: string;
}

function describeCommand(parent: Command, path: string) {
  parent
    .command('describe <name>')
    .description('show it (YAML; JSON with --json)')
    .action(async (name: string, _options, command: Command) => {
      printDescribed(
        await clientFor(command).get(`${path}/${encodeURIComponent(name)}`),
        globalsOf(command).json,
      );
    });
}

function deleteCommand(parent: Command, path: string) {
  parent.command('delete <name>').action(async (name: string, _options, command: Command) => {
    await clientFor(command).delete(`${path}/${encodeURIComponent(name)}`);
    if (globalsOf(command).json) return printJson({ deleted: name });
    process.stdout.write(`deleted ${name}\n`);
  });
}

function listCommand(parent: Command, path: string, columns: string[]) {
  parent
    .command('list')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (options: { limit: string }, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Described[] }>(path, { limit: options.limit });
      if (globalsOf(command).json) return printJson(items);
      process.stdout.write(`${formatTable(items, columns)}\n`);
    });
}

/** Prints the endpoint, waiting for InService (or failure) with --wait. */
export async function finishEndpoint(
  command: Command,
  name: string,
  wait: boolean | undefined,
  deadline: Deadline,
) {
  const client = clientFor(command);
  let endpoint = await client.get<Described>(`/api/v1/endpoints/${encodeURIComponent(name)}`);
  while (wait && !['InService', 'Failed'].includes(endpoint.endpointStatus)) {
    deadline.check(`${name} is ${endpoint.endpointStatus}`, 'It keeps deploying');
    await deadline.sleep(500);
    endpoint = await client.get<Described>(`/api/v1/endpoints/${encodeURIComponent(name)}`);
  }
  if (globalsOf(command).json) return printJson(endpoint);
  process.stdout.write(
    `${name}: ${endpoint.endpointStatus}${endpoint.failureReason ? ` (${endpoint.failureReason})` : ''}\n`,
  );
  if (wait)
    process.stdout.write(
      `invoke it: slipway invoke ${name} --body '...'  (POST ${client.url}/endpoints/${name}/invocations)\n`,
    );
  if (endpoint.endpointStatus === 'Failed') process.exitCode = exitCodes.failed;
}
