/**
 * `slipway registry groups|create-group|versions|describe|register|approve|reject|alias|deploy`, and the
 * tracking commands that go with it (`experiments`, `runs`, `lineage`), registered together so the
 * CLI's entry point wires them with one line.
 */
import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import { toUri } from '../../sdk/uris.ts';
import { clientFor, globalsOf } from '../context.ts';
import { colour, formatTable, printDescribed, printJson } from '../output.ts';
import { collect, keyValues } from '../spec-file.ts';
import { Deadline, timeoutOption } from '../waiting.ts';
import { registerExperiments } from './experiments.ts';
import { finishEndpoint } from './hosting.ts';
import { registerLineage } from './lineage.ts';
import { registerRuns } from './runs.ts';

type Described = Record<string, any>;

function numbers(pairs: string[] | undefined, flag: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(keyValues(pairs, flag)).map(([key, text]) => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value))
        throw invalid(flag, `"${key}=${text}" needs a number`);
      return [key, value];
    }),
  );
}

function versionLine(version: Described): string {
  const aliases = version.aliases?.length ? ` [${version.aliases.join(', ')}]` : '';
  return `${version.modelPackageGroupName} version ${colour.bold(String(version.modelPackageVersion))}${aliases}: ${version.modelApprovalStatus}`;
}

/**
 * What deploying the version runs, as the approve and reject lines show it: the serving spec is
 * part of what is decided, not only the metrics.
 */
function servingLines(version: Described): string[] {
  const container = version.inferenceSpecification?.primaryContainer ?? {};
  const from =
    version.inferenceSpecificationSource === 'declared'
      ? 'declared at registration'
      : 'from the training job';
  const runs = container.image
    ? `image ${container.image}${container.command ? ` command ${container.command.join(' ')}` : ''}`
    : container.command
      ? `command ${container.command.join(' ')}`
      : (version.inferenceSpecification?.servingType ?? 'the model data');
  const lines = [`  serves (${from}): ${runs}`];
  const environment = Object.entries(container.environment ?? {});
  if (environment.length) lines.push(`  environment: ${environment.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (version.modelArtifact)
    lines.push(
      `  model data: ${version.modelArtifact.uri} sha256 ${version.modelArtifact.sha256 ?? '(none)'}`,
    );
  if (version.code) lines.push(`  code: ${version.code.uri} sha256 ${version.code.sha256}`);
  return lines;
}

export function registerRegistry(program: Command) {
  registerExperiments(program);
  registerRuns(program);
  registerLineage(program);

  const registry = program.command('registry').description('model registry: versioned, approved models');
  registry
    .command('groups')
    .description('list model package groups')
    .action(async (_options, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/model-package-groups');
      if (globalsOf(command).json) return printJson(items);
      const rows = items.map((g) => ({
        group: g.modelPackageGroupName,
        latest: g.latestVersion,
        aliases:
          Object.entries(g.aliases ?? {})
            .map(([a, v]) => `${a}=${v}`)
            .join(' ') || undefined,
        required:
          Object.entries(g.requiredMetrics ?? {})
            .map(
              ([m, b]: [string, any]) =>
                `${m}${b.min !== undefined ? `>=${b.min}` : ''}${b.max !== undefined ? `<=${b.max}` : ''}`,
            )
            .join(' ') || undefined,
      }));
      process.stdout.write(`${formatTable(rows, ['group', 'latest', 'aliases', 'required'])}\n`);
    });
  registry
    .command('create-group <name>')
    .description('create a model package group; --min/--max set the metrics a version needs to be approved')
    .option('--description <text>', 'what the model is for')
    .option('--min <metric=value>', 'required metric with a minimum, repeatable', collect)
    .option('--max <metric=value>', 'required metric with a maximum, repeatable', collect)
    .action(
      async (
        name: string,
        options: { description?: string; min?: string[]; max?: string[] },
        command: Command,
      ) => {
        const requiredMetrics: Record<string, { min?: number; max?: number }> = {};
        for (const [metric, min] of Object.entries(numbers(options.min, '--min')))
          requiredMetrics[metric] = { min };
        for (const [metric, max] of Object.entries(numbers(options.max, '--max')))
          requiredMetrics[metric] = { ...requiredMetrics[metric], max };
        const created = await clientFor(command).post<Described>('/api/v1/model-package-groups', {
          modelPackageGroupName: name,
          ...(options.description ? { description: options.description } : {}),
          ...(Object.keys(requiredMetrics).length ? { requiredMetrics } : {}),
        });
        if (globalsOf(command).json) return printJson(created);
        process.stdout.write(`created model package group ${colour.bold(name)}\n`);
      },
    );
  registry
    .command('versions <group>')
    .description("a group's versions, newest first")
    .option('--status <status>', 'PendingManualApproval, Approved or Rejected')
    .action(async (group: string, options: { status?: string }, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/model-packages', {
        modelPackageGroupName: group,
        approvalStatus: options.status,
      });
      if (globalsOf(command).json) return printJson(items);
      const rows = items.map((v) => ({
        version: v.modelPackageVersion,
        status: v.modelApprovalStatus,
        aliases: v.aliases?.join(' ') || undefined,
        metrics:
          Object.entries(v.metrics ?? {})
            .map(([m, x]) => `${m}=${x}${v.metricSources?.[m] === 'declared' ? ' (declared)' : ''}`)
            .join(' ') || undefined,
        'training job': v.trainingJobName,
        by: v.approvedBy ?? v.rejectedBy,
        created: v.creationTime,
      }));
      process.stdout.write(
        `${formatTable(rows, ['version', 'status', 'aliases', 'metrics', 'training job', 'by', 'created'])}\n`,
      );
    });
  registry
    .command('register <group>')
    .description('register a new version from a training job (--training-job) or a model file (--model-data)')
    .option(
      '--training-job <name>',
      'a Completed training job: artifact, serving spec, metrics and run come from it',
    )
    .option('--model-data <uri>', 'model.tar.gz or .onnx (a path or URI)')
    .option('--metric <name=value>', 'a metric of this version, repeatable', collect)
    .option('--description <text>', 'what changed')
    .option('--meta <key=value>', 'custom metadata, repeatable', collect)
    .action(
      async (
        group: string,
        options: {
          trainingJob?: string;
          modelData?: string;
          metric?: string[];
          description?: string;
          meta?: string[];
        },
        command: Command,
      ) => {
        if (!options.trainingJob && !options.modelData)
          throw invalid('--training-job', 'give --training-job or --model-data');
        const metrics = numbers(options.metric, '--metric');
        const meta = keyValues(options.meta, '--meta');
        const created = await clientFor(command).post<Described>('/api/v1/model-packages', {
          modelPackageGroupName: group,
          ...(options.trainingJob ? { trainingJobName: options.trainingJob } : {}),
          ...(options.modelData
            ? { inferenceSpecification: { primaryContainer: { modelDataUrl: toUri(options.modelData) } } }
            : {}),
          ...(Object.keys(metrics).length ? { metrics } : {}),
          ...(Object.keys(meta).length ? { customMetadata: meta } : {}),
          ...(options.description ? { description: options.description } : {}),
        });
        if (globalsOf(command).json) return printJson(created);
        process.stdout.write(`registered ${versionLine(created)}\n`);
      },
    );
  for (const [verb, past] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    registry
      .command(`${verb} <group> <version>`)
      .description(`${verb} a version (needs the approver role); version: a number, latest, or an alias`)
      .option('--comment <text>', 'why')
      .action(async (group: string, version: string, options: { comment?: string }, command: Command) => {
        const decided = await clientFor(command).post<Described>(
          `/api/v1/model-packages/${encodeURIComponent(group)}/${encodeURIComponent(version)}/${verb}`,
          options.comment ? { comment: options.comment } : {},
        );
        if (globalsOf(command).json) return printJson(decided);
        process.stdout.write(
          `${[`${past} ${versionLine(decided)} by ${decided.approvedBy ?? decided.rejectedBy}`, ...servingLines(decided)].join('\n')}\n`,
        );
      });
  }
  registry
    .command('describe <group> <version>')
    .description(
      'show a version: its serving spec (image, command, environment), model data and hash, metrics with their sources (YAML; JSON with --json)',
    )
    .action(async (group: string, version: string, _options, command: Command) => {
      printDescribed(
        await clientFor(command).get(
          `/api/v1/model-packages/${encodeURIComponent(group)}/${encodeURIComponent(version)}`,
        ),
        globalsOf(command).json,
      );
    });
  registry
    .command('alias <group> <alias> [version]')
    .description('point an alias (champion, staging, …) at a version, or remove it with --remove')
    .option('--remove', 'remove the alias')
    .action(
      async (
        group: string,
        alias: string,
        version: string | undefined,
        options: { remove?: boolean },
        command: Command,
      ) => {
        const client = clientFor(command);
        const path = `/api/v1/model-package-groups/${encodeURIComponent(group)}/aliases/${encodeURIComponent(alias)}`;
        let updated: Described;
        if (options.remove) updated = await client.delete<Described>(path);
        else {
          if (!version || !/^\d+$/.test(version))
            throw invalid('version', 'give the version number the alias should point at');
          updated = await client.request<Described>('PUT', path, { version: Number(version) });
        }
        if (globalsOf(command).json) return printJson(updated);
        process.stdout.write(
          options.remove ? `removed ${alias} from ${group}\n` : `${group}: ${alias} → version ${version}\n`,
        );
      },
    );
  registry
    .command('deploy <group> <version>')
    .description('deploy an Approved version (a number, latest, or an alias) to an endpoint')
    .requiredOption('--endpoint-name <name>', 'endpoint to create (or update)')
    .option('--instances <n>', 'instances', '1')
    .option('--wait', 'wait until InService')
    .option(...timeoutOption)
    .action(
      async (
        group: string,
        version: string,
        options: { endpointName: string; instances: string; wait?: boolean; timeout?: string },
        command: Command,
      ) => {
        const deadline = Deadline.from(options.timeout);
        await clientFor(command).post<Described>(
          `/api/v1/model-packages/${encodeURIComponent(group)}/${encodeURIComponent(version)}/deploy`,
          { endpointName: options.endpointName, initialInstanceCount: Number(options.instances) },
        );
        await finishEndpoint(command, options.endpointName, options.wait, deadline);
      },
    );
}
