/**
 * The SageMaker Python SDK's shape in TypeScript: `new Estimator({...}).fit({ train, test })`,
 * then `.deploy({ endpointName })`, then `predictor.predict(rows)`. A thin layer over the REST API;
 * local paths become file:// URIs, as on the command line.
 */
import { isSlipwayError, SlipwayError } from '../core/errors.ts';
import { SlipwayClient } from './client.ts';
import { toUri } from './uris.ts';

type Described = Record<string, any>;

export interface EstimatorOptions {
  /** Script mode: the entry point inside `sourceDir`. */
  entryPoint?: string;
  sourceDir?: string;
  /** A built-in algorithm (`linear-learner`, `gbdt`) instead of a script. */
  algorithm?: string;
  /** A training image (docker runtime). */
  image?: string;
  hyperparameters?: Record<string, string | number | boolean>;
  metricDefinitions?: Array<{ name: string; regex: string }>;
  baseJobName?: string;
  outputPath?: string;
  maxRuntimeSeconds?: number;
  environment?: Record<string, string>;
  client?: SlipwayClient;
  /** How often `fit` and `deploy` poll while waiting. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export class Estimator {
  readonly client: SlipwayClient;
  /** The last job `fit` ran, as described by the server. */
  latestTrainingJob?: Described;

  constructor(private readonly options: EstimatorOptions) {
    this.client = options.client ?? new SlipwayClient();
  }

  /** Runs a training job on the channels given (paths or URIs) and, by default, waits for its end. */
  async fit(
    channels: Record<string, string>,
    options: { jobName?: string; wait?: boolean } = {},
  ): Promise<Described> {
    const o = this.options;
    const hyperParameters: Record<string, string> = {};
    for (const [key, value] of Object.entries(o.hyperparameters ?? {})) hyperParameters[key] = String(value);
    if (o.entryPoint) {
      hyperParameters.sagemaker_program = o.entryPoint;
      hyperParameters.sagemaker_submit_directory = toUri(o.sourceDir ?? '.');
    }
    const base = o.baseJobName ?? o.algorithm ?? o.entryPoint?.replace(/\.\w+$/, '') ?? 'training';
    const name =
      options.jobName ?? `${base.replace(/[^a-zA-Z0-9-]+/g, '-')}-${Date.now().toString(36)}`.slice(-63);
    const job = await this.client.post<Described>('/api/v1/training-jobs', {
      trainingJobName: name,
      algorithmSpecification: {
        ...(o.algorithm ? { algorithmName: o.algorithm } : {}),
        ...(o.image ? { trainingImage: o.image } : {}),
        ...(o.metricDefinitions ? { metricDefinitions: o.metricDefinitions } : {}),
      },
      ...(Object.keys(hyperParameters).length ? { hyperParameters } : {}),
      inputDataConfig: Object.entries(channels).map(([channelName, uri]) => ({
        channelName,
        dataSource: { s3DataSource: { s3Uri: toUri(uri) } },
      })),
      ...(o.outputPath ? { outputDataConfig: { s3OutputPath: toUri(o.outputPath) } } : {}),
      ...(o.maxRuntimeSeconds ? { stoppingCondition: { maxRuntimeInSeconds: o.maxRuntimeSeconds } } : {}),
      ...(o.environment ? { environment: o.environment } : {}),
    });
    this.latestTrainingJob = options.wait === false ? job : await this.waitForJob(job.trainingJobName);
    return this.latestTrainingJob;
  }

  private async waitForJob(name: string): Promise<Described> {
    for (;;) {
      const job = await this.client.get<Described>(`/api/v1/training-jobs/${name}`);
      if (['Completed', 'Failed', 'Stopped'].includes(job.trainingJobStatus)) {
        if (job.trainingJobStatus !== 'Completed') {
          throw new Error(
            `training job ${name} ${job.trainingJobStatus}: ${job.failureReason ?? 'no reason given'}`,
          );
        }
        return job;
      }
      await sleep(this.options.pollMs ?? 500);
    }
  }

  /**
   * Deploys the fitted model to a new endpoint and waits for InService. As in SageMaker's SDK, an
   * endpoint that already exists is refused unless `updateEndpoint` is true, so a name reused by
   * mistake never silently replaces the model that serves it.
   */
  async deploy(options: {
    endpointName: string;
    initialInstanceCount?: number;
    updateEndpoint?: boolean;
  }): Promise<Predictor> {
    if (!this.latestTrainingJob) throw new Error('call fit() before deploy()');
    const { updateEndpoint, ...body } = options;
    if (!updateEndpoint && (await this.endpointExists(options.endpointName)))
      throw new SlipwayError(
        'SLIPWAY_SDK_ENDPOINT_EXISTS',
        'conflict',
        `endpoint ${options.endpointName} already exists; pass updateEndpoint: true to move it to the new model`,
        { field: 'endpointName' },
      );
    await this.client.post(`/api/v1/training-jobs/${this.latestTrainingJob.trainingJobName}/deploy`, body);
    for (;;) {
      const endpoint = await this.client.get<Described>(`/api/v1/endpoints/${options.endpointName}`);
      if (endpoint.endpointStatus === 'InService') return new Predictor(options.endpointName, this.client);
      if (endpoint.endpointStatus === 'Failed')
        throw new Error(`endpoint ${options.endpointName} failed: ${endpoint.failureReason}`);
      await sleep(this.options.pollMs ?? 500);
    }
  }

  private async endpointExists(name: string): Promise<boolean> {
    try {
      await this.client.get(`/api/v1/endpoints/${encodeURIComponent(name)}`);
      return true;
    } catch (error) {
      if (isSlipwayError(error) && error.kind === 'not_found') return false;
      throw error;
    }
  }
}

export class Predictor {
  constructor(
    readonly endpointName: string,
    private readonly client: SlipwayClient = new SlipwayClient(),
  ) {}

  /**
   * Sends rows and returns the parsed answer. Arrays of values go as CSV lines; objects (records,
   * `{instances}`) as JSON; a string as it is, with `contentType`.
   */
  async predict(
    data: unknown[][] | Record<string, unknown>[] | Record<string, unknown> | string,
    options: { contentType?: string; variant?: string } = {},
  ): Promise<unknown> {
    let body: string;
    let contentType = options.contentType;
    if (typeof data === 'string') body = data;
    else if (Array.isArray(data) && data.every(Array.isArray)) {
      body = `${(data as unknown[][]).map((row) => row.join(',')).join('\n')}\n`;
      contentType ??= 'text/csv';
    } else body = JSON.stringify(data);
    const response = await this.client.raw(
      'POST',
      `/endpoints/${encodeURIComponent(this.endpointName)}/invocations`,
      body,
      {
        'content-type': contentType ?? 'application/json',
        accept: 'application/json',
        ...(options.variant ? { 'x-amzn-sagemaker-target-variant': options.variant } : {}),
      },
    );
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
}
