/**
 * The SageMaker training container contract: the /opt/ml layout, its config files and the SM_*
 * environment, as SageMaker's training toolkit sets them, so an existing script runs unchanged.
 * `root` is where the user's code sees the layout: /opt/ml in a container, the job folder for a
 * host process.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { TrainingJobSpec } from './types.ts';

export const currentHost = 'algo-1';

export function layoutPaths(root: string) {
  return {
    root,
    input: join(root, 'input'),
    config: join(root, 'input', 'config'),
    data: join(root, 'input', 'data'),
    model: join(root, 'model'),
    output: join(root, 'output'),
    outputData: join(root, 'output', 'data'),
    intermediate: join(root, 'output', 'intermediate'),
    failure: join(root, 'output', 'failure'),
    code: join(root, 'code'),
    channel: (name: string) => join(root, 'input', 'data', name),
  };
}

/** Hyperparameters that select code in script mode; they are not passed to the script. */
export const scriptModeKeys = ['sagemaker_program', 'sagemaker_submit_directory'] as const;

export function isFrameworkKey(key: string): boolean {
  return key.startsWith('sagemaker_');
}

/** SageMaker's Python SDK JSON-encodes hyperparameter values; the toolkit decodes them. Do the same. */
export function decodeHyperparameter(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A decoded value as a command-line argument (strings unquoted, as the toolkit passes them). */
function argumentText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** User hyperparameters as `--name value` pairs, as script mode passes them to the entry point. */
export function userArguments(hyperParameters: Record<string, string>): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(hyperParameters)) {
    if (isFrameworkKey(key)) continue;
    args.push(`--${key}`, argumentText(decodeHyperparameter(value)));
  }
  return args;
}

export function resourceConfigJson() {
  return {
    current_host: currentHost,
    current_instance_type: 'local',
    current_group_name: 'homogeneousCluster',
    hosts: [currentHost],
    instance_groups: [
      { instance_group_name: 'homogeneousCluster', instance_type: 'local', hosts: [currentHost] },
    ],
    network_interface_name: 'lo',
  };
}

export function inputDataConfigJson(spec: TrainingJobSpec) {
  const config: Record<string, Record<string, string>> = {};
  for (const channel of spec.inputDataConfig ?? []) {
    config[channel.channelName] = {
      ContentType: channel.contentType ?? '',
      TrainingInputMode: 'File',
      S3DistributionType: channel.dataSource.s3DataSource.s3DataDistributionType ?? 'FullyReplicated',
      RecordWrapperType: 'None',
    };
  }
  return config;
}

/** Creates the folders and writes input/config/{hyperparameters,resourceconfig,inputdataconfig}.json. */
export async function writeLayout(hostRoot: string, spec: TrainingJobSpec): Promise<void> {
  const paths = layoutPaths(hostRoot);
  for (const folder of [
    paths.config,
    paths.data,
    paths.model,
    paths.outputData,
    paths.intermediate,
    paths.code,
  ]) {
    await mkdir(folder, { recursive: true });
  }
  for (const channel of spec.inputDataConfig ?? [])
    await mkdir(paths.channel(channel.channelName), { recursive: true });
  await writeFile(join(paths.config, 'hyperparameters.json'), JSON.stringify(spec.hyperParameters ?? {}));
  await writeFile(join(paths.config, 'resourceconfig.json'), JSON.stringify(resourceConfigJson()));
  await writeFile(join(paths.config, 'inputdataconfig.json'), JSON.stringify(inputDataConfigJson(spec)));
}

/** The SM_* environment, as the user's code sees it from `root`. */
export function trainingEnvironment(options: {
  root: string;
  spec: TrainingJobSpec;
  gpus: number[];
  cpus?: number;
}): Record<string, string> {
  const { spec } = options;
  const paths = layoutPaths(options.root);
  const hyperParameters = spec.hyperParameters ?? {};
  const channels = (spec.inputDataConfig ?? []).map((c) => c.channelName).sort();
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(hyperParameters)) {
    if (!isFrameworkKey(key)) decoded[key] = decodeHyperparameter(value);
  }
  const program = hyperParameters.sagemaker_program
    ? String(decodeHyperparameter(hyperParameters.sagemaker_program))
    : '';
  const numCpus = Math.max(1, Math.floor(options.cpus ?? availableParallelism()));
  const channelDirs = Object.fromEntries(channels.map((name) => [name, paths.channel(name)]));
  const userArgs = userArguments(hyperParameters);

  const env: Record<string, string> = {
    TRAINING_JOB_NAME: spec.trainingJobName,
    SM_MODEL_DIR: paths.model,
    SM_INPUT_DIR: paths.input,
    SM_INPUT_CONFIG_DIR: paths.config,
    SM_OUTPUT_DIR: paths.output,
    SM_OUTPUT_DATA_DIR: paths.outputData,
    SM_OUTPUT_INTERMEDIATE_DIR: paths.intermediate,
    SM_CHANNELS: JSON.stringify(channels),
    SM_HPS: JSON.stringify(decoded),
    SM_USER_ARGS: JSON.stringify(userArgs),
    SM_NUM_CPUS: String(numCpus),
    SM_NUM_GPUS: String(options.gpus.length),
    SM_NUM_NEURONS: '0',
    SM_CURRENT_HOST: currentHost,
    SM_HOSTS: JSON.stringify([currentHost]),
    SM_CURRENT_INSTANCE_TYPE: 'local',
    SM_NETWORK_INTERFACE_NAME: 'lo',
    SM_LOG_LEVEL: '20',
    SM_RESOURCE_CONFIG: JSON.stringify(resourceConfigJson()),
    SM_INPUT_DATA_CONFIG: JSON.stringify(inputDataConfigJson(spec)),
    SM_MODULE_DIR: paths.code,
    SM_USER_ENTRY_POINT: program,
    SM_MODULE_NAME: program.replace(/\.(py|sh)$/, ''),
    PYTHONUNBUFFERED: '1',
  };
  for (const name of channels)
    env[`SM_CHANNEL_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`] = paths.channel(name);
  for (const [key, value] of Object.entries(decoded)) {
    env[`SM_HP_${key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`] =
      typeof value === 'string' ? value : JSON.stringify(value);
  }
  env.SM_TRAINING_ENV = JSON.stringify({
    job_name: spec.trainingJobName,
    channel_input_dirs: channelDirs,
    current_host: currentHost,
    hosts: [currentHost],
    hyperparameters: decoded,
    input_config_dir: paths.config,
    input_data_config: inputDataConfigJson(spec),
    input_dir: paths.input,
    log_level: 20,
    model_dir: paths.model,
    module_dir: paths.code,
    module_name: env.SM_MODULE_NAME,
    network_interface_name: 'lo',
    num_cpus: numCpus,
    num_gpus: options.gpus.length,
    output_data_dir: paths.outputData,
    output_dir: paths.output,
    output_intermediate_dir: paths.intermediate,
    resource_config: resourceConfigJson(),
    user_entry_point: program,
  });
  return env;
}
